"""The periodic jobs, their intervals, and the record of their runs.

Every job that cron (or Celery beat) starts is declared in ``PERIODIC_JOBS``
with the interval it is meant to run at; ``/sante/`` reports a job as late
when its last successful run is older than twice that interval.

A job records its runs with ``recorded``, as a context manager or a
decorator::

    with recorded("send_reminders"):
        ...

    @recorded("apply_retention")
    def handle(self, *args, **options): ...

One row per job (``JobRun``) is updated: start, end, outcome, the class of
the exception that stopped it. The exception is never swallowed, so the
command's exit status still tells cron.
"""

from __future__ import annotations

import datetime
from contextlib import ContextDecorator
from types import TracebackType

from django.db.models import F
from django.utils import timezone

from .models import JobRun

# name → how often it is meant to run (see README « Mise en production »).
PERIODIC_JOBS: dict[str, datetime.timedelta] = {
    "send_reminders": datetime.timedelta(hours=1),
    "refresh_dashboards": datetime.timedelta(minutes=5),
    "apply_retention": datetime.timedelta(days=1),
    # Fails the rounds and requeues the tasks whose worker died (recovery.py).
    "reap_stale_work": datetime.timedelta(minutes=1),
}


class recorded(ContextDecorator):
    """Record one run of the periodic job ``name`` (see the module docstring).

    The records are written in autocommit, outside the job's own
    transactions: a job that rolls back still leaves its failure recorded.
    """

    def __init__(self, name: str) -> None:
        if name not in PERIODIC_JOBS:
            raise ValueError(f"{name!r} is not declared in PERIODIC_JOBS")
        self.name = name

    def __enter__(self) -> recorded:
        started = timezone.now()
        updated = JobRun.objects.filter(name=self.name).update(
            started_at=started,
            finished_at=None,
            ok=None,
            error="",
            runs=F("runs") + 1,
        )
        if not updated:
            JobRun.objects.get_or_create(
                name=self.name, defaults={"started_at": started, "runs": 1}
            )
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        finished = timezone.now()
        runs = JobRun.objects.filter(name=self.name)
        if exc_type is None:
            runs.update(
                finished_at=finished, ok=True, error="", last_success_at=finished
            )
        else:
            error = f"{exc_type.__module__}.{exc_type.__qualname__}"[:200]
            runs.update(
                finished_at=finished,
                ok=False,
                error=error,
                failures=F("failures") + 1,
            )
