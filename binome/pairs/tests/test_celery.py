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
