"""End-to-end: the manager closes the programme from its closing page (the
preview first), reopens it, closes it again; the mentor then downloads the
certificate from « Mes binômes ». At 1280 px and on a phone (390 × 844), in
French and in English, axe-core clean. ``SHOTS=/tmp/dir`` saves screenshots.

Browser tests run on the real clock: the programme is set around today."""

import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from binome.pairs.models import Certificate, Meeting, Pair
from binome.programs.models import Programme
from conftest import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SHOTS = os.environ.get("SHOTS")
CLOSE_EARLY = "Clôturer en avance et archiver le programme"


def _log_in(page, email):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").click()


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways"


def _check(page, name):
    """At both widths: axe-core clean, nothing scrolls sideways, a shot."""
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        _no_sideways_scroll(page)
        assert_accessible(page)
        if SHOTS:
            Path(SHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{SHOTS}/{name}-{label}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


@pytest.fixture
def running_pilot(pilot, pair):
    """The pilot around today: two weeks to go, a session held, two ahead."""
    today = timezone.localdate()
    pilot.start_date = today - datetime.timedelta(days=60)
    pilot.end_date = today + datetime.timedelta(days=14)
    pilot.save()
    pair.started_on = pilot.start_date
    pair.save()
    now = timezone.now()
    Meeting.objects.create(
        pair=pair,
        starts_at=now - datetime.timedelta(days=20),
        status=Meeting.Status.HELD,
        held_minutes=45,
    )
    for days in (3, 10):
        Meeting.objects.create(pair=pair, starts_at=now + datetime.timedelta(days=days))
    return pilot


def test_manager_closes_reopens_and_the_mentor_downloads(
    page, browser, live_server, running_pilot, pair
):
    _log_in(page, "odile@test.example")
    page.goto(f"/indicateurs/{running_pilot.slug}/cloture/")
    expect(page.get_by_role("alert")).to_contain_text("avant la date de fin")
    expect(page.get_by_text("2 séances prévues seront annulées")).to_be_visible()
    _check(page, "closing-preview-fr")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("alert")).to_contain_text("before the end date")
    _check(page, "closing-preview-en")
    page.get_by_role("button", name="Français").click()

    page.get_by_role("button", name=CLOSE_EARLY).click()
    expect(page.get_by_text("Le programme est clôturé et archivé")).to_be_visible()
    running_pilot.refresh_from_db()
    assert running_pilot.status == Programme.Status.CLOSED
    _check(page, "closing-closed-fr")

    page.get_by_role("link", name="Rouvrir le programme…").click()
    expect(page.get_by_text("1 binôme sera de nouveau actif")).to_be_visible()
    _check(page, "reopen-preview-fr")
    page.get_by_role("button", name="English").click()
    _check(page, "reopen-preview-en")
    page.get_by_role("button", name="Reopen the programme").click()
    expect(page.get_by_text("The programme is running again.")).to_be_visible()
    running_pilot.refresh_from_db()
    assert running_pilot.status == Programme.Status.RUNNING
    assert Pair.objects.get(pk=pair.pk).status == Pair.Status.ACTIVE
    assert not Certificate.objects.exists()
    _check(page, "closing-reopened-en")

    # Closed for good, in English this time.
    page.get_by_role("button", name="Close early and archive the programme").click()
    expect(page.get_by_text("The programme is closed and archived")).to_be_visible()
    _check(page, "closing-closed-en")

    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    mentor = context.new_page()
    _log_in(mentor, "camille@test.example")
    mentor.goto("/binomes/")
    link = mentor.get_by_role("link", name="Votre attestation de participation (PDF)")
    _check(mentor, "mentor-pairs-fr")
    with mentor.expect_download() as download:
        link.click()
    certificate = Certificate.objects.get()
    assert download.value.suggested_filename == f"certificat-{certificate.number}.pdf"
    mentor.goto(f"/binomes/{pair.pk}/")
    expect(
        mentor.get_by_role("link", name="Télécharger votre attestation")
    ).to_be_visible()
    _check(mentor, "mentor-workspace-fr")
    context.close()


def test_closing_works_without_javascript(page_without_js, running_pilot):
    page = page_without_js
    _log_in(page, "odile@test.example")
    page.goto(f"/indicateurs/{running_pilot.slug}/cloture/")
    page.get_by_role("button", name=CLOSE_EARLY).click()
    expect(page.get_by_text("Le programme est clôturé et archivé")).to_be_visible()
    running_pilot.refresh_from_db()
    assert running_pilot.status == Programme.Status.CLOSED
