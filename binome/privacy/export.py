"""A person's data, from every table of the registry (GDPR art. 15 and 20)."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.accounts import audit
from binome.accounts.models import AuditEvent

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

    def readable(self) -> list[list[tuple[str, Any]]]:
        """The rows as (label, value) pairs; a choice shows its label only."""
        out = []
        for data in self.rows:
            items = []
            for key, value in data.items():
                if f"{key}_display" in data:
                    continue
                name = key.removesuffix("_display")
                items.append((self.label(name), value))
            out.append(items)
        return out


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
