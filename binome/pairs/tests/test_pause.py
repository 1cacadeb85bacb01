"""Pausing a pair (#18): the form and its validation, what the partner and
the managers see, and the effects on reminders, check-ins and the cadence."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from binome.pairs import health, pulse, reminders
from binome.pairs.models import PairPause, Reminder

from .conftest import paris

START = datetime.date(2026, 9, 1)


@pytest.fixture
def started(pair):
    pair.started_on = START
    pair.save()
    return pair


def _kinds(at):
    with time_machine.travel(at, tick=False):
        return sorted((d.kind, d.user.first_name) for d in reminders.select_reminders())


PAUSED_AT = paris(2026, 9, 10, 9, 0)


def _pause(pair, by, until, reason="leave", at=PAUSED_AT):
    with time_machine.travel(at, tick=False):
        return pulse.pause_pair(pair=pair, by=by, until=until, reason=reason)


# --- The form ------------------------------------------------------------------


def test_a_member_pauses_the_partner_learns_until_when_never_why(
    started, people, login
):
    client = login(people["camille"])
    with time_machine.travel(paris(2026, 9, 10, 9, 0), tick=False):
        response = client.post(
            reverse("pairs:pause", args=[started.pk]),
            {"until": "2026-10-15", "reason": "leave"},
        )
        assert response.status_code == 302
        pause = PairPause.objects.get()
        assert (pause.starts_on, pause.until, pause.reason) == (
            datetime.date(2026, 9, 10),
            datetime.date(2026, 10, 15),
            "leave",
        )
        (email,) = mail.outbox
        assert email.to == ["bernard@test.example"]
        assert "15 octobre 2026" in email.subject
        assert "Congés" not in email.body and "leave" not in email.body
        mine = client.get(reverse("pairs:workspace", args=[started.pk])).text
        assert "Congés" in mine  # her own reason, for her
        partner = login(people["bernard"]).get(
            reverse("pairs:workspace", args=[started.pk])
        )
        assert "En pause jusqu" in partner.text
        assert "15 octobre 2026" in partner.text
        assert "Congés" not in partner.text


@pytest.mark.parametrize(
    "data, error",
    [
        ({}, "Ce champ est obligatoire"),
        ({"until": "2026-09-09"}, "aujourd"),
        ({"until": "2027-06-01"}, "six mois"),
        ({"until": "demain"}, "Saisissez une date"),
        ({"until": "2026-10-15", "reason": "<b>🙂" * 1000}, "Sélectionnez un choix"),
    ],
)
def test_bad_pauses_are_refused_next_to_their_field(
    started, people, login, data, error
):
    with time_machine.travel(paris(2026, 9, 10, 9, 0), tick=False):
        response = login(people["camille"]).post(
            reverse("pairs:pause", args=[started.pk]), data
        )
    assert response.status_code == 400
    assert error in response.text
    assert 'class="field-error"' in response.text
    assert not PairPause.objects.exists()


def test_a_second_pause_is_refused_not_doubled(started, people, login):
    client = login(people["camille"])
    url = reverse("pairs:pause", args=[started.pk])
    with time_machine.travel(paris(2026, 9, 10, 9, 0), tick=False):
        client.post(url, {"until": "2026-10-15"})
        again = client.post(url, {"until": "2026-10-20"}, follow=True)
    assert "déjà en pause" in again.text
    assert PairPause.objects.count() == 1


def test_outsiders_cannot_pause_and_a_closed_pair_cannot_be_paused(
    started, people, login
):
    url = reverse("pairs:pause", args=[started.pk])
    for who in ("ines", "odile"):
        assert login(people[who]).post(url, {"until": "2026-12-01"}).status_code == 404
    started.close()
    login(people["camille"]).post(url, {"until": "2026-12-01"})
    assert not PairPause.objects.exists()


def test_either_member_resumes_early(started, enrolments, people, login):
    _pause(started, enrolments["camille"], datetime.date(2026, 10, 15))
    with time_machine.travel(paris(2026, 9, 20, 9, 0), tick=False):
        login(people["bernard"]).post(reverse("pairs:resume", args=[started.pk]))
        assert pulse.current_pause(started) is None
    pause = PairPause.objects.get()
    assert pause.ended_on == datetime.date(2026, 9, 20)
    assert pause.days == 10


# --- Effects ---------------------------------------------------------------------


def test_no_reminder_while_paused_and_they_come_back_by_themselves(
    started, meetings, enrolments
):
    # Sessions every 14 days from 14 September; paused 10 September to 20 October.
    assert (Reminder.SESSION_TOMORROW, "Camille") in _kinds(paris(2026, 9, 27, 8, 0))
    _pause(started, enrolments["camille"], datetime.date(2026, 10, 20))
    assert _kinds(paris(2026, 9, 27, 8, 0)) == []
    # The first check-in (1 October) waits for the end of the pause.
    assert _kinds(paris(2026, 10, 1, 8, 0)) == []
    after = _kinds(paris(2026, 10, 21, 8, 0))
    assert (Reminder.PULSE, "Bernard") in after
    assert (Reminder.PULSE, "Camille") in after
    assert (Reminder.SESSION_TOMORROW, "Camille") in _kinds(paris(2026, 10, 25, 8, 0))


def test_the_cadence_leaves_out_the_paused_days(started, enrolments, pilot):
    # Cadence of 14 days: 84 days on 24 November make 6 sessions expected.
    with time_machine.travel(paris(2026, 11, 24, 9, 0), tick=False):
        (before,) = health.pair_health(pilot)
    assert before.expected == 6
    assert "cadence" in before.risks
    # 43 days paused (9 September to 21 October): 41 days of cadence, 2 sessions.
    _pause(
        started,
        enrolments["bernard"],
        datetime.date(2026, 10, 21),
        at=paris(2026, 9, 9, 9, 0),
    )
    with time_machine.travel(paris(2026, 11, 24, 9, 0), tick=False):
        (after,) = health.pair_health(pilot)
        assert after.expected == 2
        assert after.paused_days == 43
    assert pilot.cadence_days == 14


def test_a_paused_pair_is_not_inactive(started, enrolments, pilot):
    with time_machine.travel(paris(2026, 10, 5, 9, 0), tick=False):
        (row,) = health.pair_health(pilot)
    assert "inactive" in row.risks
    _pause(started, enrolments["bernard"], datetime.date(2026, 10, 31))
    with time_machine.travel(paris(2026, 10, 5, 9, 0), tick=False):
        (row,) = health.pair_health(pilot)
        assert "inactive" not in row.risks
        assert row.pause is not None
    assert (Reminder.INACTIVE, "Bernard") not in _kinds(paris(2026, 10, 5, 9, 0))


def test_the_manager_sees_the_pause_and_its_length_not_the_reason(
    started, enrolments, people, login, pilot
):
    _pause(started, enrolments["camille"], datetime.date(2026, 10, 15))
    with time_machine.travel(paris(2026, 9, 20, 9, 0), tick=False):
        page = login(people["odile"]).get(
            reverse("programme_health", args=[pilot.slug])
        )
    assert page.status_code == 200
    assert 'id="table-pauses"' in page.text
    assert ">36<" in page.text  # 10 September to 15 October
    assert "Congés" not in page.text


def test_the_pause_reason_is_exported_to_its_author_only(started, enrolments, people):
    from binome.privacy.export import export_json
    from binome.privacy.subject import Subject

    _pause(started, enrolments["camille"], datetime.date(2026, 10, 15))
    assert '"reason": "leave"' in export_json(Subject.for_user(people["camille"].user))
    assert '"reason": "leave"' not in export_json(
        Subject.for_user(people["bernard"].user)
    )
