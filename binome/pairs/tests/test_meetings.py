import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from binome.pairs import services
from binome.pairs.models import Meeting

from .conftest import PLANNED_AT, paris


def test_sessions_are_planned_every_fourteen_days_until_the_programme_ends(
    meetings, pair
):
    # The pilot runs from 14 September to 18 December 2026.
    starts = [timezone.localtime(m.starts_at) for m in meetings]
    assert [s.date() for s in starts] == [
        datetime.date(2026, 9, 14) + datetime.timedelta(days=14 * i) for i in range(7)
    ]
    # Same local time across the change to winter time on 25 October.
    assert {(s.hour, s.minute) for s in starts} == {(10, 0)}
    assert {m.duration_minutes for m in meetings} == {30}


def test_planning_follows_the_charter_cadence(pair, charter, people):
    services.update_charter(
        charter=charter, data={"cadence_days": 28}, by=people["camille"].user
    )
    with time_machine.travel(PLANNED_AT, tick=False):
        planned = services.plan_meetings(pair=pair, first_at=paris(2026, 9, 14, 10, 0))
    assert len(planned) == 4


def test_planning_again_keeps_prepared_sessions(pair, meetings, people):
    # Now is Sunday 22 November: the sessions of 23 November and 7 December
    # are upcoming; the one of 23 November is prepared.
    services.add_agenda_item(
        meeting=meetings[5], by=people["bernard"].user, text="Canva", kind="topic"
    )
    services.plan_meetings(pair=pair, first_at=paris(2026, 11, 23, 10, 0))
    assert pair.meetings.count() == 7
    assert meetings[5].agenda_items.count() == 1
    assert Meeting.objects.filter(pk=meetings[5].pk).exists()


def test_moving_a_session_keeps_its_first_date_and_tells_the_partner(
    meeting, people, django_capture_on_commit_callbacks
):
    first = meeting.starts_at
    with django_capture_on_commit_callbacks(execute=True):
        services.move_meeting(
            meeting=meeting,
            starts_at=paris(2026, 11, 24, 14, 0),
            by=people["bernard"].user,
        )
    meeting.refresh_from_db()
    assert meeting.moved_from == first
    assert meeting.sequence == 1
    assert [m.to for m in mail.outbox] == [["camille@test.example"]]


def test_a_cancelled_session_cannot_be_moved_or_logged(meeting, people):
    services.cancel_meeting(meeting=meeting, by=people["camille"].user)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    with pytest.raises(ValidationError) as excinfo:
        services.move_meeting(
            meeting=meeting,
            starts_at=paris(2026, 9, 16, 9, 0),
            by=people["camille"].user,
        )
    assert excinfo.value.code == "not_planned"
    with pytest.raises(ValidationError) as excinfo:
        services.log_meeting(meeting=meeting, held=True)
    assert excinfo.value.code == "not_loggable"


def test_a_session_is_logged_held_with_its_length_or_missed(meetings):
    services.log_meeting(meeting=meetings[0], held=True, minutes=35)
    services.log_meeting(meeting=meetings[1], held=False)
    assert (meetings[0].status, meetings[0].held_minutes) == ("held", 35)
    assert (meetings[1].status, meetings[1].held_minutes) == ("missed", None)


def test_move_and_cancel_through_the_pages(camille, pair, meetings):
    move = reverse("pairs:meeting_move", args=[pair.pk, meetings[0].pk])
    assert camille.get(move).status_code == 200
    response = camille.post(move, {"starts_at": "2026-11-24T14:00"})
    assert response.status_code == 302
    meetings[0].refresh_from_db()
    assert timezone.localtime(meetings[0].starts_at) == paris(2026, 11, 24, 14, 0)
    cancel = reverse("pairs:meeting_cancel", args=[pair.pk, meetings[-1].pk])
    assert camille.get(cancel).status_code == 200
    camille.post(cancel, {"confirm": "1"})
    meetings[-1].refresh_from_db()
    assert meetings[-1].status == Meeting.Status.CANCELLED


def test_plan_through_the_workspace(camille, pair, charter):
    url = reverse("pairs:plan", args=[pair.pk])
    # First the plan to check: nothing is created yet.
    response = camille.post(url, {"first_at": "2026-11-23T10:00"})
    assert response.status_code == 200
    assert [timezone.localtime(at) for at in response.context["preview"].starts] == [
        paris(2026, 11, 23, 10, 0),
        paris(2026, 12, 7, 10, 0),
    ]
    assert pair.meetings.count() == 0
    response = camille.post(url, {"first_at": "2026-11-23T10:00", "confirm": "1"})
    assert response.status_code == 302
    assert pair.meetings.count() == 2
