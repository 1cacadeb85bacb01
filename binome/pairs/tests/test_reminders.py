"""Reminder selection with faked time, preferences, sending once, and the
programme webhook (a fake server on loopback)."""

import datetime
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from binome.pairs import reminders, services
from binome.pairs.models import ProgrammeWebhook, Reminder, ReminderPreference

from .conftest import paris


@pytest.fixture
def started(pair):
    pair.started_on = datetime.date(2026, 9, 1)
    pair.save()
    return pair


def _due(at):
    # The check-ins, due 30 days after the start, have their own tests
    # (test_pulse.py).
    with time_machine.travel(at, tick=False):
        return sorted(
            (d.kind, d.user.first_name)
            for d in reminders.select_reminders()
            if d.kind != Reminder.PULSE
        )


def test_a_session_tomorrow_reminds_both_people(started, meetings):
    assert _due(paris(2026, 9, 13, 8, 0)) == [
        (Reminder.SESSION_TOMORROW, "Bernard"),
        (Reminder.SESSION_TOMORROW, "Camille"),
    ]


def test_an_empty_agenda_two_days_before_reminds_the_mentee_until_filled(
    started, meetings, people
):
    assert _due(paris(2026, 9, 12, 8, 0)) == [(Reminder.AGENDA_EMPTY, "Bernard")]
    services.add_agenda_item(
        meeting=meetings[0], by=people["bernard"].user, text="IA", kind="topic"
    )
    assert _due(paris(2026, 9, 12, 8, 0)) == []


def test_nothing_is_due_on_a_quiet_day(started, meetings):
    assert _due(paris(2026, 9, 8, 8, 0)) == []


def test_action_items_remind_their_owner_from_their_due_date(
    started, meetings, enrolments
):
    with time_machine.travel(paris(2026, 9, 14, 11, 0), tick=False):
        services.log_meeting(meeting=meetings[0], held=True)
        item = services.add_action_item(
            meeting=meetings[0],
            text="Publier un post",
            owner=enrolments["bernard"],
            due_date=datetime.date(2026, 9, 20),
        )
    assert _due(paris(2026, 9, 19, 8, 0)) == []
    assert _due(paris(2026, 9, 20, 8, 0)) == [(Reminder.ACTIONS_DUE, "Bernard")]
    services.toggle_action_item(item=item)
    assert _due(paris(2026, 9, 21, 8, 0)) == []


def test_a_session_not_logged_reminds_both_after_it_ends(started, meetings):
    assert _due(paris(2026, 9, 14, 10, 15)) == []  # still under way
    assert _due(paris(2026, 9, 14, 10, 45)) == [
        (Reminder.LOG_MISSING, "Bernard"),
        (Reminder.LOG_MISSING, "Camille"),
    ]
    services.log_meeting(meeting=meetings[0], held=False)
    assert _due(paris(2026, 9, 14, 10, 45)) == []


def test_thirty_days_without_a_held_session(started, meetings):
    for m in meetings:  # nothing planned, to isolate the rule
        m.delete()
    assert _due(paris(2026, 9, 30, 8, 0)) == []
    assert _due(paris(2026, 10, 1, 8, 0)) == [
        (Reminder.INACTIVE, "Bernard"),
        (Reminder.INACTIVE, "Camille"),
    ]


def test_a_held_session_resets_the_thirty_days(started, meetings):
    services.log_meeting(meeting=meetings[0], held=True)
    for m in meetings[1:]:
        services.cancel_meeting(meeting=m, by=started.mentor.person.user)
    assert _due(paris(2026, 10, 13, 8, 0)) == []
    assert [k for k, _ in _due(paris(2026, 10, 14, 8, 0))] == [Reminder.INACTIVE] * 2


def test_closed_pairs_get_no_reminder(started, meetings):
    started.close()
    assert _due(paris(2026, 9, 13, 8, 0)) == []


def test_each_person_chooses_the_reminders_they_get(started, meetings, people):
    preference = ReminderPreference.for_user(people["bernard"].user)
    preference.session_tomorrow = False
    preference.save()
    with time_machine.travel(paris(2026, 9, 13, 8, 0), tick=False):
        pending = reminders.pending_reminders()
    assert [(d.kind, d.user.first_name) for d in pending] == [
        (Reminder.SESSION_TOMORROW, "Camille")
    ]


def test_the_preferences_page_saves_the_choices(login, people):
    client = login(people["bernard"])
    client.post("/binomes/rappels/", {"actions_due": "on", "inactive": "on"})
    preference = ReminderPreference.for_user(people["bernard"].user)
    assert not preference.session_tomorrow and preference.actions_due


def test_a_reminder_goes_out_once_in_the_person_s_language(started, meetings, people):
    bernard = people["bernard"].user
    bernard.language = "en"
    bernard.save()
    with time_machine.travel(paris(2026, 9, 13, 8, 0), tick=False):
        assert reminders.send_reminders.call() == 2
        assert reminders.send_reminders.call() == 0
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bernard@test.example",
        "camille@test.example",
    ]
    english = next(m for m in mail.outbox if m.to == ["bernard@test.example"])
    assert english.subject == "Your session with Camille Rivière is tomorrow"
    assert "(Sept. 14, 2026, 10:00)" in english.body
    assert f"/binomes/{started.pk}/seances/{meetings[0].pk}/" in english.body


def test_the_dry_run_command_lists_without_sending(started, meetings, capsys):
    with time_machine.travel(paris(2026, 9, 13, 8, 0), tick=False):
        call_command("send_reminders", dry_run=True)
    assert "session_tomorrow\tbernard@test.example" in capsys.readouterr().out
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_reminders_run_through_the_database_worker(settings, pair, meetings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    pair.started_on = datetime.date(2026, 9, 1)
    pair.save()
    with time_machine.travel(paris(2026, 9, 13, 8, 0), tick=False):
        call_command("send_reminders")
        assert mail.outbox == []
        # First the reminders task, then the two emails it queued.
        call_command("db_worker", batch=True, verbosity=0)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bernard@test.example",
        "camille@test.example",
    ]
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    # French is the default language (needs the French catalogue).
    assert sorted(m.subject for m in mail.outbox) == [
        "Votre séance avec Bernard Lemoine a lieu demain",
        "Votre séance avec Camille Rivière a lieu demain",
    ]


class _Hook(BaseHTTPRequestHandler):
    received: list[Any] = []
    status = 200

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        type(self).received.append(json.loads(self.rfile.read(length)))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def hook_server():
    handler = type("Hook", (_Hook,), {"received": [], "status": 200})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, handler
    server.shutdown()
    server.server_close()


def _webhook(pair, url):
    return ProgrammeWebhook.objects.create(programme=pair.programme, url=url)


def test_the_programme_channel_gets_a_digest_without_names(
    started, meetings, hook_server
):
    server, handler = hook_server
    _webhook(started, f"http://127.0.0.1:{server.server_port}/hook")
    with time_machine.travel(paris(2026, 9, 13, 8, 0), tick=False):
        reminders.send_reminders.call()
    [payload] = handler.received
    assert "Pilote" in payload["text"] and "2" in payload["text"]
    assert "Camille" not in payload["text"] and "Bernard" not in payload["text"]
    assert len(mail.outbox) == 2


def test_a_failing_webhook_never_stops_the_emails(started, meetings, hook_server):
    server, handler = hook_server
    handler.status = 500
    _webhook(started, f"http://127.0.0.1:{server.server_port}/hook")
    with time_machine.travel(paris(2026, 9, 13, 8, 0), tick=False):
        reminders.send_reminders.call()
    assert len(handler.received) == 1
    assert len(mail.outbox) == 2


def test_an_unreachable_or_silent_webhook_times_out_quickly(
    started, meetings, monkeypatch
):
    monkeypatch.setattr(reminders, "WEBHOOK_TIMEOUT", 0.2)
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()  # accepts connections, never answers
    try:
        assert not reminders.post_webhook.call(
            f"http://127.0.0.1:{silent.getsockname()[1]}/", "x"
        )
    finally:
        silent.close()
    assert not reminders.post_webhook.call("http://127.0.0.1:1/", "x")
    _webhook(started, "http://127.0.0.1:1/")
    with time_machine.travel(paris(2026, 9, 13, 8, 0), tick=False):
        reminders.send_reminders.call()
    assert len(mail.outbox) == 2


def test_the_manager_sets_the_webhook_url(login, people, pair):
    client = login(people["odile"])
    url = f"/binomes/suivi/{pair.programme.slug}/"
    client.post(
        url, {"url": "https://hooks.slack.com/services/T/B/X", "is_active": "on"}
    )
    assert pair.programme.webhook.url == "https://hooks.slack.com/services/T/B/X"


# --- Overdue action items: one digest per person and day ------------------


@pytest.fixture
def second_pair(other_programme, people):
    """Camille also mentors Xavier, in another programme."""
    from binome.pairs.models import Pair
    from binome.programs.models import Enrolment

    def enrol(person, role):
        return Enrolment.objects.create(
            programme=other_programme,
            person=person,
            role=role,
            status=Enrolment.Status.ACCEPTED,
            consent_at=datetime.datetime(2026, 9, 1, 9, 0, tzinfo=datetime.UTC),
            consent_version="test",
        )

    pair = Pair.objects.create(
        mentor=enrol(people["camille"], Enrolment.Role.MENTOR),
        mentee=enrol(people["xavier"], Enrolment.Role.MENTEE),
        started_on=datetime.date(2026, 9, 1),
    )
    services.get_or_create_charter(pair=pair)
    with time_machine.travel(paris(2026, 9, 1, 9, 0), tick=False):
        first_at = paris(2026, 9, 15, 14, 0)
        meeting = services.plan_meetings(pair=pair, first_at=first_at)[0]
    return pair, meeting


def _action(meeting, owner, text, due):
    # Held, so that no other reminder (« not logged yet ») is due; declared
    # and its action added just after the session, as a pair would.
    with time_machine.travel(meeting.starts_at + datetime.timedelta(hours=2)):
        services.log_meeting(meeting=meeting, held=True)
        return services.add_action_item(
            meeting=meeting, text=text, owner=owner, due_date=due
        )


def test_overdue_actions_of_two_pairs_make_one_digest_sent_once_a_day(
    started, meetings, second_pair, smtp_server
):
    pair2, meeting2 = second_pair
    camille_pilot = started.mentor
    _action(
        meetings[0], camille_pilot, "Envoyer le glossaire", datetime.date(2026, 9, 18)
    )
    _action(meetings[0], camille_pilot, "Relire le plan", datetime.date(2026, 9, 20))
    _action(meeting2, pair2.mentor, "Préparer un cas Excel", datetime.date(2026, 9, 19))
    with time_machine.travel(paris(2026, 9, 20, 8, 0), tick=False):
        assert reminders.send_reminders.call() == 1
    with time_machine.travel(paris(2026, 9, 20, 18, 0), tick=False):
        assert reminders.send_reminders.call() == 0  # never twice the same day
    [message] = smtp_server.to("camille@test.example")
    assert message["Subject"] == "3 actions de vos séances sont en retard"
    body = smtp_server.body(message)
    for text in ("Envoyer le glossaire", "Relire le plan", "Préparer un cas Excel"):
        assert f"« {text} »" in body
    assert "avec Bernard Lemoine, à faire pour le 18 septembre 2026" in body
    assert "avec Xavier Nul, à faire pour le 19 septembre 2026" in body
    assert f"/binomes/{pair2.pk}/seances/{meeting2.pk}/" in body
    assert len(smtp_server.messages) == 1


def test_a_later_day_brings_a_digest_only_when_an_action_is_newly_overdue(
    started, meetings, smtp_server
):
    mentor = started.mentor
    _action(meetings[0], mentor, "Envoyer le glossaire", datetime.date(2026, 9, 18))
    _action(meetings[0], mentor, "Relire le plan", datetime.date(2026, 9, 22))
    with time_machine.travel(paris(2026, 9, 18, 8, 0), tick=False):
        assert reminders.send_reminders.call() == 1
    with time_machine.travel(paris(2026, 9, 19, 8, 0), tick=False):
        assert reminders.send_reminders.call() == 0  # nothing new is overdue
    with time_machine.travel(paris(2026, 9, 22, 8, 0), tick=False):
        assert reminders.send_reminders.call() == 1
    first, second = smtp_server.to("camille@test.example")
    assert first["Subject"] == "Une action de vos séances est en retard"
    assert "Relire le plan" not in smtp_server.body(first)
    assert "Envoyer le glossaire" in smtp_server.body(second)
    assert "Relire le plan" in smtp_server.body(second)


def test_the_digest_respects_the_person_s_choice(started, meetings, people):
    _action(meetings[0], started.mentor, "Relire le plan", datetime.date(2026, 9, 20))
    preference = ReminderPreference.for_user(people["camille"].user)
    preference.actions_due = False
    preference.save()
    with time_machine.travel(paris(2026, 9, 20, 8, 0), tick=False):
        assert reminders.send_reminders.call() == 0
    assert mail.outbox == []


def test_the_digest_is_in_the_person_s_language(started, meetings, people):
    camille = people["camille"].user
    camille.language = "en"
    camille.save()
    _action(meetings[0], started.mentor, "Relire le plan", datetime.date(2026, 9, 20))
    _action(meetings[0], started.mentor, "Publier", datetime.date(2026, 9, 20))
    with time_machine.travel(paris(2026, 9, 21, 8, 0), tick=False):
        reminders.send_reminders.call()
    [message] = mail.outbox
    assert message.subject == "2 action items from your sessions are overdue"
    assert "with Bernard Lemoine, due on Sept. 20, 2026" in message.body
