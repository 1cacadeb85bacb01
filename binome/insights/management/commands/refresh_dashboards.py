from typing import Any

from django.core.management.base import BaseCommand, CommandError

from binome.insights.snapshots import refresh
from binome.ops.jobs import recorded


class Command(BaseCommand):
    help = (
        "Compute again the dashboards of large programmes that people look at "
        "(INSIGHTS_SNAPSHOT_MIN_PAIRS); run it every 5 minutes, e.g. from cron."
    )

    @recorded("refresh_dashboards")
    def handle(self, *args: Any, **options: Any) -> None:
        counts = refresh()
        self.stdout.write(
            "refreshed {refreshed}, still fresh {fresh}, deleted {deleted}, "
            "failed {failed}".format(**counts)
        )
        if counts["failed"]:
            # A non-zero exit status, so that cron reports it.
            raise CommandError(f"{counts['failed']} dashboard(s) failed: see the log")
