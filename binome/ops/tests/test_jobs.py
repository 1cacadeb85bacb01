import ast
import datetime
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from binome.ops.jobs import PERIODIC_JOBS, recorded
from binome.ops.models import JobRun

pytestmark = pytest.mark.django_db


def run(name: str) -> JobRun:
    return JobRun.objects.get(name=name)


def test_each_periodic_command_records_its_run(pair):
    now = timezone.now()
    call_command("send_reminders", verbosity=0)
    call_command("refresh_dashboards", verbosity=0)
    call_command("apply_retention", verbosity=0)
    call_command("reap_stale_work", verbosity=0)
    assert set(JobRun.objects.values_list("name", flat=True)) == set(PERIODIC_JOBS)
    for job in JobRun.objects.all():
        assert job.ok is True
        assert job.runs == 1
        assert job.failures == 0
        assert job.error == ""
        assert job.finished_at is not None
        assert now <= job.started_at <= job.finished_at
        assert job.last_success_at == job.finished_at


def test_a_dry_run_is_not_a_run(pair):
    call_command("send_reminders", dry_run=True, verbosity=0)
    call_command("apply_retention", dry_run=True, verbosity=0)
    assert not JobRun.objects.exists()


def test_a_failed_run_is_recorded_and_the_error_still_raised(monkeypatch):
    call_command("refresh_dashboards", verbosity=0)
    success = run("refresh_dashboards").last_success_at
    monkeypatch.setattr(
        "binome.insights.management.commands.refresh_dashboards.refresh",
        lambda: {"refreshed": 0, "fresh": 0, "deleted": 0, "failed": 2},
    )
    with (
        time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)),
        pytest.raises(CommandError),
    ):
        call_command("refresh_dashboards", verbosity=0)
    job = run("refresh_dashboards")
    assert job.ok is False
    assert job.error == "django.core.management.base.CommandError"
    assert job.runs == 2
    assert job.failures == 1
    assert job.last_success_at == success
    assert success is not None
    assert job.finished_at is not None
    assert job.finished_at > success


def test_a_run_in_progress_has_no_outcome():
    with recorded("apply_retention"):
        job = run("apply_retention")
        assert job.ok is None
        assert job.finished_at is None
    assert run("apply_retention").ok is True


def test_a_job_must_be_declared():
    with pytest.raises(ValueError, match="PERIODIC_JOBS"):
        recorded("nightly_mystery")


def test_only_entry_points_import_ops():
    """binome.ops is at the top of the dependency chain: no model, service or
    view of another app imports it; only the settings, the URLs, Celery's
    entry points and the periodic jobs' management commands (to record their
    runs)."""
    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in root.rglob("*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("ops/") or "/management/commands/" in relative:
            continue
        if relative in {"settings.py", "urls.py", "celery.py", "tasks_celery.py"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "binome.ops" or n.startswith("binome.ops.") for n in names):
                offenders.append(relative)
    assert offenders == []


def test_the_administration_shows_the_runs(client):
    from binome.accounts.models import User

    with pytest.raises(RuntimeError), recorded("apply_retention"):
        raise RuntimeError("boom")
    client.force_login(User.objects.create_superuser(email="it@test.example"))
    page = client.get("/admin/ops/jobrun/").content.decode()
    assert "apply_retention" in page
    job = run("apply_retention")
    detail = client.get(f"/admin/ops/jobrun/{job.pk}/change/")
    assert detail.status_code == 200
    assert "builtins.RuntimeError" in detail.content.decode()
    assert client.get("/admin/ops/jobrun/add/").status_code == 403


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
