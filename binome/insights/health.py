"""Programme health for its managers: the enrolment funnel, pairs by status,
and the pairs at risk with the reason. The pairs at risk are defined once,
in ``binome.pairs.health`` (re-exported here under the same names)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
)
from django.utils.translation import gettext_lazy as _

from binome.pairs.health import (
    NEGATIVE_RATING,
    RISKS,
    PairHealth,
    pair_health,
    risk_counts,
    worst_pairs,
)
from binome.pairs.models import Pair
from binome.people.models import Person
from binome.programs.models import Enrolment, Programme, SkillWish
from binome.skills.models import Assessment

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "NEGATIVE_RATING",
    "RISKS",
    "FunnelStep",
    "PairHealth",
    "funnel",
    "pair_health",
    "pairs_by_status",
    "risk_counts",
    "worst_pairs",
]


@dataclass
class FunnelStep:
    key: str
    label: str
    mentors: int
    mentees: int

    @property
    def total(self) -> int:
        return self.mentors + self.mentees


@dataclass
class _FunnelRow:
    role: str
    status: str
    person_id: int
    department_id: int | None
    site_id: int | None
    has_languages: bool
    has_availability: bool
    accepts_remote: bool
    accepts_onsite: bool
    wishes: bool
    pairs_mentor: bool
    pairs_mentee: bool

    @property
    def is_profile_complete(self) -> bool:
        """``Person.is_profile_complete`` on the row's values."""
        return not Person.profile_gaps(
            department_id=self.department_id,
            site_id=self.site_id,
            languages=self.has_languages,
            availability=self.has_availability,
            accepts_remote=self.accepts_remote,
            accepts_onsite=self.accepts_onsite,
        )


def funnel(programme: Programme) -> list[FunnelStep]:
    """Invited → enrolled → profile complete → cast → matched, per role."""
    # Plain rows, not model instances: 10,000 enrolments with their person
    # took half a second to build as objects.
    enrolments = [
        _FunnelRow(*row)
        for row in programme.enrolments.order_by()
        .annotate(
            # EXISTS, not COUNT(DISTINCT) over three joins (their product of
            # rows); the lists' emptiness is told by the database, so that no
            # JSON is decoded here (a third of the page at 10,000 people).
            wishes=Exists(SkillWish.objects.filter(enrolment=OuterRef("pk"))),
            pairs_mentor=Exists(Pair.objects.filter(mentor=OuterRef("pk"))),
            pairs_mentee=Exists(Pair.objects.filter(mentee=OuterRef("pk"))),
            has_languages=ExpressionWrapper(
                ~Q(person__languages=[]), output_field=BooleanField()
            ),
            has_availability=ExpressionWrapper(
                ~Q(person__availability=[]), output_field=BooleanField()
            ),
        )
        .values_list(
            "role",
            "status",
            "person_id",
            "person__department_id",
            "person__site_id",
            "has_languages",
            "has_availability",
            "person__accepts_remote",
            "person__accepts_onsite",
            "wishes",
            "pairs_mentor",
            "pairs_mentee",
        )
    ]
    assessed = set(
        Assessment.objects.filter(
            person__enrolments__programme=programme, assessor__isnull=True
        ).values_list("person_id", flat=True)
    )
    enrolled = {Enrolment.Status.VOLUNTEERED, Enrolment.Status.ACCEPTED}
    steps: list[tuple[str, StrOrPromise, Callable[[Any], bool]]] = [
        ("invited", _("Invited or volunteered"), lambda e: True),
        ("enrolled", _("Enrolled (consent given)"), lambda e: e.status in enrolled),
        (
            "complete",
            _("Profile complete"),
            lambda e: (
                e.status in enrolled
                and e.is_profile_complete
                and e.person_id in assessed
                and e.wishes
            ),
        ),
        ("cast", _("Accepted (cast)"), lambda e: e.status == Enrolment.Status.ACCEPTED),
        ("matched", _("Matched"), lambda e: e.pairs_mentor or e.pairs_mentee),
    ]
    out = []
    for key, label, keep in steps:
        chosen = [e for e in enrolments if keep(e)]
        out.append(
            FunnelStep(
                key,
                str(label),
                sum(e.role == Enrolment.Role.MENTOR for e in chosen),
                sum(e.role == Enrolment.Role.MENTEE for e in chosen),
            )
        )
    return out


def pairs_by_status(programme: Programme) -> dict[StrOrPromise, int]:
    counts = dict(
        Pair.objects.in_programme(programme)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status.label: counts.get(status.value, 0) for status in Pair.Status}
