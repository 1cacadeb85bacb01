"""``manage.py reap_stale_work``: fail or requeue what lost its worker.

Run it every minute (cron, a systemd timer or Celery beat); see
binome/recovery.py and the README, « Pannes et reprise »."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from binome.ops.jobs import recorded
from binome.recovery import reap_stale_work


class Command(BaseCommand):
    help = (
        "Mark failed the matching rounds whose worker died, requeue (or fail) "
        "the tasks of the database queue whose worker died."
    )

    @recorded("reap_stale_work")
    def handle(self, *args: Any, **options: Any) -> None:
        reaped = reap_stale_work()
        for round_id in reaped.rounds:
            # A round its manager had asked to stop ends cancelled, not failed.
            outcome = "cancelled" if round_id in reaped.cancelled else "failed"
            self.stdout.write(f"round {round_id}: {outcome} (its worker stopped)")
        for task_id in reaped.requeued:
            self.stdout.write(f"task {task_id}: requeued (its worker stopped)")
        for task_id in reaped.failed:
            self.stdout.write(f"task {task_id}: failed (its worker stopped)")
        for email in reaped.uncertain:
            self.stderr.write(
                f"e-mail {email}: the worker stopped while sending it; it may "
                "not have arrived, and is not sent again"
            )
