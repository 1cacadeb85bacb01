"""« English all the way », in a real browser: a mentor and a mentee choose
English with the switch, then walk their pages (home, workspace, session and
its agenda, progress, charter, schedule, glossary, resources) at 1280 px and
at 390 × 844. No seeded content that exists in English is left in French, and
what exists only in French is marked lang="fr"."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from binome.accounts.models import User
from binome.demo.workspace import GLOSSARY, RESOURCES, _glossary_and_resources
from binome.pairs import services
from binome.pairs.models import GlossaryTerm, Pair
from binome.skills.models import Skill
from conftest import assert_accessible

pytestmark = pytest.mark.browser

# French text that has an English version: the seeded glossary and resources,
# the default ground rules of a charter, the goal example, the interface.
FRENCH = sorted(
    {
        text
        for _term, _kind, definition, example, _d_en, _e_en in GLOSSARY
        for text in (definition, example)
    }
    | {
        text
        for title, _t_en, _kind, _codes, _url, _lang, desc, _d_en in RESOURCES
        for text in (title, desc)
    }
    | {
        "Courtoisie et respect",
        "Le mentor n'est pas une hotline",
        "publier un post LinkedIn",
        "Se déconnecter",
        "Séances",
        "Ordre du jour",
        "Lexique",
        "Ressources",
    }
)
FRENCH_ONLY_TERM = "Une définition écrite en français seulement."


def _log_in_in_english(browser, live_server, email, viewport):
    context = browser.new_context(
        locale="fr-FR", base_url=live_server.url, viewport=viewport
    )
    page = context.new_page()
    page.goto("/compte/connexion/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("mot-de-passe-solide")
    page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url("/compte/connexion/")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.locator(".lang-switch button[value=en]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    return context, page


def _check(page, path, shots, name):
    page.goto(path)
    assert page.locator("html").get_attribute("lang") == "en", path
    # Text the reader sees, except what is marked as French on purpose.
    shown = page.evaluate(
        """() => {
            const copy = document.body.cloneNode(true);
            copy.querySelectorAll('[lang]:not([lang^="en"])').forEach(e => e.remove());
            return copy.innerText;
        }"""
    )
    left = [text for text in FRENCH if text in shown]
    assert left == [], f"{path}: French left: {left}"
    assert "Log out" in shown, path
    assert_accessible(page)
    if shots:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
)
def test_mentor_and_mentee_read_everything_in_english(
    browser, live_server, pair, pilot, viewport
):
    shots = os.environ.get("BINOME_SHOTS_DIR")
    shots_dir = Path(shots) if shots else None
    if shots_dir:
        shots_dir.mkdir(parents=True, exist_ok=True)
    _glossary_and_resources(pilot)
    GlossaryTerm.objects.create(
        term="Séminaire",
        kind="corporate",
        status="approved",
        definition_fr=FRENCH_ONLY_TERM,
    )

    contexts = []
    pages = {}
    for who, email in (
        ("mentee", "bernard@test.example"),
        ("mentor", "camille@test.example"),
    ):
        context, page = _log_in_in_english(browser, live_server, email, viewport)
        contexts.append(context)
        pages[who] = page
    # The switch is saved on both accounts (the e-mails follow it).
    assert set(
        User.objects.filter(
            email__in=["bernard@test.example", "camille@test.example"]
        ).values_list("language", flat=True)
    ) == {"en"}

    # The pair's sessions (as a page would load it: both now in English),
    # and an agenda naming a leadership skill.
    pair = Pair.objects.get(pk=pair.pk)
    # The real clock runs here: the programme runs around today.
    programme = pair.programme
    programme.start_date = timezone.localdate() - datetime.timedelta(days=60)
    programme.end_date = timezone.localdate() + datetime.timedelta(days=60)
    programme.save()
    first = timezone.localtime() + datetime.timedelta(days=1)
    services.plan_meetings(
        pair=pair, first_at=first.replace(hour=10, minute=0, second=0, microsecond=0)
    )
    meeting = pair.meetings.order_by("starts_at").first()
    assert meeting is not None
    services.add_agenda_item(
        meeting=meeting,
        by=pair.mentee.person.user,
        text="How does the COMEX decide?",
        kind="question",
        skill=Skill.objects.get(code="leadership"),
    )

    base = f"/binomes/{pair.pk}/"
    paths = {
        "home": "/",
        "workspace": base,
        "session": f"{base}seances/{meeting.pk}/",
        "progress": f"{base}progres/",
        "charter": f"{base}charte/",
        "schedule": f"{base}seances/",
        "glossary": "/binomes/lexique/",
        "resources": "/binomes/ressources/",
    }
    size = f"{viewport['width']}"
    for who, page in pages.items():
        for name, path in paths.items():
            _check(page, path, shots_dir, f"{who}-{name}-{size}")

    page = pages["mentee"]
    # The charter's ground rules were written in English for this pair.
    page.goto(paths["charter"])
    expect(page.locator("main")).to_contain_text("Courtesy and respect")
    # The session suggests the leadership resource, in English.
    page.goto(paths["session"])
    expect(page.locator("main")).to_contain_text("Giving useful feedback")
    # The glossary: English where it exists, the French left marked as such.
    page.goto(paths["glossary"])
    expect(page.locator("main")).to_contain_text(
        "The executive committee: the leaders who take the big decisions."
    )
    only_french = page.locator("dd [lang=fr]", has_text=FRENCH_ONLY_TERM)
    expect(only_french).to_have_count(1)
    # The resources: English titles; a link to French content says so.
    page.goto(paths["resources"])
    card = page.locator("li.card", has_text="Running an effective meeting")
    expect(card).to_contain_text("in French")
    expect(card.locator("a[hreflang=fr]")).to_have_count(1)
    for context in contexts:
        context.close()
