"""No work lost or stuck when a worker process dies.

A worker can die at any instruction (``kill -9``, out of memory, a machine
restarted). Three things make that harmless:

* **Heartbeats.** A matching round writes ``MatchingRound.heartbeat_at``
  every few seconds while the engine runs (``rounds.run_matching_round``),
  and every task that ``db_worker`` runs writes a ``TaskHeartbeat`` row
  (the signal receivers below, started from ``AccountsConfig.ready``).
  django-tasks-db itself leaves the task of a dead worker « running » for
  ever and never retries it.
* **The reaper**, ``reap_stale_work()`` (``manage.py reap_stale_work``, every
  minute from cron or Celery beat, and for rounds also lazily when their page
  is shown): what has shown no sign of life for ``MATCHING_HEARTBEAT_TIMEOUT``
  seconds lost its worker. A round is marked failed with a message that says
  so, and can be started again; a task that is safe to run again (below) is
  put back in the queue, any other task is marked failed.
* **Idempotent tasks.** A requeued (or, on Celery, redelivered) notification
  skips the recipients it already served (``SentNotification``), reminders and
  closing mails skip what ``SentReminder`` recorded: nobody gets an e-mail
  twice.
"""

from __future__ import annotations

import datetime
import logging
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connections
from django.tasks import task
from django.utils import timezone

logger = logging.getLogger(__name__)

# Tasks that may run again after their worker died: each skips the work a
# previous run already did (see the module's docstring). A task not listed
# here is marked failed instead.
RETRYABLE_TASKS = frozenset(
    {
        "binome.accounts.notifications.send_notification",
        "binome.pairs.reminders.send_reminders",
        "binome.pairs.notices.mail_charter_change",
        "binome.pairs.closing.send_closing_mail",
        "binome.privacy.retention.apply_retention_task",
        "binome.insights.snapshots.refresh_dashboards",
    }
)
# A task whose worker died this many times is not tried again: it may be
# the task that kills its worker (out of memory).
MAX_ATTEMPTS = 3
MATCHING_TASK = "binome.matching.rounds.run_matching_round"


def timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.MATCHING_HEARTBEAT_TIMEOUT)


def interval() -> float:
    """Seconds between two heartbeats: eight of them fit in the timeout, at
    most one every 15 seconds."""
    return min(15.0, max(0.2, settings.MATCHING_HEARTBEAT_TIMEOUT / 8))


class Heartbeat:
    """Calls ``beat`` every ``every`` seconds in a daemon thread, with that
    thread's own database connection, until ``stop()``; stops by itself when
    ``beat`` returns False (the work is no longer this process's)."""

    def __init__(self, beat: Callable[[], bool], every: float | None = None):
        self._beat = beat
        self._every = every if every is not None else interval()
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> Heartbeat:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        try:
            while not self._stopped.wait(self._every):
                try:
                    if not self._beat():
                        return
                except Exception:  # a missed beat is not fatal; the next may pass
                    logger.exception("heartbeat failed")
        finally:
            connections.close_all()  # this thread's connections only


# Heartbeats of the tasks a database worker runs ------------------------------

_running: dict[str, Heartbeat] = {}


def _is_database_backend(sender: Any) -> bool:
    from django_tasks_db.backend import DatabaseBackend

    backend = sender if isinstance(sender, type) else type(sender)
    return issubclass(backend, DatabaseBackend)


def _task_key(task_result: Any) -> str:
    return str(uuid.UUID(str(task_result.id)))


def on_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if not _is_database_backend(sender):
        return
    from binome.accounts.models import TaskHeartbeat

    key = _task_key(task_result)
    try:
        TaskHeartbeat.objects.update_or_create(
            task_id=key, defaults={"beat_at": timezone.now()}
        )
    except Exception:  # the task runs all the same; the thread will beat
        logger.exception("heartbeat of task %s not written", key)

    def beat() -> bool:
        rows = TaskHeartbeat.objects.filter(task_id=key).update(beat_at=timezone.now())
        return rows > 0

    _running[key] = Heartbeat(beat).start()


def on_task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    if not _is_database_backend(sender):
        return
    from binome.accounts.models import TaskHeartbeat

    key = _task_key(task_result)
    running = _running.pop(key, None)
    if running is not None:
        running.stop()
    try:
        TaskHeartbeat.objects.filter(task_id=key).delete()
    except Exception:  # left to reap_dead_tasks
        logger.exception("heartbeat of task %s not deleted", key)


# The reaper ------------------------------------------------------------------


class WorkerDied(Exception):
    """Recorded as the error of a task whose worker stopped while running it."""


@dataclass
class Reaped:
    rounds: list[int] = field(default_factory=list)  # marked failed
    requeued: list[str] = field(default_factory=list)  # tasks put back in the queue
    failed: list[str] = field(default_factory=list)  # tasks marked failed
    uncertain: list[str] = field(default_factory=list)  # e-mails of unknown fate

    def __bool__(self) -> bool:
        return bool(self.rounds or self.requeued or self.failed or self.uncertain)


def reap_dead_tasks(
    *, now: datetime.datetime | None = None, reaped: Reaped | None = None
) -> Reaped:
    """Tasks of the database queue still « running » without a sign of life
    for the timeout: put back in the queue when they are safe to run again
    (``RETRYABLE_TASKS``, fewer than ``MAX_ATTEMPTS`` workers died on them),
    marked failed otherwise (a matching round's with its round)."""
    from django.tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from binome.accounts.models import TaskHeartbeat

    now = now or timezone.now()
    reaped = reaped if reaped is not None else Reaped()
    limit = now - timeout()
    beats = dict(TaskHeartbeat.objects.values_list("task_id", "beat_at"))
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    for row in running.only(
        "id", "task_path", "started_at", "worker_ids", "args_kwargs"
    ):
        key = str(uuid.UUID(str(row.id)))
        signs = [t for t in (beats.get(key), row.started_at) if t is not None]
        if signs and max(signs) >= limit:
            continue
        # Still running as seen, and not claimed again since: a worker that
        # comes back to life meanwhile changes nothing here.
        same = DBTaskResult.objects.filter(
            pk=row.pk, status=TaskResultStatus.RUNNING, started_at=row.started_at
        )
        if row.task_path in RETRYABLE_TASKS and len(row.worker_ids) < MAX_ATTEMPTS:
            if same.update(status=TaskResultStatus.READY):
                logger.warning(
                    "task %s (%s) lost its worker: requeued", key, row.task_path
                )
                reaped.requeued.append(key)
        else:
            error = WorkerDied(
                f"The worker running this task stopped (no sign of life since "
                f"{max(signs).isoformat() if signs else 'its start'})."
            )
            if same.update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{__name__}.WorkerDied",
                traceback=f"{__name__}.WorkerDied: {error}\n",
            ):
                logger.warning(
                    "task %s (%s) lost its worker: failed", key, row.task_path
                )
                reaped.failed.append(key)
                if row.task_path == MATCHING_TASK:
                    from binome.matching.rounds import fail_round

                    round_ids = row.args_kwargs.get("args", [])[:1]
                    if round_ids and fail_round(int(round_ids[0]), now=now):
                        reaped.rounds.append(int(round_ids[0]))
        TaskHeartbeat.objects.filter(task_id=key).delete()
    # Heartbeats of tasks no longer running (their worker died between the
    # task's end and the row's deletion).
    still = {str(uuid.UUID(str(i))) for i in running.values_list("id", flat=True)}
    TaskHeartbeat.objects.exclude(task_id__in=still).filter(beat_at__lt=limit).delete()
    return reaped


def reap_stale_work(*, now: datetime.datetime | None = None) -> Reaped:
    """Everything whose worker died: tasks of the database queue, matching
    rounds (on any queue), and e-mails of unknown fate (reported only)."""
    from binome.accounts.notifications import uncertain_emails
    from binome.matching.rounds import reap_stale_rounds

    now = now or timezone.now()
    reaped = reap_dead_tasks(now=now)
    for round_id in reap_stale_rounds(now=now):
        if round_id not in reaped.rounds:
            reaped.rounds.append(round_id)
    reaped.uncertain = uncertain_emails(now=now)
    return reaped


@task()
def reap_stale_work_task() -> dict[str, int]:
    """``reap_stale_work`` from a task queue (Celery beat, every minute)."""
    reaped = reap_stale_work()
    return {
        "rounds": len(reaped.rounds),
        "requeued": len(reaped.requeued),
        "failed": len(reaped.failed),
        "uncertain": len(reaped.uncertain),
    }
