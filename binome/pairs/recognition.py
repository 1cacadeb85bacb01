"""Recognition of the mentors' work (#18).

« Votre contribution »: the sessions a mentor held (status « held » only),
their hours (the actual length when logged, else the planned one, as on the
certificate), their pairs and since when. The mentor always sees it; their
line manager (``Person.manager``) sees it only when the mentor agreed, in the
closing survey (``ContributionShare``, consent register kind
« contribution_share »), and only once the programme is closed. Withdrawing
the consent deletes the share: the line manager sees nothing any more.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts.notifications import absolute_url, notify
from binome.people.models import Person
from binome.programs.models import ConsentRecord, Enrolment, Programme
from binome.programs.services import set_consented_row

from .models import ContributionShare, Meeting, Pair

logger = logging.getLogger(__name__)

# The version of the sharing text of the closing survey: bump it when the
# text changes; the consent register keeps the version read.
SHARE_NOTICE_VERSION = "2026-12"


@dataclass(frozen=True)
class Contribution:
    sessions: int
    minutes: int
    pairs: int
    since: datetime.date | None

    @property
    def hours(self) -> Decimal:
        """Hours, to the tenth (90 minutes → 1.5)."""
        return (Decimal(self.minutes) / 60).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def is_empty(self) -> bool:
        return self.pairs == 0


def _contribution(mentor_pairs: Q) -> Contribution:
    pairs = Pair.objects.filter(mentor_pairs).aggregate(
        n=Count("pk"), since=Min("started_on")
    )
    held = Meeting.objects.filter(
        pair__in=Pair.objects.filter(mentor_pairs), status=Meeting.Status.HELD
    ).aggregate(
        n=Count("pk"), minutes=Sum(Coalesce("held_minutes", "duration_minutes"))
    )
    return Contribution(
        sessions=held["n"],
        minutes=held["minutes"] or 0,
        pairs=pairs["n"],
        since=pairs["since"],
    )


def for_person(person: Person) -> Contribution:
    """Everything the person did as a mentor, in every programme."""
    return _contribution(Q(mentor__person=person, mentor__role=Enrolment.Role.MENTOR))


def for_user(user: Any) -> Contribution | None:
    """The user's own contribution as a mentor, None if they never mentored."""
    if not user.is_authenticated:
        return None
    person = Person.objects.filter(user=user).first()
    if person is None:
        return None
    contribution = for_person(person)
    return None if contribution.is_empty else contribution


def for_enrolment(enrolment: Enrolment) -> Contribution:
    """What the mentor did in one programme (what a share shows)."""
    return _contribution(Q(mentor=enrolment))


def line_manager_user(enrolment: Enrolment) -> Any:
    manager = enrolment.person.manager
    if manager is None or manager.user is None or not manager.user.is_active:
        return None
    return manager.user


def is_shared(enrolment: Enrolment) -> bool:
    return ContributionShare.objects.filter(enrolment=enrolment).exists()


@transaction.atomic
def set_share(*, enrolment: Enrolment, shared: bool) -> None:
    """Only the mentor's own, explicit choice creates the share; withdrawing
    deletes it. Either way the consent register is updated. Given after the
    programme is closed, the line manager is told right away."""
    if enrolment.role != Enrolment.Role.MENTOR:
        raise ValidationError(_("Only mentors share their contribution."))
    share, created = set_consented_row(
        ContributionShare,
        enrolment=enrolment,
        on=shared,
        kind=ConsentRecord.Kind.CONTRIBUTION_SHARE,
        version=SHARE_NOTICE_VERSION,
        at_field="consented_at",
    )
    if created and enrolment.programme.status == Programme.Status.CLOSED:
        assert share is not None
        pk = share.pk
        transaction.on_commit(lambda: tell_line_manager(pk))


def tell_line_manager(share_pk: int) -> int:
    """E-mail the line manager once that a report shared their contribution
    (a link to the page; the figures are in the application). Returns 1 if
    an e-mail went out."""
    with transaction.atomic():
        share = (
            ContributionShare.objects.select_for_update(of=("self",))
            .select_related("enrolment__person__manager__user", "enrolment__programme")
            .filter(pk=share_pk, sent_at__isnull=True)
            .first()
        )
        if share is None:
            return 0
        manager = line_manager_user(share.enrolment)
        if manager is None:
            return 0
        share.sent_at = timezone.now()
        share.save(update_fields=["sent_at"])
        person = share.enrolment.person
        notify(
            "contribution_shared",
            [manager],
            {
                "name": manager.first_name,
                "report": person.full_name,
                "programme": share.enrolment.programme.name,
                "url": absolute_url(reverse("pairs:team_contributions")),
            },
        )
    return 1


def tell_line_managers(programme: Programme) -> int:
    """At the closing: each consenting mentor's line manager, once."""
    return sum(
        tell_line_manager(pk)
        for pk in ContributionShare.objects.filter(
            enrolment__programme=programme, sent_at__isnull=True
        ).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class SharedContribution:
    person: Person
    programme: Programme
    contribution: Contribution
    consented_at: datetime.datetime


def _shares_for(user: Any) -> QuerySet[ContributionShare]:
    return ContributionShare.objects.filter(
        enrolment__person__manager__user=user,
        enrolment__programme__status=Programme.Status.CLOSED,
    )


def shared_count(user: Any) -> int:
    """How many contributions the user's reports shared with them."""
    if not user.is_authenticated:
        return 0
    return _shares_for(user).count()


def shared_with(user: Any) -> list[SharedContribution]:
    """The contributions the user's reports shared with them, for closed
    programmes only (« at the closing »)."""
    if not user.is_authenticated:
        return []
    shares = (
        _shares_for(user)
        .select_related("enrolment__person", "enrolment__programme")
        .order_by("enrolment__person__last_name", "enrolment__person__first_name")
    )
    return [
        SharedContribution(
            person=s.enrolment.person,
            programme=s.enrolment.programme,
            contribution=for_enrolment(s.enrolment),
            consented_at=s.consented_at,
        )
        for s in shares
    ]
