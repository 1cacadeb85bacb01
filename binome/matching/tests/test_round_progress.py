"""The engine's progress on the round, and cancelling a round: the callback
the worker passes to pairmaker (throttled writes that also listen for a
cancellation), the cancel service, its page and what a cancelled round
leaves. A real worker process cancelled mid-run is in
test_round_cancel_worker.py."""

import datetime
import html
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pairmaker
from binome.accounts.models import AuditEvent
from binome.matching import rounds
from binome.matching.models import MatchingRound
from binome.pairs.publishing import publish_round
from binome.people.models import Department, Person
from binome.programs.models import Enrolment
from binome.recovery import reap_stale_work
from binome.tests.cohorts import run_round, two_pair_cohort

T0 = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def cohort(recruiting, people):
    return two_pair_cohort(recruiting, people)


@pytest.fixture
def running(recruiting):
    return MatchingRound.objects.create(
        programme=recruiting,
        number=1,
        status=MatchingRound.Status.RUNNING,
        heartbeat_at=timezone.now(),
    )


def _text(response):
    return html.unescape(response.content.decode())


def _fresh(round_):
    round_.refresh_from_db()
    return round_


# The callback -------------------------------------------------------------------


def test_the_percentage_only_moves_forward_through_the_phases():
    reports = [
        pairmaker.Progress("scoring", 0, 10),
        pairmaker.Progress("scoring", 5, 10),
        pairmaker.Progress("scoring", 10, 10),
        pairmaker.Progress("solving", 0, 0, 1),
        pairmaker.Progress("certifying", 4, 8, 1),
        pairmaker.Progress("solving", 0, 0, 2),
        pairmaker.Progress("certifying", 8, 8, 4),
        pairmaker.Progress("assembling", 0, 3),
    ]
    percents = [rounds.overall_percent(r) for r in reports]
    assert percents == [10, 32, 55, 55, 59, 63, 87, 90]
    assert percents == sorted(percents)


def test_progress_is_written_at_each_phase_change_and_at_most_once_a_second(
    running, django_assert_num_queries
):
    with time_machine.travel(T0, tick=False) as clock:
        report = rounds.RoundProgress(running.pk)
        report(pairmaker.Progress("scoring", 1, 782))
        assert (_fresh(running).phase, running.phase_done) == ("scoring", 1)
        assert running.phase_total == 782 and running.progress == 10
        # Ten reports within the second: not one query.
        with django_assert_num_queries(0):
            for done in range(2, 12):
                clock.shift(0.09)
                report(pairmaker.Progress("scoring", done, 782))
        assert _fresh(running).phase_done == 1
        clock.shift(0.2)  # a second since the last write
        report(pairmaker.Progress("scoring", 12, 782))
        assert _fresh(running).phase_done == 12
        # A new phase is written at once, and so is a new solve.
        report(pairmaker.Progress("solving", 0, 0, 1))
        assert (_fresh(running).phase, running.phase_step) == ("solving", 1)
        report(pairmaker.Progress("certifying", 0, 782, 1))
        report(pairmaker.Progress("solving", 0, 0, 2))
        assert (_fresh(running).phase, running.phase_step) == ("solving", 2)
        assert running.progress == 63
    assert report.writes == 5


def test_a_cancellation_stops_the_engine_at_the_next_write(running, people):
    with time_machine.travel(T0, tick=False) as clock:
        report = rounds.RoundProgress(running.pk)
        report(pairmaker.Progress("scoring", 1, 100))
        outcome = rounds.cancel_round(round_=running, by=people["odile"].user)
        assert outcome == rounds.CancelOutcome.REQUESTED
        assert _fresh(running).status == MatchingRound.Status.RUNNING
        report(pairmaker.Progress("scoring", 2, 100))  # throttled: not noticed yet
        clock.shift(1)
        with pytest.raises(pairmaker.Cancelled):
            report(pairmaker.Progress("scoring", 3, 100))
    # The stopped write wrote nothing.
    assert _fresh(running).phase_done == 1


def test_a_round_failed_by_the_reaper_stops_its_engine_too(running):
    report = rounds.RoundProgress(running.pk)
    report(pairmaker.Progress("scoring", 1, 100))
    assert rounds.fail_round(running.pk)
    with pytest.raises(pairmaker.Cancelled):
        report(pairmaker.Progress("solving", 0, 0, 1))
    assert _fresh(running).status == MatchingRound.Status.FAILED


def _big_cohort(programme, size):
    """``size`` mentors and ``size`` mentees, written in bulk."""
    department = Department.objects.create(
        organisation=programme.organisation, name="Grande direction", code="grande"
    )
    persons = Person.objects.bulk_create(
        Person(
            organisation=programme.organisation,
            department=department,
            first_name=f"P{i}",
            last_name="Cohorte",
            email=f"p{i}@cohorte.example",
            employee_id=f"C{i}",
            level=1 + i % 5,
        )
        for i in range(2 * size)
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            programme=programme,
            person=person,
            role="mentor" if i % 2 else "mentee",
            status=Enrolment.Status.ACCEPTED,
            consent_at=timezone.now(),
            consent_version="test",
        )
        for i, person in enumerate(persons)
    )
    programme.matching_rules = {"same_department": "allow", "seniority": "off"}
    programme.save()


def _round_updates(queries):
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith("UPDATE") and "matchinground" in q["sql"]
    ]


def test_a_real_run_writes_its_phases_not_every_report(recruiting, people):
    # 300 mentees are scored in three blocks of 128 rows; with the clock
    # stopped, only the phase changes are written: reading, scoring, solving,
    # assembling, saving, plus the claim and the result.
    _big_cohort(recruiting, 300)
    round_ = rounds.start_round(programme=recruiting, by=people["odile"].user)
    with (
        time_machine.travel(T0, tick=False),
        CaptureQueriesContext(connection) as queries,
    ):
        rounds.run_matching_round.call(round_.pk)
    round_.refresh_from_db()
    assert round_.status == MatchingRound.Status.DONE
    assert round_.result["engine"]["mentees"] == 300
    writes = _round_updates(queries.captured_queries)
    assert sum("phase" in sql for sql in writes) == 6, writes
    assert len(writes) == 7
    assert (round_.phase, round_.progress) == ("saving", 100)


def test_a_real_run_with_a_ticking_clock_writes_more_often(recruiting, people):
    # The clock jumps a second between two queries: every report is written.
    _big_cohort(recruiting, 300)
    round_ = rounds.start_round(programme=recruiting, by=people["odile"].user)
    with (
        time_machine.travel(T0, tick=False) as clock,
        CaptureQueriesContext(connection) as queries,
    ):

        def a_second_per_query(execute, sql, params, many, context):
            clock.shift(1)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(a_second_per_query):
            rounds.run_matching_round.call(round_.pk)
    writes = _round_updates(queries.captured_queries)
    scoring = [sql for sql in writes if "'scoring'" in sql]
    assert len(scoring) >= 2, writes
    assert _fresh(round_).status == MatchingRound.Status.DONE


# The cancel service -----------------------------------------------------------


def test_a_queued_round_is_cancelled_at_once_and_its_task_skips_it(
    cohort, recruiting, people
):
    odile = people["odile"].user
    round_ = rounds.start_round(programme=recruiting, by=odile)
    assert rounds.cancel_round(round_=round_, by=odile) == "cancelled"
    round_.refresh_from_db()
    assert round_.status == MatchingRound.Status.CANCELLED
    assert round_.cancelled_by == odile and round_.cancelled_at == round_.finished_at
    assert round_.is_finished
    # Finished for the heartbeat (it stops) and for the worker (it skips it).
    assert not rounds._beat(round_.pk)
    assert rounds.run_matching_round.call(round_.pk) == {"status": "skipped"}
    assert _fresh(round_).result == {}
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROUND_CANCELLED)
    assert event.actor == odile and event.target == "programme:vague"
    assert event.details == {"round": 1, "was": "cancelled"}


def test_cancelling_twice_changes_nothing(running, people):
    odile = people["odile"].user
    assert rounds.cancel_round(round_=running, by=odile) == "requested"
    asked = _fresh(running).cancel_requested_at
    assert rounds.cancel_round(round_=running, by=odile) == "already"
    assert _fresh(running).cancel_requested_at == asked
    assert AuditEvent.objects.filter(action="round_cancelled").count() == 1


def test_a_finished_round_cannot_be_cancelled(cohort, recruiting, people):
    from django.core.exceptions import ValidationError

    round_ = run_round(recruiting, people["odile"].user)
    with pytest.raises(ValidationError, match="déjà terminé"):
        rounds.cancel_round(round_=round_, by=people["odile"].user)
    assert _fresh(round_).status == MatchingRound.Status.DONE
    assert not AuditEvent.objects.filter(action="round_cancelled").exists()


def test_the_reaper_ends_a_cancelled_round_whose_worker_died_cancelled(
    running, people, capsys
):
    rounds.cancel_round(round_=running, by=people["odile"].user)
    MatchingRound.objects.filter(pk=running.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1)
    )
    call_command("reap_stale_work")
    assert f"round {running.pk}: cancelled" in capsys.readouterr().out
    assert _fresh(running).status == MatchingRound.Status.CANCELLED
    assert running.error == ""
    # Finished: the reaper leaves it alone from now on.
    assert not reap_stale_work().rounds


def test_a_cancelled_round_blocks_neither_a_new_round_nor_publishing(
    cohort, recruiting, people, login
):
    odile = people["odile"].user
    first = run_round(recruiting, odile)
    cancelled = rounds.start_round(programme=recruiting, by=odile)
    rounds.cancel_round(round_=cancelled, by=odile)
    third = run_round(recruiting, odile)
    assert third.number == 3 and third.status == MatchingRound.Status.DONE
    client = login(people["odile"])
    compare = client.get(reverse("matching:round_compare", args=["vague", 3, 2]))
    assert compare.status_code == 200
    page = client.get(reverse("matching:round", args=["vague", 3]))
    # A cancelled round is not offered to compare with; the done one is.
    assert reverse("matching:round_compare", args=["vague", 3, 1]) in _text(page)
    assert reverse("matching:round_compare", args=["vague", 3, 2]) not in _text(page)
    assert len(publish_round(round_=first, by=odile)) == 2


# The page ------------------------------------------------------------------------


def _cancel_url(number=1):
    return reverse("matching:round_cancel", args=["vague", number])


def test_the_round_page_shows_the_phase_and_the_elapsed_time(running, people, login):
    MatchingRound.objects.filter(pk=running.pk).update(
        phase="scoring",
        phase_done=12,
        phase_total=782,
        progress=17,
        created_at=timezone.now() - datetime.timedelta(seconds=65),
    )
    client = login(people["odile"])
    page = client.get(reverse("matching:round", args=["vague", 1]))
    assert "Calcul des scores\u00a0: bloc 12 sur 782" in _text(page)
    assert '<p id="round-phase" role="status">Calcul des scores</p>' in _text(page)
    assert "Temps écoulé\u00a0: 1 min 05 s" in _text(page)
    assert 'value="17"' in _text(page)
    assert _cancel_url() in _text(page)
    MatchingRound.objects.filter(pk=running.pk).update(
        phase="certifying", phase_done=2, phase_total=5, phase_step=1
    )
    url = reverse("matching:round", args=["vague", 1]) + "?progress=1"
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert "Certification de l'optimum\u00a0: passe 1, 40\u00a0%" in _text(fragment)
    # The live region is updated in place (out of band), not replaced.
    assert (
        '<p id="round-phase" hx-swap-oob="innerHTML">'
        "Certification de l'optimum\u00a0: passe 1</p>"
    ) in _text(fragment)
    MatchingRound.objects.filter(pk=running.pk).update(phase="solving", phase_step=2)
    assert "Résolution 2" in _text(client.get(url, HTTP_HX_REQUEST="true"))


def test_cancel_asks_for_a_confirmation_first(running, people, login):
    client = login(people["odile"])
    page = client.post(_cancel_url())
    assert page.status_code == 200
    assert "Annuler le tour 1\u00a0?" in _text(page)
    assert 'name="confirm" value="1"' in _text(page)
    assert _fresh(running).cancel_requested_at is None


def test_cancel_a_running_round_then_click_again(running, people, login):
    client = login(people["odile"])
    response = client.post(_cancel_url(), {"confirm": "1"}, follow=True)
    assert "Annulation demandée" in _text(response)
    assert _fresh(running).cancel_requested_at is not None
    assert running.cancelled_by == people["odile"].user
    # The page says it is being cancelled, and offers no second button.
    assert "Annulation en cours" in _text(response)
    assert _cancel_url() not in _text(response)
    again = client.post(_cancel_url(), {"confirm": "1"}, follow=True)
    assert again.status_code == 200
    assert "déjà annulé, ou en cours d'annulation" in _text(again)
    assert AuditEvent.objects.filter(action="round_cancelled").count() == 1


def test_cancel_a_queued_round_shows_it_cancelled(recruiting, people, login):
    MatchingRound.objects.create(programme=recruiting, number=1)
    client = login(people["odile"])
    response = client.post(_cancel_url(), {"confirm": "1"}, follow=True)
    assert "Le tour est annulé." in _text(response)
    assert "Annulé par Odile" in _text(response)
    assert "rien de son résultat n'est conservé" in _text(response)
    rounds_page = client.get(reverse("matching:rounds", args=["vague"]))
    assert "Annulé" in _text(rounds_page)


def test_cancel_on_a_finished_round_says_so(cohort, recruiting, people, login):
    run_round(recruiting, people["odile"].user)
    client = login(people["odile"])
    # Without confirm=1 as with it: no confirmation page for a finished round.
    for data in ({}, {"confirm": "1"}):
        response = client.post(_cancel_url(), data, follow=True)
        assert response.status_code == 200
        assert "Ce tour est déjà terminé\u00a0: il n'y a rien à annuler." in _text(
            response
        )
    assert MatchingRound.objects.get().status == MatchingRound.Status.DONE


def test_only_the_programmes_managers_cancel(running, people, login):
    for name in ("camille", "xavier"):
        response = login(people[name]).post(_cancel_url(), {"confirm": "1"})
        assert response.status_code == 404
    assert login(people["odile"]).get(_cancel_url()).status_code == 405
    assert _fresh(running).cancel_requested_at is None


def test_cancel_needs_the_csrf_token(running, people, client):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(people["odile"].user)
    response = csrf_client.post(_cancel_url(), {"confirm": "1"})
    assert response.status_code == 403
    assert _fresh(running).cancel_requested_at is None


def test_the_progress_speaks_english(running, people, login):
    MatchingRound.objects.filter(pk=running.pk).update(
        phase="scoring", phase_done=12, phase_total=782
    )
    client = login(people["odile"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    url = reverse("matching:round", args=["vague", 1])
    page = _text(client.get(url))
    assert "Computing the scores: block 12 of 782" in page
    assert re.search(r"Elapsed time: \d+ s", page) and "Cancel this round" in page
    confirm = _text(client.post(_cancel_url()))
    assert "Cancel round 1?" in confirm and "Yes, cancel the round" in confirm
    client.post(_cancel_url(), {"confirm": "1"})
    page = _text(client.get(url))
    assert "Cancelling: the engine stops at its next step" in page


def test_who_cancelled_is_in_their_export_and_forgotten_at_erasure(running, people):
    from binome.privacy.export import export_data
    from binome.privacy.registry import REGISTRY
    from binome.privacy.subject import Subject

    odile = people["odile"].user
    rounds.cancel_round(round_=running, by=odile)
    subject = Subject.for_user(odile)
    [row] = export_data(subject)["sections"]["matching.matchinground"]
    assert row["cancelled_by_you"] is True and row["number"] == 1
    erase = REGISTRY["matching.matchinground"].erase
    assert erase is not None and erase(subject) >= 1
    assert _fresh(running).cancelled_by is None
