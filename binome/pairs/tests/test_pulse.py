"""Pulse check-ins (#18): their schedule with a frozen clock, the page a
member answers in a minute, and the privacy of the answers (partner,
manager, sponsor, export, erasure)."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from binome.pairs import health, pulse, reminders
from binome.pairs.models import Pair, PulseCheckIn, Reminder
from binome.privacy.export import export_json
from binome.privacy.registry import REGISTRY
from binome.privacy.subject import Subject

from .conftest import paris

START = datetime.date(2026, 9, 1)


@pytest.fixture
def started(pair):
    pair.started_on = START
    pair.save()
    return pair


def _pulse_due(at):
    with time_machine.travel(at, tick=False):
        return sorted(
            (d.user.first_name, d.key)
            for d in reminders.select_reminders()
            if d.kind == Reminder.PULSE
        )


def _answer(pair, author, *, useful=4, rhythm=4, safety=4, **kw):
    round = pulse.current_round(pair.started_on, datetime.date.today())
    assert round is not None
    return pulse.answer_checkin(
        pair=pair,
        author=author,
        round=round,
        useful=useful,
        rhythm=rhythm,
        safety=safety,
        **kw,
    )


# --- Schedule ------------------------------------------------------------------


def test_rounds_open_on_day_30_then_every_60_days():
    assert pulse.due_on(START, 0) == datetime.date(2026, 10, 1)
    assert pulse.due_on(START, 1) == datetime.date(2026, 11, 30)
    assert pulse.current_round(START, datetime.date(2026, 9, 30)) is None
    assert pulse.current_round(START, datetime.date(2026, 10, 1)) == 0
    assert pulse.current_round(START, datetime.date(2026, 11, 29)) == 0
    assert pulse.current_round(START, datetime.date(2026, 11, 30)) == 1


def test_the_first_checkin_is_due_to_both_members_on_day_30(started):
    pk = started.pk
    assert _pulse_due(paris(2026, 9, 30, 20, 0)) == []
    assert _pulse_due(paris(2026, 10, 1, 8, 0)) == [
        ("Bernard", f"{pk}:0"),
        ("Camille", f"{pk}:0"),
    ]
    # Then every 60 days, under a new key.
    assert _pulse_due(paris(2026, 11, 30, 8, 0)) == [
        ("Bernard", f"{pk}:1"),
        ("Camille", f"{pk}:1"),
    ]


def test_the_checkin_email_goes_out_once_per_round(started, settings):
    settings.SITE_URL = "https://binome.example"
    with time_machine.travel(paris(2026, 10, 1, 8, 0), tick=False):
        reminders.send_reminders.call()
    pulses = [m for m in mail.outbox if "trois questions" in m.subject]
    assert sorted(m.to[0] for m in pulses) == [
        "bernard@test.example",
        "camille@test.example",
    ]
    link = f"https://binome.example/binomes/{started.pk}/pouls/"
    assert all(link in m.body for m in pulses)
    mail.outbox.clear()
    # Run again, the same hour and the next days: nothing more.
    for at in (paris(2026, 10, 1, 9, 0), paris(2026, 10, 5, 8, 0)):
        with time_machine.travel(at, tick=False):
            reminders.send_reminders.call()
    assert [m for m in mail.outbox if "trois questions" in m.subject] == []
    with time_machine.travel(paris(2026, 11, 30, 8, 0), tick=False):
        reminders.send_reminders.call()
    assert len([m for m in mail.outbox if "trois questions" in m.subject]) == 2


def test_a_member_who_answered_is_not_asked_again(started, enrolments):
    with time_machine.travel(paris(2026, 10, 1, 7, 0), tick=False):
        _answer(started, enrolments["camille"])
    assert _pulse_due(paris(2026, 10, 1, 8, 0)) == [("Bernard", f"{started.pk}:0")]


def test_a_closed_pair_gets_no_checkin(started):
    started.close()
    assert _pulse_due(paris(2026, 10, 1, 8, 0)) == []


# --- The page ------------------------------------------------------------------


def test_the_junior_answers_in_one_page_and_sees_her_own_wording(
    started, enrolments, people, login
):
    client = login(people["camille"])
    url = reverse("pairs:checkin", args=[started.pk])
    with time_machine.travel(paris(2026, 10, 2, 9, 0), tick=False):
        page = client.get(url)
        assert page.status_code == 200
        # The mentor (the junior) reads the question phrased for her.
        assert "même quand je ne suis pas" in page.text
        assert page.text.count("<legend") == 3
        response = client.post(
            url,
            {"round": 0, "useful": 5, "rhythm": 4, "safety": 2, "comment": "Hmm"},
        )
        assert response.status_code == 302
        checkin = PulseCheckIn.objects.get()
        assert (checkin.useful, checkin.rhythm, checkin.safety) == (5, 4, 2)
        assert checkin.author == enrolments["camille"]
        assert not checkin.share_comment
        # A double submit is refused politely, never doubled.
        again = client.post(
            url, {"round": 0, "useful": 1, "rhythm": 1, "safety": 1}, follow=True
        )
        assert "déjà répondu" in again.text
        assert PulseCheckIn.objects.count() == 1
        assert "Aucun point d" in client.get(url).text


def test_the_senior_reads_the_common_wording(started, people, login):
    with time_machine.travel(paris(2026, 10, 2, 9, 0), tick=False):
        page = login(people["bernard"]).get(reverse("pairs:checkin", args=[started.pk]))
    assert "Je me sens libre de dire ce que je pense." in page.text
    assert "même quand" not in page.text


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"round": 0},
        {"round": 0, "useful": 9, "rhythm": 4, "safety": 4},
        {"round": 0, "useful": "<b>", "rhythm": 4, "safety": 4},
        {"round": "x", "useful": 3, "rhythm": 4, "safety": 4},
        {"round": 0, "useful": 3, "rhythm": 4, "safety": 4, "comment": "é" * 2001},
    ],
)
def test_bad_answers_are_refused_next_to_their_field(started, people, login, data):
    with time_machine.travel(paris(2026, 10, 2, 9, 0), tick=False):
        response = login(people["bernard"]).post(
            reverse("pairs:checkin", args=[started.pk]), data
        )
    assert response.status_code == 400
    assert 'class="field-error"' in response.text
    assert PulseCheckIn.objects.count() == 0


def test_html_and_emoji_in_the_comment_are_kept_as_text(started, enrolments):
    with time_machine.travel(paris(2026, 10, 2, 9, 0), tick=False):
        checkin = _answer(
            started,
            enrolments["bernard"],
            comment="<script>alert(1)</script> 🙂",
            share_comment=True,
        )
    assert checkin.comment == "<script>alert(1)</script> 🙂"


def test_an_answer_to_a_round_closed_meanwhile_is_refused(started, people, login):
    with time_machine.travel(paris(2026, 11, 30, 9, 0), tick=False):
        response = login(people["bernard"]).post(
            reverse("pairs:checkin", args=[started.pk]),
            {"round": 0, "useful": 3, "rhythm": 3, "safety": 3},
            follow=True,
        )
    assert "plus ouvert" in response.text
    assert PulseCheckIn.objects.count() == 0


def test_outsiders_and_managers_cannot_open_a_checkin(started, people, login):
    url = reverse("pairs:checkin", args=[started.pk])
    for who in ("ines", "odile"):
        assert login(people[who]).get(url).status_code == 404


def test_the_home_and_the_workspace_offer_the_checkin(started, people, login):
    client = login(people["bernard"])
    url = reverse("pairs:checkin", args=[started.pk])
    with time_machine.travel(paris(2026, 10, 2, 9, 0), tick=False):
        assert url in client.get(reverse("home")).text
        assert url in client.get(reverse("pairs:workspace", args=[started.pk])).text
    with time_machine.travel(paris(2026, 9, 20, 9, 0), tick=False):
        assert url not in client.get(reverse("home")).text


# --- Privacy and the health signal ------------------------------------------------


@pytest.fixture
def low_safety(started, enrolments):
    """Camille, the junior, does not feel free to speak; she keeps her comment."""
    with time_machine.travel(paris(2026, 10, 2, 9, 0), tick=False):
        return _answer(
            started, enrolments["camille"], safety=1, comment="PLANTED-PULSE-SECRET"
        )


def test_the_partner_never_sees_the_answers(low_safety, started, people, login):
    with time_machine.travel(paris(2026, 10, 3, 9, 0), tick=False):
        client = login(people["bernard"])
        for url in (
            reverse("pairs:workspace", args=[started.pk]),
            reverse("pairs:checkin", args=[started.pk]),
            reverse("home"),
        ):
            assert "PLANTED-PULSE-SECRET" not in client.get(url).text
    export = export_json(Subject.for_user(people["bernard"].user))
    assert "PLANTED-PULSE-SECRET" not in export
    assert (
        export_json(Subject.for_user(people["camille"].user)).count(
            "PLANTED-PULSE-SECRET"
        )
        == 1
    )


def test_the_manager_sees_the_signal_and_the_question_never_the_comment(
    low_safety, started, people, login, pilot
):
    with time_machine.travel(paris(2026, 10, 3, 9, 0), tick=False):
        rows = health.pair_health(pilot)
        assert "pulse_safety" in rows[0].risks
        assert rows[0].signal == health.Signal.AT_RISK
        client = login(people["odile"])
        for url in (
            reverse("programme_health", args=[pilot.slug]),
            reverse("pairs:activity", args=[pilot.slug]),
        ):
            text = client.get(url).text
            assert "un membre ne se sent pas libre de parler" in text
            assert "PLANTED-PULSE-SECRET" not in text
        # Shared by its author: then, and only then, the managers read it.
        low_safety.share_comment = True
        low_safety.save()
        text = client.get(reverse("pairs:activity", args=[pilot.slug])).text
        assert "PLANTED-PULSE-SECRET" in text


def test_an_old_low_answer_no_longer_counts(low_safety, pilot):
    with time_machine.travel(paris(2027, 1, 5, 9, 0), tick=False):
        (row,) = health.pair_health(pilot)
    assert "pulse_safety" not in row.risks


def test_the_score_and_signal_follow_the_weights():
    assert health.score([]) == 100
    assert health.signal([]) == health.Signal.OK
    assert health.signal(["charter"]) == health.Signal.WATCH
    assert health.signal(["cadence"]) == health.Signal.WATCH
    assert health.signal(["pulse_safety"]) == health.Signal.AT_RISK
    assert health.signal(["cadence", "feedback"]) == health.Signal.AT_RISK
    assert health.score(list(health.RISKS)) == 0
    assert set(health.WEIGHTS) == set(health.RISKS)


def test_sponsors_see_checkin_means_only_over_five_people(low_safety, pilot):
    from binome.insights.indicators import pulse as pulse_figures

    rows = pulse_figures(pilot)
    assert all(row.safety.number is None for row in rows)
    assert rows[1].safety.hidden  # the mentors: Camille alone


def test_sponsors_see_checkin_means_over_five_people(pilot, people, org, departments):
    from binome.insights.indicators import pulse as pulse_figures
    from binome.people.models import Person
    from binome.programs.models import Enrolment

    def enrol(n, role):
        person = Person.objects.create(
            organisation=org,
            first_name=f"P{n}",
            last_name="Test",
            email=f"p{n}@test.example",
            department=departments["data"],
            level=1 if role == Enrolment.Role.MENTOR else 5,
        )
        return Enrolment.objects.create(
            programme=pilot,
            person=person,
            role=role,
            status=Enrolment.Status.ACCEPTED,
            consent_at=START,
            consent_version="test",
        )

    with time_machine.travel(paris(2026, 10, 2, 9, 0), tick=False):
        for n in range(5):
            pair = Pair.objects.create(
                mentor=enrol(n, Enrolment.Role.MENTOR),
                mentee=enrol(10 + n, Enrolment.Role.MENTEE),
                started_on=START,
            )
            for member in (pair.mentor, pair.mentee):
                _answer(pair, member, safety=2 + n % 2)
    mentees, mentors, everyone = pulse_figures(pilot)
    assert everyone.people.number == 10
    assert mentees.safety.number == pytest.approx(2.4)
    assert not mentors.safety.hidden


def test_erasure_keeps_the_scores_and_removes_the_comment(low_safety, people):
    erase = REGISTRY["pairs.pulsecheckin"].erase
    assert erase is not None
    erase(Subject.for_user(people["camille"].user))
    low_safety.refresh_from_db()
    assert low_safety.comment == ""
    assert low_safety.safety == 1
