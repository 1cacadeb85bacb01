"""The reaper, in process: a round or a task whose worker died (its
heartbeat stopped) is failed or requeued; the pages show it at once. The
real workers killed with SIGKILL are in test_worker_death.py."""

import datetime

import pytest
from django.core.management import call_command
from django.tasks.base import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from binome.matching import rounds
from binome.matching.models import MatchingRound
from binome.recovery import reap_stale_work

STALE = "Le calcul a été interrompu"


@pytest.fixture
def dead_round(recruiting, people):
    """A round that was running when its worker died, three minutes ago."""
    return MatchingRound.objects.create(
        programme=recruiting,
        number=1,
        status=MatchingRound.Status.RUNNING,
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=3),
    )


def test_the_round_page_shows_a_dead_round_failed_without_waiting(
    dead_round, recruiting, people, login
):
    client = login(people["odile"])
    page = client.get(reverse("matching:round", args=[recruiting.slug, 1]))
    assert STALE in page.content.decode()
    dead_round.refresh_from_db()
    assert dead_round.status == MatchingRound.Status.FAILED


def test_the_rounds_page_too(dead_round, recruiting, people, login):
    client = login(people["odile"])
    client.get(reverse("matching:rounds", args=[recruiting.slug]))
    dead_round.refresh_from_db()
    assert dead_round.status == MatchingRound.Status.FAILED


def test_a_round_alive_is_left_alone(dead_round, settings):
    settings.MATCHING_HEARTBEAT_TIMEOUT = 300
    assert not reap_stale_work()
    dead_round.refresh_from_db()
    assert dead_round.status == MatchingRound.Status.RUNNING


def test_the_command_reports_what_it_failed(dead_round, capsys):
    call_command("reap_stale_work")
    assert f"round {dead_round.pk}: failed" in capsys.readouterr().out
    dead_round.refresh_from_db()
    assert dead_round.status == MatchingRound.Status.FAILED
    assert dead_round.error.startswith(STALE)


def test_a_failed_round_delivered_again_is_not_run(dead_round):
    dead_round.status = MatchingRound.Status.FAILED
    dead_round.save()
    assert rounds.run_matching_round.call(dead_round.pk) == {"status": "skipped"}
    dead_round.refresh_from_db()
    assert dead_round.status == MatchingRound.Status.FAILED


def _task(path, workers):
    return DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING,
        args_kwargs={"args": [], "kwargs": {}},
        task_path=path,
        backend_name="default",
        run_after=get_date_max(),
        started_at=timezone.now() - datetime.timedelta(minutes=3),
        worker_ids=workers,
    )


@pytest.mark.django_db
def test_a_dead_task_is_requeued_when_safe_and_failed_otherwise():
    safe = _task("binome.accounts.notifications.send_notification", ["w1"])
    poison = _task("binome.accounts.notifications.send_notification", ["1", "2", "3"])
    unsafe = _task("binome.pairs.reminders.post_webhook", ["w1"])
    fresh = _task("binome.accounts.notifications.send_notification", ["w1"])
    fresh.started_at = timezone.now()
    fresh.save()
    reaped = reap_stale_work()
    assert reaped.requeued == [str(safe.pk)]
    assert sorted(reaped.failed) == sorted([str(poison.pk), str(unsafe.pk)])
    statuses = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert statuses == {
        safe.pk: TaskResultStatus.READY,
        poison.pk: TaskResultStatus.FAILED,
        unsafe.pk: TaskResultStatus.FAILED,
        fresh.pk: TaskResultStatus.RUNNING,
    }
