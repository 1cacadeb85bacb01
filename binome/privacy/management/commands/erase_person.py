from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from binome.accounts.models import User
from binome.people.models import Person
from binome.privacy.erasure import erase_person, live_enrolments
from binome.privacy.subject import Subject


class Command(BaseCommand):
    help = (
        "Erase a person's data (GDPR art. 17): an account by email, or an HR "
        "profile without account by id."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--email", help="The account's email address.")
        who.add_argument("--person", type=int, help="The HR profile's id.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would happen; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["email"]:
            user = User.objects.filter(email__iexact=options["email"]).first()
            if user is None:
                raise CommandError("No account with this email address.")
            subject = Subject.for_user(user)
        else:
            person = Person.objects.filter(pk=options["person"]).first()
            if person is None:
                raise CommandError("No such person.")
            subject = Subject(user=None, person=person)
        if options["dry_run"]:
            live = len(live_enrolments(subject))
            self.stdout.write(
                f"would erase {subject.label}; participations to end: {live}"
            )
            return
        counts = erase_person(subject)
        for label, n in counts.items():
            if n:
                self.stdout.write(f"{label}\t{n}")
        self.stdout.write(f"erased {subject.label}")
