"""The dashboard in a real browser on the demo data, as the demo manager and
as the demo sponsor: the charts display, the sponsor sees no name, no CSP
violation (the `page` fixture fails on any), and axe-core passes."""

import datetime

import pytest
from playwright.sync_api import expect

from binome.demo.insights import load_insights_demo
from binome.demo.services import DEMO_PASSWORD, load_demo
from binome.pairs.models import Pair
from binome.programs.models import Programme
from conftest import assert_accessible

pytestmark = pytest.mark.browser

TODAY = datetime.date(2026, 11, 22)


@pytest.fixture
def demo(transactional_db):
    load_demo(today=TODAY)
    pilot = Programme.objects.get(slug="pilote-2026")
    load_insights_demo(pilot, Programme.objects.get(slug="vague-2027"), today=TODAY)
    return pilot


def _log_in(page, email):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def _charts_display(page):
    images = page.locator("figure.chart img")
    expect(images).to_have_count(7)
    for i in range(7):
        image = images.nth(i)
        expect(image).to_be_visible()
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
        assert image.get_attribute("alt")


def test_manager_dashboard(page, demo):
    _log_in(page, "rh@binome.example")
    page.goto(f"/indicateurs/{demo.slug}/")
    _charts_display(page)
    expect(page.locator("#table-at-risk")).to_be_visible()
    assert_accessible(page)


def test_sponsor_dashboard_has_no_names(page, demo):
    _log_in(page, "sponsor@binome.example")
    page.goto(f"/indicateurs/{demo.slug}/")
    _charts_display(page)
    text = page.locator("main").inner_text()
    for pair in Pair.objects.in_programme(demo).select_related(
        "mentor__person", "mentee__person"
    ):
        for person in (pair.mentor.person, pair.mentee.person):
            assert person.last_name not in text
    assert page.locator("#table-at-risk").count() == 0
    assert_accessible(page)
    page.goto("/indicateurs/comparer/")
    expect(page.locator("#table-compare")).to_be_visible()
    assert_accessible(page)
