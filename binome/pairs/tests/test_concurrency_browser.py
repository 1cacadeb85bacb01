"""Two people edit the same session notes in two real browsers: the second
sees the conflict screen, both texts are kept when they choose « both ». The
screen is checked with axe-core, at 1280 px and on a phone (390 × 844), in
French and in English, with and without JavaScript."""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from binome.pairs import services
from conftest import assert_accessible

pytestmark = pytest.mark.browser

FIRST = (
    "Camille : rôle, contexte, format. "
    "https://exemple.fr/un-lien-tres-long-qui-ne-doit-pas-deborder-sur-un-telephone"
)
SECOND = "Bernard : relire le compte de résultat du trimestre."


def _log_in(page, email):
    page.goto("/compte/connexion/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("mot-de-passe-solide")
    page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url("/compte/connexion/")


def _shot(page, name):
    folder = os.environ.get("SHOTS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def _no_sideways_scroll(page):
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths


@pytest.fixture
def session_url(pair):
    # The real clock runs here: the programme runs around today.
    programme = pair.programme
    programme.start_date = timezone.localdate() - datetime.timedelta(days=60)
    programme.end_date = timezone.localdate() + datetime.timedelta(days=60)
    programme.save()
    first = timezone.localtime() + datetime.timedelta(days=1)
    services.plan_meetings(
        pair=pair, first_at=first.replace(hour=10, minute=0, second=0, microsecond=0)
    )
    return f"/binomes/{pair.pk}/seances/{pair.meetings.first().pk}/"


@pytest.mark.parametrize(
    ("language", "width", "height", "javascript"),
    [
        ("fr-FR", 1280, 900, True),
        ("fr-FR", 390, 844, False),
        ("en-US", 390, 844, True),
        ("en-US", 1280, 900, False),
    ],
)
def test_two_browsers_edit_the_same_notes(
    browser, live_server, pair, session_url, language, width, height, javascript
):
    contexts = [
        browser.new_context(
            locale=language,
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            java_script_enabled=javascript,
            extra_http_headers={"Accept-Language": language},
        )
        for _ in range(2)
    ]
    camille, bernard = (c.new_page() for c in contexts)
    _log_in(camille, "camille@test.example")
    _log_in(bernard, "bernard@test.example")
    if language.startswith("en"):
        bernard.locator("form.lang-switch button[value=en]").click()
        expect(bernard.locator("html")).to_have_attribute("lang", "en")
    # Both open the session page, then both write in the shared notes.
    camille.goto(session_url)
    bernard.goto(session_url)
    camille.locator("#notes textarea[name=notes]").fill(FIRST)
    bernard.locator("#notes textarea[name=notes]").fill(SECOND)
    camille.locator("#notes button[type=submit]").click()
    expect(camille.locator("#notes textarea[name=notes]")).to_have_value(FIRST)

    bernard.locator("#notes button[type=submit]").click()
    conflict = bernard.locator("#notes form.conflict")
    expect(conflict).to_be_visible()
    expect(conflict.locator(".conflict-text").first).to_contain_text(SECOND)
    expect(conflict).to_contain_text("Camille : rôle, contexte, format.")
    alert = "saved this in the meantime" if language.startswith("en") else "entre-temps"
    expect(conflict.locator("[role=alert]")).to_contain_text(alert)
    bernard.locator("details.conflict-diff-box summary").first.click()
    expect(bernard.locator(".conflict-diff del").first).to_be_visible()
    tag = f"{language[:2]}-{width}-{'js' if javascript else 'nojs'}"
    _shot(bernard, f"conflict-{tag}")
    _no_sideways_scroll(bernard)
    if javascript:
        assert_accessible(bernard)

    # « Keep both » is preselected: saving keeps Camille's text and his.
    expect(bernard.locator("input[name=resolve-notes][value=both]")).to_be_checked()
    conflict.locator("button[type=submit]").click()
    notes = bernard.locator("#notes textarea[name=notes]")
    expect(notes).to_have_value(
        re.compile(r"Camille : rôle.*———.*Bernard : relire", re.DOTALL)
    )
    _shot(bernard, f"resolved-{tag}")
    for context in contexts:
        context.close()
