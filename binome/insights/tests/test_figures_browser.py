"""The demo pilot's figures in a real browser (issue 19), as its manager and
as its sponsor, 1280 px and 390×844, in French and English: the manager
reads the rhythm and the share across departments exactly, the sponsor
« masqué » with why; the comparison lists each target's status; the activity
page counts the pairs at risk as the dashboard does. Nothing scrolls
sideways, no CSP violation, axe-core clean.

``SHOTS=/tmp/dir`` saves a screenshot of each page."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from binome.demo.insights import load_insights_demo
from binome.demo.services import DEMO_PASSWORD, load_demo
from binome.programs.models import Programme
from binome.tests.test_phone_browser import DESKTOP, PHONE, Walk, _shot

pytestmark = pytest.mark.browser

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture
def demo(transactional_db):
    load_demo(today=TODAY)
    pilot = Programme.objects.get(slug="pilote-2026")
    load_insights_demo(pilot, Programme.objects.get(slug="vague-2027"), today=TODAY)
    return pilot


def _log_in(walk, email):
    page = walk.page
    page.goto("/compte/connexion/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url(re.compile(r"/compte/connexion/"))
    if walk.locale == "en":
        page.locator("form.lang-switch button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


def _headline(page):
    """The « At a glance » facts, label → text."""
    facts = page.locator("#headline-title + dl.facts")
    labels = facts.locator("dt").all_inner_texts()
    values = facts.locator("dd").all_inner_texts()
    return dict(zip(labels, values, strict=True))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
@pytest.mark.parametrize("locale", ["fr", "en"])
def test_dashboard_for_the_manager_and_the_sponsor(
    browser, live_server, demo, viewport, locale
):
    width = viewport["width"]
    report = {}
    rhythm = (
        "Binômes qui tiennent le rythme"
        if locale == "fr"
        else ("Pairs keeping the rhythm")
    )

    manager = Walk(browser, live_server, viewport=viewport, locale=locale)
    _log_in(manager, "rh@binome.example")
    page = manager.page
    page.goto(f"/indicateurs/{demo.slug}/")
    facts = _headline(page)
    hidden_label = "masqué" if locale == "fr" else "hidden"
    # Exact for the managers: a share, never hidden, never « < 5 ».
    assert facts[rhythm].endswith("%"), facts
    assert "< 5" not in "".join(facts.values()), facts
    assert hidden_label not in "".join(facts.values()), facts
    expect(page.locator("#why-hidden")).to_be_visible()
    expect(page.locator("#risk-title + p strong")).to_be_visible()
    _shot(page, f"manager-{locale}-{width}-dashboard")
    report["manager dashboard"] = manager.problems()
    page.goto(f"/binomes/suivi/{demo.slug}/")
    _shot(page, f"manager-{locale}-{width}-activity")
    report["manager activity"] = manager.problems()
    manager.context.close()

    sponsor = Walk(browser, live_server, viewport=viewport, locale=locale)
    _log_in(sponsor, "sponsor@binome.example")
    page = sponsor.page
    page.goto(f"/indicateurs/{demo.slug}/")
    facts = _headline(page)
    # Hidden, and never « < 5 »: the demo's share is not a group under 5.
    assert facts[rhythm].startswith(hidden_label), facts
    assert "< 5" not in "".join(facts.values()), facts
    hidden = page.locator("a.figure-hidden").first
    expect(hidden).to_have_attribute("href", "#why-hidden")
    assert page.locator("#risk-title").count() == 0
    _shot(page, f"sponsor-{locale}-{width}-dashboard")
    report["sponsor dashboard"] = sponsor.problems()
    page.goto("/indicateurs/comparer/")
    expect(page.locator("#table-compare .target").first).to_be_visible()
    _shot(page, f"sponsor-{locale}-{width}-compare")
    report["sponsor compare"] = sponsor.problems()
    sponsor.context.close()
    assert not any(report.values()), report
