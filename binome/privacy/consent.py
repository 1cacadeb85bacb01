"""The consent register: receivers of the signals that programs and pairs send
when a person gives or withdraws a consent (binome/programs/signals.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from binome.programs.models import Enrolment

from .models import ConsentRecord


def record_consent(
    *, enrolment: Enrolment, kind: str, version: str, at: Any = None
) -> ConsentRecord:
    """Open a consent record; an open one of the same kind is closed first (a
    consent given again, e.g. to a newer notice, replaces the older one)."""
    now = at or timezone.now()
    withdraw_consent(enrolment=enrolment, kind=kind, at=now)
    return ConsentRecord.objects.create(
        person_id=enrolment.person_id,
        enrolment=enrolment,
        kind=kind,
        notice_version=version[:20],
        given_at=now,
    )


def withdraw_consent(*, enrolment: Enrolment, kind: str, at: Any = None) -> int:
    return (
        ConsentRecord.objects.current()
        .filter(enrolment=enrolment, kind=kind)
        .update(withdrawn_at=at or timezone.now())
    )


def on_consent_given(
    sender: Any,
    *,
    enrolment: Enrolment,
    kind: str,
    version: str,
    at: Any = None,
    **kwargs: Any,
) -> None:
    record_consent(enrolment=enrolment, kind=kind, version=version, at=at)


def on_consent_withdrawn(
    sender: Any, *, enrolment: Enrolment, kind: str, at: Any = None, **kwargs: Any
) -> None:
    withdraw_consent(enrolment=enrolment, kind=kind, at=at)
