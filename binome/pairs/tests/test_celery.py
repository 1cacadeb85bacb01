"""The same reminder task runs on Celery, against the real Redis."""

import datetime
import threading

import pytest
from django.core import mail
from django.utils import timezone

from binome.pairs.models import Meeting

REDIS_DB = 13  # a database of its own, flushed by the test


@pytest.fixture
def celery_app():
    import redis

    from binome.celery import app

    url = f"redis://127.0.0.1:6379/{REDIS_DB}"
    client = redis.Redis.from_url(url)
    client.flushdb()
    previous = app.conf.broker_url
    app.conf.broker_url = url
    yield app
    app.conf.broker_url = previous
    client.flushdb()


@pytest.mark.django_db(transaction=True)
def test_reminders_run_on_a_celery_worker_through_redis(settings, pair, celery_app):
    from celery.contrib.testing.worker import start_worker
    from celery.signals import task_postrun

    from binome.pairs.reminders import send_reminders

    settings.TASKS = {"default": {"BACKEND": "binome.tasks_celery.CeleryBackend"}}
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    Meeting.objects.create(
        pair=pair,
        starts_at=timezone.make_aware(
            datetime.datetime.combine(tomorrow, datetime.time(10, 0))
        ),
    )
    finished: list[str] = []
    all_done = threading.Event()

    def on_postrun(sender=None, args=None, **kwargs):
        finished.append(args[0])
        if len(finished) == 3:  # the reminders, then one email each
            all_done.set()

    task_postrun.connect(on_postrun, weak=False)
    try:
        with start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ):
            send_reminders.enqueue()
            assert all_done.wait(timeout=30), finished
    finally:
        task_postrun.disconnect(on_postrun)
    assert finished[0] == "binome.pairs.reminders.send_reminders"
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bernard@test.example",
        "camille@test.example",
    ]


def test_beat_runs_every_periodic_job_at_its_interval():
    from django.tasks import Task
    from django.utils.module_loading import import_string

    from binome.celery import app
    from binome.ops.jobs import PERIODIC_JOBS

    scheduled = {}
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] == "binome.run_periodic_job"
        name, path = entry["args"]
        assert isinstance(import_string(path), Task), path
        scheduled[name] = datetime.timedelta(seconds=entry["schedule"])
    assert scheduled == PERIODIC_JOBS


@pytest.mark.django_db
def test_a_periodic_job_run_by_celery_is_recorded_for_the_health_page(client):
    """binome.run_periodic_job, executed in this process (Celery's apply):
    the run is recorded as the management commands record theirs, a
    failure too (its class only), and /sante/ sees it."""
    from binome.ops.models import JobRun
    from binome.tasks_celery import run_periodic_job

    result = run_periodic_job.apply(
        args=["refresh_dashboards", "binome.insights.snapshots.refresh_dashboards"]
    )
    assert result.successful(), result.traceback
    run = JobRun.objects.get(name="refresh_dashboards")
    assert run.ok is True and run.runs == 1 and run.last_success_at is not None
    job = client.get("/sante/").json()["jobs"]["refresh_dashboards"]
    assert job["ok"] is True and job["late"] is False

    failed = run_periodic_job.apply(
        args=["send_reminders", "binome.no_such_module.send_reminders"]
    )
    assert failed.failed()
    run = JobRun.objects.get(name="send_reminders")
    assert run.ok is False and run.failures == 1
    assert run.error == "builtins.ModuleNotFoundError"
