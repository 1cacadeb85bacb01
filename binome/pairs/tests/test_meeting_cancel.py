"""Cancelling a session: a page says who is told, the confirmed POST cancels
once; a session already begun is declared, not cancelled. Camille mentors
Bernard; the story's clock stands on 22 November 2026."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from binome.pairs.models import Meeting


def _upcoming(meetings):
    return next(m for m in meetings if not m.has_started)


def test_the_cancel_page_says_who_is_told_and_changes_nothing(
    camille, pair, meetings, django_capture_on_commit_callbacks
):
    meeting = _upcoming(meetings)
    url = reverse("pairs:meeting_cancel", args=[pair.pk, meeting.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for response in (camille.get(url), camille.post(url)):
            assert response.status_code == 200
            text = html.unescape(response.text).replace("\u00a0", " ")
            assert "Annuler la séance du" in text
            assert "Bernard Lemoine" in text  # the partner, told by e-mail
            assert 'name="confirm" value="1"' in text
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    assert mail.outbox == []


def test_the_confirmed_cancel_tells_the_partner_once(
    camille, pair, meetings, people, django_capture_on_commit_callbacks
):
    meeting = _upcoming(meetings)
    url = reverse("pairs:meeting_cancel", args=[pair.pk, meeting.pk])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = camille.post(url, {"confirm": "1"})
        again = camille.post(url, {"confirm": "1"}, follow=True)
    assert first["Location"] == reverse("pairs:schedule", args=[pair.pk])
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert meeting.sequence == 1
    assert [m.to for m in mail.outbox] == [[people["bernard"].email]]
    assert "déjà annulée" in again.text.replace("\u00a0", " ")


def test_a_session_already_begun_offers_to_declare_it_not_to_cancel(
    camille, pair, meetings
):
    past = meetings[1]  # 28 September: begun, still waiting to be declared
    assert past.is_open and past.has_started
    schedule = camille.get(reverse("pairs:schedule", args=[pair.pk])).text
    cancel = reverse("pairs:meeting_cancel", args=[pair.pk, past.pk])
    declare = reverse("pairs:meeting", args=[pair.pk, past.pk]) + "#log"
    assert cancel not in schedule
    assert declare in schedule
    upcoming = _upcoming(meetings)
    assert reverse("pairs:meeting_cancel", args=[pair.pk, upcoming.pk]) in schedule
    # Even by its address, and confirmed: the session is kept, to declare.
    for response in (camille.get(cancel), camille.post(cancel, {"confirm": "1"})):
        assert response["Location"] == declare
    past.refresh_from_db()
    assert past.status == Meeting.Status.PLANNED


def test_an_outsider_cannot_reach_the_cancel_page(login, people, pair, meetings):
    meeting = _upcoming(meetings)
    url = reverse("pairs:meeting_cancel", args=[pair.pk, meeting.pk])
    client = login(people["ines"])
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_cancelling_in_the_browser_asks_first(
    browser, live_server, pair, people, width
):
    """Camille cancels an upcoming session: the page names Bernard, who is
    told; the session stays until she confirms. Real clock (browser test)."""
    import datetime
    import os
    from pathlib import Path

    from django.utils import timezone
    from playwright.sync_api import expect

    from binome.pairs import services
    from conftest import assert_accessible

    programme = pair.mentee.programme
    programme.end_date = timezone.localdate() + datetime.timedelta(days=60)
    programme.save()
    services.get_or_create_charter(pair=pair)
    first = timezone.localtime().replace(
        hour=10, minute=0, second=0, microsecond=0
    ) + datetime.timedelta(days=3)
    meeting = services.plan_meetings(pair=pair, first_at=first)[0]
    context = browser.new_context(
        locale="fr-FR",
        base_url=live_server.url,
        viewport={"width": width, "height": 844},
    )
    page = context.new_page()
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("camille@test.example")
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url("**/connexion/")
    page.goto(reverse("pairs:schedule", args=[pair.pk]))
    page.get_by_role("link", name="Annuler").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Annuler la séance du")
    expect(page.locator("main")).to_contain_text("Bernard Lemoine")
    assert_accessible(page)
    shots = os.environ.get("BINOME_SHOTS_DIR")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/meeting-cancel-fr-{width}.png", full_page=True)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    page.get_by_role("button", name="Annuler la séance").click()
    expect(page.get_by_role("status")).to_contain_text("La séance est annulée")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    context.close()
