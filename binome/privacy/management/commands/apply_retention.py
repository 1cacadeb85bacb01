from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from binome.ops.jobs import recorded
from binome.privacy.retention import apply_retention, policy


class Command(BaseCommand):
    help = (
        "Delete the personal data past their retention period "
        "(PRIVACY_RETENTION_DAYS); run it daily, e.g. from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what would be deleted, per category; change nothing.",
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        if dry_run:
            counts = apply_retention(dry_run=True)
        else:
            with recorded("apply_retention"):
                counts = apply_retention(dry_run=False)
        verb = "would delete" if dry_run else "deleted"
        for category, days in policy():
            if days <= 0:
                self.stdout.write(f"{category.key}\tkept (no retention period)")
            else:
                n = counts.get(category.key, 0)
                self.stdout.write(f"{category.key}\t{days} days\t{verb} {n}")
