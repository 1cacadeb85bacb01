"""The person whose data is exported or erased, and small helpers shared by
the registry's handlers."""

from __future__ import annotations

import datetime
import re
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.functional import Promise

from binome.accounts.models import User
from binome.pairs.models import Pair
from binome.people.models import Person
from binome.programs.models import Enrolment

# What replaces an erased person's identifiers inside texts that are kept
# because they belong to someone else (the partner's notes, the admin log).
REDACTED = "[effacé]"
# The name an erased person keeps in the tables that counts still need.
ERASED_FIRST_NAME = "Personne"
ERASED_LAST_NAME = "effacée"
ERASED_EMAIL_DOMAIN = "erased.invalid"


@dataclass
class Subject:
    """A person: an account, an HR profile, or both."""

    user: User | None
    person: Person | None
    # Identifiers read before any change, so that an erasure can still find
    # and redact them after the profile was pseudonymised.
    identifiers: list[str] = field(default_factory=list)
    emails: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        if self.person is None and self.user is not None:
            self.person = Person.objects.filter(user=self.user).first()
        if self.user is None and self.person is not None:
            self.user = self.person.user
        if not self.identifiers:
            self.identifiers = identifiers_of(self.user, self.person)
        if not self.emails:
            found = {
                self.user.email if self.user else "",
                self.person.email if self.person else "",
            }
            self.emails = {e.lower() for e in found if e and not is_erased_email(e)}

    @property
    def strong_identifiers(self) -> list[str]:
        """Full names, email addresses and the employee id: specific enough to
        search data that are not the person's own (other people's emails, error
        messages). A first or last name alone would hit namesakes there."""
        employee_id = (self.person.employee_id or "").strip() if self.person else ""
        return [
            i
            for i in self.identifiers
            if " " in i or "@" in i or (employee_id and i == employee_id)
        ]

    @classmethod
    def for_user(cls, user: User) -> Subject:
        return cls(user=user, person=None)

    @classmethod
    def for_person(cls, person: Person) -> Subject:
        """A person of the HR file, with an account or not."""
        return cls(user=None, person=person)

    @property
    def label(self) -> str:
        """How the audit log names the person: an id, never a name."""
        if self.user is not None:
            return f"user:{self.user.pk}"
        assert self.person is not None
        return f"person:{self.person.pk}"

    @property
    def labels(self) -> list[str]:
        """Every label the audit log may have used for the person: an event
        about the HR profile may predate the account."""
        found = []
        if self.user is not None:
            found.append(f"user:{self.user.pk}")
        if self.person is not None:
            found.append(f"person:{self.person.pk}")
        return found

    @cached_property
    def enrolments(self) -> list[Enrolment]:
        if self.person is None:
            return []
        return list(
            Enrolment.objects.filter(person=self.person).select_related("programme")
        )

    @cached_property
    def enrolment_ids(self) -> set[int]:
        return {e.pk for e in self.enrolments}

    @cached_property
    def pairs(self) -> list[Pair]:
        ids = self.enrolment_ids
        return list(
            Pair.objects.filter(Q(mentor__in=ids) | Q(mentee__in=ids)).select_related(
                "mentor__person", "mentee__person", "mentee__programme"
            )
        )

    def side(self, pair: Pair) -> str:
        """« mentor » or « mentee »: this person's side of a pair."""
        return "mentor" if pair.mentor_id in self.enrolment_ids else "mentee"

    def partner(self, pair: Pair) -> Enrolment:
        return pair.mentee if self.side(pair) == "mentor" else pair.mentor

    def user_q(self, field_name: str) -> Q:
        """Rows whose ``field_name`` is this account (none without an account)."""
        if self.user is None:
            return Q(pk__in=[])
        return Q(**{field_name: self.user})


def is_erased_email(email: str) -> bool:
    return email.lower().endswith("@" + ERASED_EMAIL_DOMAIN)


def erased_email() -> str:
    return f"{uuid.uuid4().hex[:12]}@{ERASED_EMAIL_DOMAIN}"


def identifiers_of(user: User | None, person: Person | None) -> list[str]:
    """The strings that identify the person, longest first."""
    found: set[str] = set()
    for who in (user, person):
        if who is None:
            continue
        first, last = who.first_name.strip(), who.last_name.strip()
        if first == ERASED_FIRST_NAME and last == ERASED_LAST_NAME:
            continue
        found |= {first, last, f"{first} {last}", f"{last} {first}"}
        email = (who.email or "").strip()
        if email and not is_erased_email(email):
            found.add(email)
    if person is not None and person.employee_id:
        found.add(person.employee_id.strip())
    return sorted((s for s in found if len(s.strip()) >= 2), key=len, reverse=True)


def redact(text: str, identifiers: list[str]) -> str:
    """The text with each identifier (a whole word, any case) replaced."""
    if not text or not identifiers:
        return text
    pattern = "|".join(re.escape(s) for s in identifiers)
    return re.sub(rf"(?<!\w)(?:{pattern})(?!\w)", REDACTED, text, flags=re.IGNORECASE)


def redact_json(value: Any, identifiers: list[str]) -> Any:
    if isinstance(value, str):
        return redact(value, identifiers)
    if isinstance(value, list):
        return [redact_json(v, identifiers) for v in value]
    if isinstance(value, dict):
        return {k: redact_json(v, identifiers) for k, v in value.items()}
    return value


def mentions(text: str, identifiers: list[str]) -> bool:
    return bool(text) and redact(text, identifiers) != text


def plain(value: Any) -> Any:
    """A JSON-ready value."""
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID | Promise):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return None
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return value


def row(obj: models.Model, *names: str, **extra: Any) -> dict[str, Any]:
    """Chosen fields of an object, JSON-ready; a field with choices also
    gives its label (``<name>_display``); a relation gives its id."""
    out: dict[str, Any] = {}
    for name in names:
        model_field = obj._meta.get_field(name)
        if model_field.is_relation:
            out[name] = getattr(obj, model_field.attname)  # type: ignore[union-attr]
            continue
        value = getattr(obj, name)
        out[name] = plain(value)
        if getattr(model_field, "choices", None) and value not in (None, ""):
            out[f"{name}_display"] = str(getattr(obj, f"get_{name}_display")())
    out.update({k: plain(v) for k, v in extra.items()})
    return out
