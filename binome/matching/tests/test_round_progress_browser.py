"""The round page of a running round in a real browser, on a desktop and on
a phone (390 × 844), with axe-core: the engine's phase updates itself
(htmx polling, under the CSP), the manager cancels, and the page ends on
the cancelled round. The worker is played by the test: it writes the
progress as RoundProgress does and ends the round as the worker would."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from binome.matching import rounds
from binome.matching.models import MatchingRound
from conftest import assert_accessible

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def screen(request, browser, live_server):
    viewport = request.param
    context = browser.new_context(
        locale="fr-FR",
        base_url=live_server.url,
        viewport=viewport,
        is_mobile=viewport is PHONE,
        has_touch=viewport is PHONE,
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    yield page
    context.close()
    assert problems == [], problems


def _log_in(page, email):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def _fits(page):
    width, inner = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert width <= inner, f"{page.url}: {width} px wide in {inner} px"


def test_a_running_round_shows_its_progress_and_is_cancelled(
    screen, recruiting, people, settings
):
    settings.MATCHING_HEARTBEAT_TIMEOUT = 3600
    page = screen
    round_ = MatchingRound.objects.create(
        programme=recruiting,
        number=1,
        status=MatchingRound.Status.RUNNING,
        heartbeat_at=timezone.now(),
        progress=17,
        phase="scoring",
        phase_done=12,
        phase_total=782,
    )
    _log_in(page, "odile@test.example")
    page.goto(f"/programmes/{recruiting.slug}/appariement/1/")
    progress = page.locator("#round-progress")
    expect(progress).to_contain_text(
        re.compile(r"Calcul des scores\s:\sbloc 12 sur 782")
    )
    expect(page.get_by_label("Progression")).to_have_attribute("value", "17")
    expect(progress).to_contain_text("Temps écoulé")
    live = page.locator("#round-phase")
    expect(live).to_have_attribute("role", "status")
    expect(live).to_have_text("Calcul des scores")
    assert_accessible(page)
    _fits(page)

    # The engine moves on: the page follows without a reload.
    MatchingRound.objects.filter(pk=round_.pk).update(
        phase="solving", phase_step=2, progress=63
    )
    expect(live).to_have_text("Résolution 2")
    expect(page.get_by_label("Progression")).to_have_attribute("value", "63")
    MatchingRound.objects.filter(pk=round_.pk).update(
        phase="certifying", phase_step=1, phase_done=2, phase_total=5, progress=66
    )
    expect(progress).to_contain_text(
        re.compile(r"Certification de l'optimum\s:\spasse 1, 40\s%")
    )

    # Cancel: a confirmation first.
    page.get_by_role("button", name="Annuler ce tour").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Annuler le tour 1\s\?")
    )
    assert_accessible(page)
    _fits(page)
    assert MatchingRound.objects.get(pk=round_.pk).cancel_requested_at is None
    page.get_by_role("button", name="Oui, annuler le tour").click()
    expect(page.locator(".messages")).to_contain_text("Annulation demandée")
    expect(live).to_contain_text("Annulation en cours")
    expect(page.get_by_role("button", name="Annuler ce tour")).to_have_count(0)
    assert_accessible(page)

    # The worker notices and ends the round: the page reloads by itself.
    assert rounds._end_cancelled(round_.pk)
    expect(page.locator(".notice")).to_contain_text("Annulé par Odile", timeout=10000)
    expect(page.locator("#round-progress")).to_have_count(0)
    assert_accessible(page)
    _fits(page)
