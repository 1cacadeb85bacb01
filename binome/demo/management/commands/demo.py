from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from binome.demo.services import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = _("Load the demo company and programmes (idempotent).")

    def handle(self, *args: Any, **options: Any) -> None:
        summary = load_demo()
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
            _("Demo accounts (password: %(password)s):") % {"password": DEMO_PASSWORD}
        )
        for email, who in summary.accounts:
            self.stdout.write(f"  {email:<28} {who}")
