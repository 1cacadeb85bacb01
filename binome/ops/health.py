"""What ``GET /sante/`` reports: a handful of cheap queries, nothing personal.

Overall status:

- ``down`` (HTTP 503): the database does not answer, or a migration is not
  applied (the pages would fail): a load balancer takes the server out.
- ``degraded`` (HTTP 200): the web server works but something behind it
  lags: the oldest waiting task has waited longer than
  ``HEALTH_MAX_TASK_WAIT`` seconds (no worker?), or a periodic job's last
  success is older than twice its interval (cron?), or its last run failed.
  A job that never ran is late once the database is older than twice its
  interval: a brand-new install is not degraded before its timers had a
  chance to run.
  Monitoring alerts on it; a load balancer must not take servers out for it.
- ``ok`` otherwise.
"""

from __future__ import annotations

import functools
import importlib.metadata
import os
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from .jobs import PERIODIC_JOBS
from .models import JobRun

DATABASE_TASKS = "django_tasks_db.DatabaseBackend"

# Set once every migration is applied: they stay applied for the life of the
# process (new migrations come with new code, hence a restart), so a probe
# every few seconds does not read the migration files every time.
_migrations_applied = False
# When this database was set up (see _installed_at); it never changes.
_installed: Any = None


@functools.cache
def version() -> str | None:
    try:
        return importlib.metadata.version("binome")
    except importlib.metadata.PackageNotFoundError:
        return None


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True}


def _migrations() -> dict[str, Any]:
    global _migrations_applied
    if _migrations_applied:
        return {"ok": True, "unapplied": 0}
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    _migrations_applied = not plan
    return {"ok": not plan, "unapplied": len(plan)}


def _tasks(now: Any) -> dict[str, Any]:
    backend = settings.TASKS["default"]["BACKEND"]
    limit = settings.HEALTH_MAX_TASK_WAIT
    if backend != DATABASE_TASKS:
        # Celery keeps its queue in Redis: its length is Celery's business.
        return {"backend": backend, "oldest_waiting_seconds": None, "ok": True}
    from django_tasks_db.models import DBTaskResult

    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    age = max(0, int((now - oldest).total_seconds())) if oldest else None
    return {
        "backend": "database",
        "oldest_waiting_seconds": age,
        "max_seconds": limit,
        "ok": age is None or age <= limit,
    }


def _installed_at() -> Any:
    """When the database was set up: the time the migration creating the
    job records was applied (read once per process)."""
    global _installed
    if _installed is None:
        recorder = MigrationRecorder(connection)
        if recorder.has_table():  # not when the tables came without migrations
            _installed = (
                recorder.migration_qs.filter(app="ops", name="0001_initial")
                .values_list("applied", flat=True)
                .first()
            )
    return _installed


def _jobs(now: Any) -> dict[str, Any]:
    runs = {run.name: run for run in JobRun.objects.all()}
    report: dict[str, Any] = {}
    for name, interval in PERIODIC_JOBS.items():
        run = runs.get(name)
        success = run.last_success_at if run else None
        if success is None:
            # Never succeeded: late once it could have run twice since the
            # installation (or when the installation time is unknown).
            since = _installed_at()
            late = since is None or now - since > 2 * interval
        else:
            late = now - success > 2 * interval
        report[name] = {
            "interval_seconds": int(interval.total_seconds()),
            "started_at": _iso(run.started_at) if run else None,
            "finished_at": _iso(run.finished_at) if run else None,
            "ok": run.ok if run else None,
            "last_success_at": _iso(success),
            "late": late,
        }
    return report


def check() -> tuple[int, dict[str, Any]]:
    """The HTTP status and the JSON body of ``/sante/``."""
    now = timezone.now()
    body: dict[str, Any] = {
        "status": "ok",
        "version": version(),
        "commit": os.environ.get("BINOME_COMMIT") or None,
        "time": now.isoformat(),
    }
    problems: list[str] = []
    try:
        body["database"] = _database()
    except DatabaseError as error:
        body["database"] = {"ok": False, "error": type(error).__name__}
        body["status"] = "down"
        body["problems"] = ["database unreachable"]
        return 503, body
    down = False
    try:
        body["migrations"] = _migrations()
        if not body["migrations"]["ok"]:
            down = True
            problems.append("migrations not applied")
        body["tasks"] = _tasks(now)
        if not body["tasks"]["ok"]:
            problems.append("tasks waiting too long")
        body["jobs"] = _jobs(now)
        for name, job in body["jobs"].items():
            if job["late"]:
                problems.append(f"{name} late")
            elif job["ok"] is False:
                problems.append(f"{name} failed")
    except DatabaseError as error:
        # Reachable but unusable (tables missing: not migrated).
        body["database"] = {"ok": False, "error": type(error).__name__}
        down = True
        problems.append("database unusable")
    body["status"] = "down" if down else ("degraded" if problems else "ok")
    body["problems"] = problems
    return (503 if down else 200), body
