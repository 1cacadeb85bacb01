import datetime
import importlib.metadata
import json
import os
import socket
import uuid

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from binome.ops import health
from binome.ops.jobs import PERIODIC_JOBS, recorded
from binome.ops.models import JobRun
from binome.pairs.reminders import send_reminders

from .helpers import run_requests

pytestmark = pytest.mark.django_db


def all_jobs_ran() -> None:
    for name in PERIODIC_JOBS:
        with recorded(name):
            pass


def test_health_answers_json_without_login(client, django_assert_max_num_queries):
    all_jobs_ran()
    with django_assert_max_num_queries(5):
        response = client.get("/sante/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert body["status"] == "ok", body
    assert body["problems"] == []
    assert body["database"] == {"ok": True}
    assert body["migrations"] == {"ok": True, "unapplied": 0}
    assert body["version"] == importlib.metadata.version("binome")
    assert set(body["jobs"]) == set(PERIODIC_JOBS)
    for job in body["jobs"].values():
        assert job["ok"] is True
        assert job["late"] is False
        assert job["last_success_at"] is not None


def test_health_gives_the_commit(client, monkeypatch):
    monkeypatch.setenv("BINOME_COMMIT", "abc1234")
    assert client.get("/sante/").json()["commit"] == "abc1234"


def test_health_is_not_redirected_to_https(client, settings):
    """A load balancer probes it over plain HTTP."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/compte/connexion/").status_code == 301
    assert client.get("/sante/").status_code == 200


def test_health_says_degraded_when_a_task_waits_too_long(client, db_tasks, settings):
    all_jobs_ran()
    send_reminders.enqueue()
    tasks = client.get("/sante/").json()["tasks"]
    assert tasks["backend"] == "database"
    assert tasks["oldest_waiting_seconds"] <= 5
    with time_machine.travel(
        timezone.now() + datetime.timedelta(seconds=settings.HEALTH_MAX_TASK_WAIT + 60)
    ):
        all_jobs_ran()
        response = client.get("/sante/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["tasks"]["ok"] is False
    assert body["tasks"]["oldest_waiting_seconds"] > settings.HEALTH_MAX_TASK_WAIT
    assert body["problems"] == ["tasks waiting too long"]


def test_health_with_celery_does_not_measure_the_queue(client, settings):
    settings.TASKS = {"default": {"BACKEND": "binome.tasks_celery.CeleryBackend"}}
    tasks = client.get("/sante/").json()["tasks"]
    assert tasks["oldest_waiting_seconds"] is None
    assert tasks["backend"] == "binome.tasks_celery.CeleryBackend"


def test_health_reports_late_and_failed_jobs(client):
    all_jobs_ran()
    interval = PERIODIC_JOBS["refresh_dashboards"]
    elapsed = 2 * interval + datetime.timedelta(seconds=1)
    with time_machine.travel(timezone.now() + elapsed):
        body = client.get("/sante/").json()
    assert body["status"] == "degraded"
    # refresh_dashboards, and the jobs meant to run more often (the reaper).
    overdue = {name for name, every in PERIODIC_JOBS.items() if 2 * every < elapsed}
    assert "refresh_dashboards" in overdue and "send_reminders" not in overdue
    assert set(body["problems"]) == {f"{name} late" for name in overdue}
    assert body["jobs"]["refresh_dashboards"]["late"] is True
    assert body["jobs"]["send_reminders"]["late"] is False

    with pytest.raises(RuntimeError), recorded("send_reminders"):
        raise RuntimeError("boom")
    body = client.get("/sante/").json()
    assert body["problems"] == ["send_reminders failed"]
    assert body["jobs"]["send_reminders"]["ok"] is False


@pytest.mark.django_db(transaction=True)  # SQLite creates no table in a transaction
def test_a_job_that_never_ran_is_late_once_it_could_have_run_twice(client):
    """A brand-new install is not degraded before its timers had a chance to
    run: a job that never ran is late from twice its interval after the
    database was set up (the migration creating the job records)."""
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    JobRun.objects.all().delete()
    installed = timezone.now()
    with time_machine.travel(installed, tick=False):
        # The test database is built without migrations: record this one.
        recorder = MigrationRecorder(connection)
        recorder.ensure_schema()
        recorder.migration_qs.filter(app="ops").delete()
        recorder.record_applied("ops", "0001_initial")
    health._installed = None  # read again, as a new process would
    try:
        _check_the_grace_period(client, installed)
    finally:
        recorder.migration_qs.filter(app="ops").delete()
        health._installed = None


def test_a_job_that_never_ran_on_a_database_of_unknown_age_is_late(client):
    """Without the migration record (a database built another way), nothing
    says the install is new: a job that never ran is late at once."""
    JobRun.objects.all().delete()
    health._installed = None
    body = client.get("/sante/").json()
    assert body["status"] == "degraded"
    assert all(job["late"] for job in body["jobs"].values())


def _check_the_grace_period(client, installed):
    with time_machine.travel(installed + datetime.timedelta(seconds=30)):
        body = client.get("/sante/").json()
    assert body["status"] == "ok", body["problems"]
    assert not any(job["late"] for job in body["jobs"].values())

    elapsed = 2 * PERIODIC_JOBS["send_reminders"] + datetime.timedelta(seconds=1)
    with time_machine.travel(installed + elapsed):
        body = client.get("/sante/").json()
    assert body["status"] == "degraded"
    late = {name for name, job in body["jobs"].items() if job["late"]}
    expected = {name for name, every in PERIODIC_JOBS.items() if 2 * every < elapsed}
    assert late == expected
    assert "send_reminders" in late and "apply_retention" not in late

    longest = 2 * max(PERIODIC_JOBS.values()) + datetime.timedelta(seconds=1)
    with time_machine.travel(installed + longest):
        body = client.get("/sante/").json()
    assert all(job["late"] for job in body["jobs"].values())


def test_health_holds_nothing_personal(client, pair, django_user_model):
    all_jobs_ran()
    call_command("send_reminders", verbosity=0)
    text = client.get("/sante/").content.decode()
    for user in django_user_model.objects.all():
        assert user.email not in text
        assert user.last_name not in text


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unreachable_databases(tmp_path):
    yield "sqlite", f"sqlite:///{tmp_path}/no/such/dir/db.sqlite3"
    yield "postgres-port", f"postgres://postgres@127.0.0.1:{_dead_port()}/observe_x"
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        base = url.rsplit("/", 1)[0]
        yield "postgres-db", f"{base}/observe_missing_{uuid.uuid4().hex[:8]}"


def test_health_is_503_json_when_the_database_is_unreachable(tmp_path):
    """In another process whose DATABASE_URL leads nowhere: never a 500."""
    # A browser's session cookie too: no middleware may stumble on it.
    requests = [("/sante/", {}), ("/sante/", {"Cookie": "sessionid=abc123"})]
    for label, url in _unreachable_databases(tmp_path):
        answers, _log = run_requests(requests, {"DATABASE_URL": url})
        for answer in answers:
            assert answer["status"] == 503, (label, answer)
            assert answer["content_type"] == "application/json", label
            body = json.loads(answer["body"])
            assert body["status"] == "down"
            assert body["database"]["ok"] is False
            assert body["problems"] == ["database unreachable"]


def test_health_is_503_when_migrations_are_not_applied(tmp_path):
    url = f"sqlite:///{tmp_path}/empty.sqlite3"
    [answer], _log = run_requests([("/sante/", {})], {"DATABASE_URL": url})
    assert answer["status"] == 503, answer
    body = json.loads(answer["body"])
    assert body["status"] == "down"
    assert body["migrations"]["ok"] is False
    assert body["migrations"]["unapplied"] > 50
    assert "migrations not applied" in body["problems"]
