from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from binome.backups import BackupError, restore, verify


class Command(BaseCommand):
    help = _(
        "Restore a backup made by `manage.py backup` into an empty database, after "
        "checking its SHA-256 manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source", type=Path, help=_("the backup directory (binome-…)")
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("overwrite a database and a MEDIA_ROOT that are not empty"),
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("only check the backup against its manifest; restore nothing"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["check"]:
                info = verify(options["source"])
                self.stdout.write(
                    _("The backup of %(date)s (%(vendor)s) is intact.")
                    % {"date": info["created_at"], "vendor": info["vendor"]}
                )
                return
            restored = restore(options["source"], replace=options["replace"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Restored the backup of %(date)s (%(vendor)s) and %(files)s media "
                "files. Run `manage.py migrate` if the code is newer than the backup."
            )
            % {
                "date": restored.created_at,
                "vendor": restored.vendor,
                "files": restored.media_files,
            }
        )
