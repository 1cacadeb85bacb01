from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from binome.ops.jobs import recorded
from binome.pairs.reminders import pending_reminders, send_reminders


class Command(BaseCommand):
    help = "Queue the pair reminders that are due (run it hourly, e.g. from cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the reminders, send nothing."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        if dry_run:
            for reminder in pending_reminders():
                self.stdout.write(f"{reminder.kind}\t{reminder.user.email}")
            return
        with recorded("send_reminders"):
            result = send_reminders.enqueue()
        self.stdout.write(f"queued: {result.id}")
