import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from binome.demo.services import DEMO_PASSWORD, load_demo

# The flag that says, outside DEBUG, « this database is a demo »: long on
# purpose, nobody types it by accident.
DEMO_DATABASE_FLAG = "--this-database-is-a-demo"

REFUSAL = (
    "ERREUR : manage.py demo remplit la base de données d'une entreprise fictive "
    "avec des comptes de démonstration ; il ne tourne qu'en développement (DEBUG=1). "
    "Rien n'a été écrit. Pour une base de démonstration hors DEBUG (un serveur de "
    f"présentation), relancez avec {DEMO_DATABASE_FLAG} : chaque compte reçoit "
    "alors un mot de passe aléatoire, affiché une seule fois.\n"
    "ERROR: manage.py demo fills the database with a fictitious company and demo "
    "accounts; it runs in development only (DEBUG=1). Nothing was written. For a "
    f"demo database outside DEBUG, run it again with {DEMO_DATABASE_FLAG}: every "
    "account then gets a random password, shown once."
)


class Command(BaseCommand):
    help = _("Load the demo company and programmes (idempotent).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            DEMO_DATABASE_FLAG,
            action="store_true",
            dest="demo_database",
            help=_(
                "Outside DEBUG: this database is a demonstration database. Every "
                "demo account then gets a random password, printed once."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Checked before anything touches the database.
        if settings.DEBUG:
            password = DEMO_PASSWORD
        elif options["demo_database"]:
            # Never the README's password outside DEBUG, for the technical
            # administrator (a superuser) as for every other demo account.
            password = secrets.token_urlsafe(15)
        else:
            raise CommandError(REFUSAL)
        summary = load_demo(password=password)
        self.stdout.write(
            _(
                "Demo data ready: %(people)s employees, %(pairs)s pairs in the pilot, "
                "%(enrolments)s volunteers in the 2027 wave."
            )
            % {
                "people": summary.people,
                "pairs": summary.pairs,
                "enrolments": summary.enrolments,
            }
        )
        self.stdout.write(
            _("Demo accounts (password: %(password)s):") % {"password": password}
        )
        for email, who in summary.accounts:
            self.stdout.write(f"  {email:<28} {who}")
        if password != DEMO_PASSWORD:
            self.stdout.write(
                _(
                    "This password is random and shown only this once: keep it. "
                    "Running the command again gives the demo accounts a new one."
                )
            )
