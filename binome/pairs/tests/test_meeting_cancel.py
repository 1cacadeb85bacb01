"""Cancelling a session: a page says who is told, the confirmed POST cancels
once; a session already begun is declared, not cancelled. Camille mentors
Bernard; the story's clock stands on 22 November 2026."""

import html

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
            text = html.unescape(response.text)
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
    assert "déjà annulée" in again.text


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
