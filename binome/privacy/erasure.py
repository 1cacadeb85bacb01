"""Erasure of a person's data (GDPR art. 17), by the person or an administrator.

What the aggregates of binome/insights count stays, attached to rows that no
longer name anyone; everything else about the person is deleted or emptied,
and their identifiers are redacted in what other people keep (see
registry.py for each table). The account is deactivated and its sessions end.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from binome.accounts import audit
from binome.accounts.models import AuditEvent
from binome.programs import services as programme_services
from binome.programs.models import ConsentRecord, Enrolment, Programme

from .registry import erase_order
from .subject import Subject


def live_enrolments(subject: Subject) -> list[Enrolment]:
    """Participations still under way: they end before the data go.

    An invitation never answered is not one: there is no consent to withdraw,
    and the database keeps an enrolment without consent « invited » (a
    person of the HR file without an account typically has only these). It
    stays, pseudonymised, for the invitation counts."""
    return [
        e
        for e in subject.enrolments
        if e.programme.status != Programme.Status.CLOSED
        and e.status
        not in (
            Enrolment.Status.INVITED,
            Enrolment.Status.WITHDRAWN,
            Enrolment.Status.DECLINED,
        )
    ]


def end_participation(subject: Subject) -> int:
    """Withdraw from the programmes still under way, as the person could do
    themselves (an active pair is closed; the partner keeps their data)."""
    enrolments = live_enrolments(subject)
    for enrolment in enrolments:
        programme_services.withdraw(enrolment=enrolment, erase=False, tell_person=False)
    return len(enrolments)


@transaction.atomic
def erase_person(
    subject: Subject, *, by: Any = None, request: Any = None
) -> dict[str, int]:
    """Erase everything about the person; returns the count per table.

    All or nothing: one transaction. The audit log gets one « erasure »
    event, with ids and counts only.
    """
    withdrawn = end_participation(subject)
    if subject.person is not None:
        ConsentRecord.objects.current().filter(person=subject.person).update(
            withdrawn_at=timezone.now()
        )
    counts: dict[str, int] = {}
    for entry in erase_order():
        assert entry.erase is not None
        counts[entry.label] = entry.erase(subject)
    actor = by if by is not None and getattr(by, "pk", None) else None
    by_self = bool(
        actor is not None and subject.user is not None and actor.pk == subject.user.pk
    )
    audit.record(
        AuditEvent.Action.ERASURE,
        actor=actor,
        target=subject.label,
        # No IP address of the erased person stays behind; an administrator's does.
        request=None if by_self else request,
        by_self=by_self,
        withdrawn=withdrawn,
        tables={k: v for k, v in counts.items() if v},
    )
    return counts
