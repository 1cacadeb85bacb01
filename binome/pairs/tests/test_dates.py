"""The date rules of the workspace (binome.pairs.dates), one test per rule.

The clock stands at STORY_NOW, Sunday 22 November 2026, 10:00 in Paris; the
pilot runs from 14 September to 18 December 2026; the charter's cadence is
14 days. The ``meetings`` fixture planned (on 1 September) the sessions of
14 September ... 7 December at 10:00: five are past, two upcoming."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from binome.pairs import dates, reminders, services
from binome.pairs.forms import KpiForm, PlanForm
from binome.pairs.models import ActionItem, Kpi, Meeting, Reminder

from .conftest import paris

UTC = datetime.UTC


def _starts(meetings):
    return [timezone.localtime(m.starts_at) for m in meetings]


def _plan_url(pair):
    return reverse("pairs:plan", args=[pair.pk])


# --- Planning: from now on, up to the programme's end ------------------------


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2020-01-06T10:00", "past"),  # the reported 182 sessions back to 2020
        ("1900-01-01T10:00", "past"),  # the reported 3,300 sessions
        ("0001-01-01T00:00", "past"),
        ("9999-12-31T10:00", "after_programme"),
        ("9999-12-31T23:59", "after_programme"),
    ],
)
def test_absurd_first_dates_get_a_french_error_next_to_the_field_and_plan_nothing(
    camille, pair, charter, typed, code
):
    for data in ({"first_at": typed}, {"first_at": typed, "confirm": "1"}):
        response = camille.post(_plan_url(pair), data)
        assert response.status_code == 200
        form = response.context["form"]
        assert [e.code for e in form.errors.as_data()["first_at"]] == [code]
        html = response.content.decode()
        # Next to the field, in French, with what was typed.
        assert 'id="id_first_at_error"' in html
        assert f'value="{typed}"' in html
        assert ("passé" in html) or ("se termine le 18 décembre 2026" in html)
        assert response.context["preview"] is None
    assert pair.meetings.count() == 0
    assert mail.outbox == []


def test_a_date_beyond_what_the_calendar_holds_is_an_error_not_a_crash(
    camille, pair, charter
):
    response = camille.post(_plan_url(pair), {"first_at": "99999-01-01T10:00"})
    assert response.status_code == 200
    assert "Saisissez une date et une heure" in response.content.decode()
    assert pair.meetings.count() == 0


def test_a_time_already_past_today_is_refused_but_this_minute_is_not(pair, charter):
    form = PlanForm({"first_at": "2026-11-22T09:59"}, pair=pair)
    assert not form.is_valid()
    assert form.errors.as_data()["first_at"][0].code == "past_time"
    assert PlanForm({"first_at": "2026-11-22T10:00"}, pair=pair).is_valid()
    with pytest.raises(ValidationError) as excinfo:
        services.plan_meetings(pair=pair, first_at=paris(2026, 11, 22, 9, 59))
    assert excinfo.value.code == "past_time"


def test_a_first_session_after_the_programme_s_end_is_refused(pair, charter):
    assert PlanForm({"first_at": "2026-12-18T10:00"}, pair=pair).is_valid()
    form = PlanForm({"first_at": "2026-12-19T10:00"}, pair=pair)
    assert not form.is_valid()
    assert "Le programme se termine le 18 décembre 2026" in str(form.errors)


def test_nothing_can_be_planned_once_the_programme_has_ended(pair, charter):
    with time_machine.travel(paris(2026, 12, 19, 9, 0), tick=False):
        form = PlanForm({"first_at": "2026-12-21T10:00"}, pair=pair)
        assert not form.is_valid()
        assert form.errors.as_data()["first_at"][0].code == "programme_ended"


def test_the_number_of_sessions_follows_the_programme_and_the_cadence(
    pair, charter, people
):
    planned = services.plan_meetings(pair=pair, first_at=paris(2026, 11, 23, 10, 0))
    assert [s.date() for s in _starts(planned)] == [
        datetime.date(2026, 11, 23),
        datetime.date(2026, 12, 7),
    ]
    services.update_charter(
        charter=charter, data={"cadence_days": 7}, by=people["camille"].user
    )
    planned = services.plan_meetings(pair=pair, first_at=paris(2026, 11, 23, 10, 0))
    assert len(planned) == 4  # 23 and 30 November, 7 and 14 December
    assert pair.meetings.count() == 4  # the first plan was replaced


def test_without_an_end_date_a_plan_runs_half_a_year_and_at_most_52_sessions(
    pair, charter, people
):
    programme = pair.programme
    programme.end_date = None
    programme.save()
    planned = services.plan_meetings(pair=pair, first_at=paris(2026, 11, 23, 10, 0))
    assert _starts(planned)[-1].date() <= datetime.date(2026, 11, 23) + (
        datetime.timedelta(days=dates.DEFAULT_SPAN_DAYS)
    )
    assert len(planned) == 14
    services.update_charter(
        charter=charter, data={"cadence_days": 1}, by=people["camille"].user
    )
    preview = services.preview_plan(pair=pair, first_at=paris(2026, 11, 23, 10, 0))
    assert (len(preview.starts), preview.capped) == (dates.MAX_SESSIONS, True)
    # Without an end date, a year ahead is the limit.
    form = PlanForm({"first_at": "9999-12-31T10:00"}, pair=pair)
    assert form.errors.as_data()["first_at"][0].code == "too_far"


def test_the_calendar_s_ends_raise_no_overflow(pair):
    # Converting these between time zones overflows: the rules compare only.
    for moment in (
        datetime.datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
        datetime.datetime(1, 1, 1, 0, 0, tzinfo=UTC),
        datetime.datetime.max.replace(tzinfo=timezone.get_current_timezone()),
        datetime.datetime.min.replace(tzinfo=timezone.get_current_timezone()),
    ):
        with pytest.raises(ValidationError):
            dates.check_session_start(pair=pair, starts_at=moment, now=timezone.now())
    # The schedule stops at the end of the calendar.
    last = services.schedule(
        first_at=datetime.datetime(9999, 12, 1, 10, 0, tzinfo=UTC),
        cadence_days=14,
        until=datetime.date.max,
    )
    assert len(last) == 3


# --- Re-planning: only the upcoming planned sessions -------------------------


def test_re_planning_never_touches_a_past_or_declared_session(pair, meetings, people):
    held, missed, cancelled, waiting = (
        meetings[0],
        meetings[1],
        meetings[2],
        meetings[4],
    )
    with time_machine.travel(paris(2026, 10, 13, 9, 0), tick=False):
        services.log_meeting(meeting=held, held=True)
        services.log_meeting(meeting=missed, held=False)
    services.cancel_meeting(meeting=cancelled, by=people["camille"].user)
    # meetings[3] and [4] are past and still wait to be declared.
    before = {
        m.pk: (m.status, m.starts_at)
        for m in pair.meetings.filter(starts_at__lt=timezone.now())
    }
    preview = services.preview_plan(pair=pair, first_at=paris(2026, 11, 24, 14, 0))
    assert {m.pk for m in preview.replaced} == {meetings[5].pk, meetings[6].pk}
    services.plan_meetings(pair=pair, first_at=paris(2026, 11, 24, 14, 0))
    after = {
        m.pk: (m.status, m.starts_at)
        for m in pair.meetings.filter(starts_at__lt=timezone.now())
    }
    assert after == before
    assert Meeting.objects.filter(pk=waiting.pk, status="planned").exists()
    assert not Meeting.objects.filter(pk__in=[meetings[5].pk, meetings[6].pk]).exists()
    upcoming = pair.meetings.filter(starts_at__gte=timezone.now())
    assert [s.date() for s in _starts(upcoming)] == [
        datetime.date(2026, 11, 24),
        datetime.date(2026, 12, 8),
    ]


def test_re_planning_keeps_an_upcoming_session_with_notes_or_actions(
    pair, meetings, enrolments
):
    services.save_notes(meeting=meetings[5], data={"notes": "Préparer les questions"})
    services.add_action_item(
        meeting=meetings[6], text="Lire l'article", owner=enrolments["bernard"]
    )
    preview = services.preview_plan(pair=pair, first_at=paris(2026, 11, 30, 10, 0))
    assert (preview.replaced, {m.pk for m in preview.kept}) == (
        [],
        {meetings[5].pk, meetings[6].pk},
    )


def test_the_plan_is_shown_with_its_counts_before_it_is_confirmed_and_told(
    camille, pair, meetings, people, django_capture_on_commit_callbacks
):
    services.add_agenda_item(
        meeting=meetings[6], by=people["bernard"].user, text="Canva", kind="topic"
    )
    response = camille.post(_plan_url(pair), {"first_at": "2026-11-24T14:00"})
    html = response.content.decode()
    assert "Vérifiez avant de confirmer" in html
    assert "1 séance à venir sera remplacée" in html
    assert "1 séance préparée est conservée" in html
    assert "Bernard Lemoine sera prévenu·e par e-mail" in html
    assert pair.meetings.count() == 7 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        response = camille.post(
            _plan_url(pair), {"first_at": "2026-11-24T14:00", "confirm": "1"}
        )
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["bernard@test.example"]]
    assert "Camille Rivière a planifié 2 séances" in mail.outbox[0].body
    assert "Elle remplace 1 séance à venir" in mail.outbox[0].body


def test_planning_on_a_weekend_warns_in_the_preview(camille, pair, charter):
    response = camille.post(_plan_url(pair), {"first_at": "2026-11-28T10:00"})
    assert response.context["preview"].outside_working_hours
    assert "hors des heures de travail" in response.content.decode()
    response = camille.post(_plan_url(pair), {"first_at": "2026-11-24T10:00"})
    assert not response.context["preview"].outside_working_hours


# --- Moves: the same rules, and a warning outside working hours ---------------


def _move(client, pair, meeting, **data):
    return client.post(reverse("pairs:meeting_move", args=[pair.pk, meeting.pk]), data)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("2026-11-20T10:00", "past"),
        ("2026-11-22T09:00", "past_time"),
        ("2026-12-21T10:00", "after_programme"),
        ("9999-12-31T10:00", "after_programme"),
        ("1900-01-01T10:00", "past"),
    ],
)
def test_a_move_follows_the_planning_rules(camille, pair, meetings, typed, code):
    meeting = meetings[5]
    response = _move(camille, pair, meeting, starts_at=typed, outside_hours_ok="1")
    assert response.status_code == 200
    assert [e.code for e in response.context["form"].errors.as_data()["starts_at"]] == [
        code
    ]
    assert f'value="{typed}"' in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.sequence) == (meetings[5].starts_at, 0)
    with pytest.raises(ValidationError):
        services.move_meeting(
            meeting=meeting,
            starts_at=paris(2026, 11, 20, 10, 0),
            by=pair.mentor.person.user,
        )


@pytest.mark.parametrize(
    ("typed", "warned"),
    [
        ("2026-11-28T10:00", True),  # a Saturday
        ("2026-11-24T07:30", True),  # before 8:00
        ("2026-11-24T18:45", True),  # ends at 19:15
        ("2026-11-24T18:30", False),  # ends at 19:00
        ("2026-11-24T08:00", False),
    ],
)
def test_a_move_outside_working_hours_warns_and_goes_through_once_confirmed(
    camille, pair, meetings, typed, warned
):
    meeting = meetings[5]
    response = _move(camille, pair, meeting, starts_at=typed)
    meeting.refresh_from_db()
    if warned:
        assert response.status_code == 200
        assert "hors des heures de travail" in response.content.decode()
        assert meeting.sequence == 0  # not moved yet
        response = _move(camille, pair, meeting, starts_at=typed, outside_hours_ok="1")
        meeting.refresh_from_db()
    assert response.status_code == 302
    assert timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M") == typed


# --- Logging: only once the session has started -------------------------------


def test_a_session_is_declared_held_only_once_it_has_started(
    camille, pair, meetings, people
):
    upcoming = meetings[5]  # Monday 23 November, 10:00
    page = camille.get(reverse("pairs:meeting", args=[pair.pk, upcoming.pk]))
    assert 'name="held"' not in page.content.decode()
    url = reverse("pairs:log", args=[pair.pk, upcoming.pk])
    response = camille.post(url, {"held": "1", "minutes": "30"})
    assert response.status_code == 200
    assert "pas encore commencé" in response.content.decode()
    upcoming.refresh_from_db()
    assert upcoming.status == Meeting.Status.PLANNED
    with pytest.raises(ValidationError) as excinfo:
        services.log_meeting(meeting=upcoming, held=False)
    assert excinfo.value.code == "not_started"
    with time_machine.travel(paris(2026, 11, 23, 10, 0), tick=False):
        camille.force_login(people["camille"].user)  # the next day
        page = camille.get(reverse("pairs:meeting", args=[pair.pk, upcoming.pk]))
        assert 'name="held"' in page.content.decode()
        assert camille.post(url, {"held": "1", "minutes": "30"}).status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.status == Meeting.Status.HELD


def test_a_log_form_without_an_answer_keeps_the_length_typed(camille, pair, meetings):
    url = reverse("pairs:log", args=[pair.pk, meetings[0].pk])
    response = camille.post(url, {"minutes": "42"})
    html = response.content.decode()
    assert "Indiquez si la séance a été tenue ou manquée." in html
    assert 'value="42"' in html


# --- Goals and actions: not due in the past -----------------------------------


def test_a_kpi_due_in_the_past_is_refused_next_to_the_field(camille, pair, charter):
    url = reverse("pairs:kpi_add", args=[pair.pk])
    data = {"title": "Publier", "kpi": "posts", "target_value": "4", "unit": "posts"}
    for typed in ("2026-11-21", "2020-01-06", "9999-12-31"):
        response = camille.post(url, data | {"due_date": typed})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="id_due_date_error"' in html
        assert f'value="{typed}"' in html and 'value="Publier"' in html
    assert (
        "Ce jour est passé"
        in camille.post(url, data | {"due_date": "2026-11-21"}).content.decode()
    )
    assert charter.kpis.count() == 0
    assert camille.post(url, data | {"due_date": "2026-11-22"}).status_code == 302
    assert charter.kpis.count() == 1


def test_a_kpi_already_past_can_be_edited_while_its_date_stays(charter, people):
    with time_machine.travel(paris(2026, 9, 1, 9, 0), tick=False):
        kpi = services.add_kpi(
            charter=charter,
            direction=Kpi.Direction.MENTEE,
            by=people["bernard"].user,
            title="Publier",
            kpi="posts",
            due_date=datetime.date(2026, 10, 1),
        )
    form = KpiForm(
        {"title": "Publier plus", "kpi": "posts", "due_date": "2026-10-01"},
        instance=kpi,
    )
    assert form.is_valid(), form.errors
    form = KpiForm(
        {"title": "Publier plus", "kpi": "posts", "due_date": "2026-10-02"},
        instance=Kpi.objects.get(pk=kpi.pk),
    )
    assert not form.is_valid()
    bernard = people["bernard"].user
    services.update_kpi(
        kpi=kpi, data={"title": "Publier plus", "due_date": kpi.due_date}, by=bernard
    )
    with pytest.raises(ValidationError):
        services.update_kpi(
            kpi=kpi, data={"due_date": datetime.date(2026, 10, 2)}, by=bernard
        )


@pytest.mark.parametrize("htmx", [True, False])
def test_an_action_due_in_the_past_is_refused_next_to_the_field(
    camille, pair, meetings, enrolments, htmx
):
    url = reverse("pairs:action_add", args=[pair.pk, meetings[4].pk])
    data = {
        "text": "Créer un compte Canva",
        "owner": enrolments["bernard"].pk,
        "due_date": "2026-11-01",
    }
    headers = {"HX-Request": "true"} if htmx else {}
    response = camille.post(url, data, headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ce jour est passé" in html and 'id="id_due_date_error"' in html
    assert 'value="Créer un compte Canva"' in html
    assert not ActionItem.objects.exists()
    with pytest.raises(ValidationError):
        services.add_action_item(
            meeting=meetings[4],
            text="x",
            owner=enrolments["bernard"],
            due_date=datetime.date(2026, 11, 1),
        )


# --- Reminders ----------------------------------------------------------------


def test_a_backlog_of_undeclared_sessions_sends_no_flood_of_reminders(pair, charter):
    # Data left by the old planning: every 14 days since 6 January 2020.
    Meeting.objects.bulk_create(
        Meeting(pair=pair, starts_at=at)
        for at in services.schedule(
            first_at=paris(2020, 1, 6, 10, 0),
            cadence_days=14,
            until=datetime.date(2026, 11, 21),
            limit=1000,
        )
    )
    assert pair.meetings.count() == 180
    due = [d for d in reminders.select_reminders() if d.kind == Reminder.LOG_MISSING]
    # Only the session of 16 November ended in the last week: one each.
    assert len(due) == 2
    assert {d.context["starts_at"][:10] for d in due} == {"2026-11-16"}
