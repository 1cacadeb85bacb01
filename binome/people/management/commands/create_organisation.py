"""Start a real company on an empty install: its organisation and its first
HR administrator, who receives an activation e-mail. No demo data."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from binome.accounts import audit
from binome.accounts.models import AuditEvent
from binome.people import access
from binome.people.models import Organisation, Person


class Command(BaseCommand):
    help = (
        "Create an organisation (or reuse it, by its short name) and make a person "
        "its HR administrator; they get an e-mail to activate their account."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="The organisation's name, e.g. « Acme SA ».")
        parser.add_argument("--slug", help="Short name (default: from the name).")
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-first-name", required=True)
        parser.add_argument("--admin-last-name", required=True)
        parser.add_argument(
            "--print-link",
            action="store_true",
            help="Also print the activation link (when no mail server is set up yet).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would happen; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"].strip()
        slug = (options["slug"] or slugify(name))[:60]
        email = options["admin_email"].strip().lower()
        first, last = (
            options["admin_first_name"].strip(),
            options["admin_last_name"].strip(),
        )
        if not name or not slug:
            raise CommandError("The organisation needs a name.")
        if not first or not last:
            raise CommandError("The administrator needs a first and a last name.")
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"« {email} » is not an e-mail address.") from None
        organisation = Organisation.objects.filter(slug=slug).first()
        if options["dry_run"]:
            verb = "would use" if organisation else "would create"
            self.stdout.write(f"{verb} organisation {slug}; administrator {email}")
            return
        try:
            with transaction.atomic():
                person = self._create(organisation, name, slug, email, first, last)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        # The account was made on a fresh copy of the record (locked row).
        person = Person.objects.select_related("user", "organisation").get(pk=person.pk)
        organisation = person.organisation
        self.stdout.write(f"organisation\t{organisation.slug}\t{organisation.name}")
        self.stdout.write(f"administrator\t{email}")
        if access.needs_activation(person):
            self.stdout.write(f"activation e-mail sent to {email}")
            if options["print_link"]:
                self.stdout.write(access.activation_url(person))
        else:
            self.stdout.write("their account is already active: they can log in")

    def _create(
        self,
        organisation: Organisation | None,
        name: str,
        slug: str,
        email: str,
        first: str,
        last: str,
    ) -> Person:
        if organisation is None:
            organisation = Organisation(name=name[:200], slug=slug)
            organisation.full_clean()
            organisation.save()
        person = Person.objects.filter(
            organisation=organisation, email__iexact=email
        ).first()
        if person is None:
            person = Person(
                organisation=organisation,
                email=email,
                first_name=first[:150],
                last_name=last[:150],
                level=Person.Level.MANAGER,
            )
            person.full_clean()
            person.save()
        user = access.account_for_role(person, by=None, role="administrator")
        organisation.administrators.add(user)
        audit.record(
            AuditEvent.Action.ROLE_CHANGE,
            target=f"organisation:{organisation.slug}",
            role="administrator",
            user=user.pk,
            source="command",
        )
        return person
