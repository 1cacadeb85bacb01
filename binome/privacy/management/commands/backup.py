from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from binome.backups import BackupError, backup


class Command(BaseCommand):
    help = _(
        "Back up the database (pg_dump, or SQLite's backup API) and MEDIA_ROOT into "
        "a new directory, with a SHA-256 manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "destination", type=Path, help=_("directory that receives the backup")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            target = backup(options["destination"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(_("Backup written to %(path)s") % {"path": target})
