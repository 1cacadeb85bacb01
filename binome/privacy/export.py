"""A person's data, from every table of the registry (GDPR art. 15 and 20)."""

from __future__ import annotations

import contextlib
import datetime
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Field, Model
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from binome.accounts import audit
from binome.accounts.models import AuditEvent
from binome.people.models import LANGUAGE_CHOICES, SLOT_CODES, slot_label
from binome.programs.models import Enrolment
from binome.skills.models import Skill

from .registry import _model, installed_entries
from .subject import Subject

FORMAT = "binome-personal-data/1"


@dataclass
class Section:
    key: str
    title: str
    model: type[Model] | None
    rows: list[dict[str, Any]]

    def label(self, key: str) -> str:
        """The field's name as the interface says it, for the readable page."""
        if key in LABELS:
            return str(LABELS[key])
        if self.model is not None:
            with contextlib.suppress(FieldDoesNotExist):
                field = self.model._meta.get_field(key)
                if isinstance(field, Field):  # not a reverse relation
                    return str(field.verbose_name)
        return key.replace("_", " ")

    def field(self, key: str) -> Field[Any, Any] | None:
        if self.model is None:
            return None
        with contextlib.suppress(FieldDoesNotExist):
            field = self.model._meta.get_field(key)
            if isinstance(field, Field):
                return field
        return None

    def readable(self) -> list[list[tuple[str, Readable]]]:
        """The rows as (label, value) pairs, for people rather than programs:
        a choice shows its label only, dates are local and in the reader's
        format, codes become names, lists and mappings are spelt out."""
        skills = _skill_names()
        out = []
        for data in self.rows:
            items = []
            for key, value in data.items():
                if f"{key}_display" in data:
                    continue
                name = key.removesuffix("_display")
                shown = (
                    str(value)
                    if key != name
                    else readable(
                        value, key=name, field=self.field(name), skills=skills
                    )
                )
                items.append((self.label(name), shown))
            out.append(items)
        return out


# A value of the readable copy: text, a list, or labelled values.
type Readable = str | list[Readable] | list[tuple[str, Readable]]

NOTHING = "—"
# Keys whose number refers to another record of the copy.
REFERENCES = {"id", "pair", "enrolment", "session", "charter", "step", "assistant"}
ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?$"
)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _skill_names() -> dict[str, str]:
    """Skill codes to their names, in the active language."""
    return {s.code: s.name for s in Skill.objects.only("code", "name_fr", "name_en")}


def _reference(number: Any) -> str:
    return pgettext("reference to another record of the copy", "no. %(number)s") % {
        "number": number
    }


def _number(value: Decimal | int | float) -> str:
    if isinstance(value, Decimal) and value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    elif isinstance(value, Decimal):
        value = value.normalize()
    return str(formats.localize(value, use_l10n=True))


def _moment(value: str, field: Field[Any, Any] | None) -> str | None:
    """An ISO date or date and time, in the local time zone and the reader's
    format; None when the value is not one."""
    as_datetime = isinstance(field, models.DateTimeField)
    as_date = isinstance(field, models.DateField) and not as_datetime
    try:
        if as_datetime or ISO_DATETIME.match(value):
            moment = datetime.datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return formats.date_format(moment, "DATETIME_FORMAT")
        if as_date or ISO_DATE.match(value):
            return formats.date_format(
                datetime.date.fromisoformat(value), "DATE_FORMAT"
            )
    except ValueError:
        return None
    return None


def readable(
    value: Any,
    *,
    key: str = "",
    field: Field[Any, Any] | None = None,
    skills: dict[str, str] | None = None,
) -> Readable:
    """One value of the export as a person reads it (see Section.readable)."""
    skills = skills if skills is not None else {}
    if value is None or value == "" or value == [] or value == {}:
        return NOTHING
    if value is True:
        return gettext("yes")
    if value is False:
        return gettext("no")
    if key == "languages" and isinstance(value, list):
        names = {code: str(name) for code, name in LANGUAGE_CHOICES}
        shown: list[Readable] = [names.get(str(code), str(code)) for code in value]
        return shown
    if key == "availability" and isinstance(value, list):
        slots: list[Readable] = [
            slot_label(c) if c in SLOT_CODES else str(c) for c in value
        ]
        return slots
    if key == "levels" and isinstance(value, dict):
        levels: list[tuple[str, Readable]] = [
            (skills.get(str(code), str(code)), readable(level))
            for code, level in value.items()
        ]
        return levels
    if key == "skill" and isinstance(value, str):
        return skills.get(value, value)
    if key == "role" and value in Enrolment.Role.values:
        return str(Enrolment.Role(value).label)
    if isinstance(value, list):
        return [readable(item, key=key, skills=skills) for item in value]
    if isinstance(value, dict):
        return [
            (str(LABELS.get(k, k.replace("_", " "))), readable(v, key=k, skills=skills))
            for k, v in value.items()
        ]
    if isinstance(value, int) and (
        key in REFERENCES or (field is not None and field.is_relation)
    ):
        return _reference(value)
    if isinstance(field, models.DecimalField):
        with contextlib.suppress(InvalidOperation, TypeError):
            return _number(Decimal(str(value)))
    if isinstance(value, int | float | Decimal):
        return _number(value)
    text = str(value)
    return _moment(text, field) or text


# Labels of the values that are not a field of the table.
LABELS: dict[str, Any] = {
    "programme": _("programme"),
    "organisation": _("organisation"),
    "department": _("department"),
    "site": _("site"),
    "line_manager": _("line manager"),
    "groups": _("groups"),
    "manages": _("programmes you manage"),
    "casting_panels": _("casting panels"),
    "sponsors": _("programmes you sponsor"),
    "administers": _("organisations you administer"),
    "format": _("format"),
    "kind": _("kind"),
    "by_self": _("done by you"),
    "self_assessment": _("self-assessment"),
    "levels": _("levels (skill: level)"),
    "role": _("role"),
    "partner": _("partner"),
    "my_verdict": _("your verdict"),
    "proposals": _("proposals"),
    "unmatched": _("not matched"),
    "what_i_learned": _("what you learned"),
    "skill": _("skill"),
    "enrolment": _("enrolment"),
    "pair": _("pair"),
    "session": _("session"),
    "resource": _("resource"),
    "step": _("step"),
    "assistant": _("assistant"),
    "task": _("task"),
    "status": _("status"),
    "enqueued_at": _("queued at"),
    "expire_date": _("expires on"),
    "charter": _("charter"),
}


def sections(subject: Subject) -> list[Section]:
    return [
        Section(entry.label, str(title), _model(entry.label), entry.export(subject))
        for entry, title in installed_entries()
        if entry.export is not None
    ]


def export_data(subject: Subject) -> dict[str, Any]:
    """Everything about the person, as plain JSON values."""
    return {
        "format": FORMAT,
        "generated_at": timezone.now().isoformat(),
        "subject": subject.label,
        "dpo_contact": settings.PRIVACY_DPO_CONTACT,
        "sections": {s.key: s.rows for s in sections(subject)},
    }


def export_json(subject: Subject) -> str:
    return json.dumps(export_data(subject), ensure_ascii=False, indent=2)


def record_export(subject: Subject, *, request: Any, fmt: str) -> None:
    """Every export goes to the audit log: who exported whose data, how."""
    audit.record(
        AuditEvent.Action.EXPORT,
        request=request,
        target=subject.label,
        format=fmt,
        kind="personal_data",
    )
