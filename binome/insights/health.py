"""Programme health for its managers: the enrolment funnel, pairs by status,
and the pairs at risk with the reason. Activity only, never content: a
negative feedback is a flag, its text stays with its author."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.pairs.models import Feedback, Meeting, Pair
from binome.pairs.services import INACTIVITY_DAYS
from binome.programs.models import Enrolment, Programme
from binome.skills.models import Assessment

NEGATIVE_RATING = 2  # a session rated 1 or 2 out of 5
RISKS = {
    "inactive": _("No session held for %(days)s days") % {"days": INACTIVITY_DAYS},
    "cadence": _("Fewer sessions than the cadence plans"),
    "feedback": _("A recent session was rated poorly or not useful"),
    "charter": _("The charter is not accepted yet"),
}


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
class PairHealth:
    pair: Pair
    held: int
    expected: int
    last_held: datetime.date | None
    risks: list[str] = field(default_factory=list)


def funnel(programme: Programme) -> list[FunnelStep]:
    """Invited → enrolled → profile complete → cast → matched, per role."""
    enrolments = list(
        programme.enrolments.select_related("person").annotate(
            wishes=Count("skill_wishes", distinct=True),
            pairs_mentor=Count("pairs_as_mentor", distinct=True),
            pairs_mentee=Count("pairs_as_mentee", distinct=True),
        )
    )
    assessed = set(
        Assessment.objects.filter(
            person__enrolments__programme=programme, assessor__isnull=True
        ).values_list("person_id", flat=True)
    )
    enrolled = {Enrolment.Status.VOLUNTEERED, Enrolment.Status.ACCEPTED}
    steps = [
        ("invited", _("Invited or volunteered"), lambda e: True),
        ("enrolled", _("Enrolled (consent given)"), lambda e: e.status in enrolled),
        (
            "complete",
            _("Profile complete"),
            lambda e: (
                e.status in enrolled
                and e.person.is_profile_complete
                and e.person_id in assessed
                and e.wishes > 0
            ),
        ),
        ("cast", _("Accepted (cast)"), lambda e: e.status == Enrolment.Status.ACCEPTED),
        ("matched", _("Matched"), lambda e: e.pairs_mentor + e.pairs_mentee > 0),
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


def pairs_by_status(programme: Programme) -> dict[str, int]:
    counts = dict(
        Pair.objects.in_programme(programme)
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {status.label: counts.get(status.value, 0) for status in Pair.Status}


def pair_health(
    programme: Programme, today: datetime.date | None = None
) -> list[PairHealth]:
    """Every active pair with the risks that apply, worst first. Aggregate
    queries: one for the sessions, one for poor feedback."""
    today = today or timezone.localdate()
    now = timezone.now()
    pairs = (
        Pair.objects.in_programme(programme)
        .active()
        .select_related("mentor__person", "mentee__person", "charter")
        .annotate(
            held=Count("meetings", filter=Q(meetings__status=Meeting.Status.HELD)),
            last_held=Max(
                "meetings__starts_at", filter=Q(meetings__status=Meeting.Status.HELD)
            ),
            first_meeting=Min("meetings__starts_at"),
        )
    )
    recent = now - datetime.timedelta(days=2 * programme.cadence_days)
    poor = set(
        Feedback.objects.filter(
            # The programme, not the annotated queryset: a grouped subquery
            # here costs seconds at 5,000 pairs.
            meeting__pair__mentee__programme=programme,
            meeting__pair__status=Pair.Status.ACTIVE,
            meeting__starts_at__gte=recent,
        )
        .filter(Q(rating__lte=NEGATIVE_RATING) | Q(useful=False))
        .values_list("meeting__pair_id", flat=True)
    )
    out = []
    for pair in pairs:
        last = timezone.localdate(pair.last_held) if pair.last_held else None
        since = last or pair.started_on
        elapsed = (today - pair.started_on).days
        # Sessions the cadence plans by today; one missed session is tolerated.
        expected = max(0, elapsed // programme.cadence_days)
        health = PairHealth(pair, pair.held, expected, last)
        if (today - since).days >= INACTIVITY_DAYS:
            health.risks.append("inactive")
        if expected >= 2 and pair.held < expected - 1:
            health.risks.append("cadence")
        if pair.pk in poor:
            health.risks.append("feedback")
        charter = getattr(pair, "charter", None)
        if elapsed > programme.cadence_days and not (charter and charter.is_accepted):
            health.risks.append("charter")
        out.append(health)
    out.sort(key=lambda h: (-len(h.risks), h.pair.mentee.person.last_name))
    return out
