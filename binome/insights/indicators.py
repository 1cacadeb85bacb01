"""The programme dashboard's indicators, computed with aggregate queries.

Every figure goes through ``privacy``: groups under 5 are hidden, and so is
any value that the published totals would give away. Nothing here reads
the content of notes, agendas, comments or what people learned: only
statuses, dates, levels, ratings and yes/no answers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    StdDev,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binome.pairs.models import ClosingSurvey, Feedback, Kpi, Meeting, Pair
from binome.people.models import Department, Person
from binome.programs.models import Enrolment, Programme, SkillWish
from binome.skills.models import Assessment, AssessmentItem, Skill, SkillArea

from . import privacy
from .privacy import Figure, Table

FORTNIGHT = 14
MAX_PERIODS = 60
ROLES = [
    (Enrolment.Role.MENTOR.value, Enrolment.Role.MENTOR.label),
    (Enrolment.Role.MENTEE.value, Enrolment.Role.MENTEE.label),
]
# Who learns what: mentees learn digital skills, mentors leadership skills.
DIRECTIONS = {
    "mentee": (SkillArea.Kind.DIGITAL, "mentee"),
    "mentor": (SkillArea.Kind.LEADERSHIP, "mentor"),
}
DIRECTION_LABELS = {
    "mentee": gettext_lazy("Digital skills of the mentees"),
    "mentor": gettext_lazy("Leadership skills of the mentors"),
}
FUNNEL_STEPS = [
    ("invited", gettext_lazy("Invited or volunteered")),
    ("enrolled", gettext_lazy("Enrolled (consent given)")),
    ("complete", gettext_lazy("Profile complete")),
    ("cast", gettext_lazy("Accepted (cast)")),
    ("matched", gettext_lazy("Matched")),
]
CADENCE_STATUSES = [
    (Meeting.Status.HELD.value, Meeting.Status.HELD.label),
    (Meeting.Status.PLANNED.value, Meeting.Status.PLANNED.label),
    (Meeting.Status.MISSED.value, Meeting.Status.MISSED.label),
]


# --- Periods -----------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    index: int
    start: datetime.date
    end: datetime.date  # exclusive

    @property
    def label(self) -> str:
        return str(formats.date_format(self.start, "SHORT_DATE_FORMAT"))


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def programme_pairs(programme: Programme) -> QuerySet[Pair]:
    return Pair.objects.in_programme(programme)


def fortnights(programme: Programme, today: datetime.date) -> list[Period]:
    """Fortnights from the programme's start (or its first pair) to its end
    (or today, when it has no end date)."""
    start = programme.start_date
    if start is None:
        first = programme_pairs(programme).order_by("started_on").first()
        start = first.started_on if first else today
    end = programme.end_date or max(today, start)
    periods = []
    day = start
    while day <= end and len(periods) < MAX_PERIODS:
        periods.append(
            Period(len(periods), day, day + datetime.timedelta(days=FORTNIGHT))
        )
        day += datetime.timedelta(days=FORTNIGHT)
    return periods


def _period_case(periods: list[Period], field_name: str) -> Case:
    return Case(
        *[
            When(
                **{
                    f"{field_name}__gte": _aware(p.start),
                    f"{field_name}__lt": _aware(p.end),
                },
                then=Value(p.index),
            )
            for p in periods
        ],
        default=Value(-1),
        output_field=IntegerField(),
    )


# --- Participation -----------------------------------------------------------


def funnel(programme: Programme) -> Table:
    """The enrolment funnel per role, in one aggregate query. The same steps
    as ``health.funnel`` (which the manager's health page uses)."""
    enrolled = [Enrolment.Status.VOLUNTEERED, Enrolment.Status.ACCEPTED]
    assessed = Assessment.objects.filter(
        person=OuterRef("person"), assessor__isnull=True
    )
    wishes = SkillWish.objects.filter(enrolment=OuterRef("pk"))
    paired = Pair.objects.filter(Q(mentor=OuterRef("pk")) | Q(mentee=OuterRef("pk")))
    complete = (
        Q(status__in=enrolled)
        & Q(person__department__isnull=False)
        & Q(person__site__isnull=False)
        & ~Q(person__languages=[])
        & ~Q(person__availability=[])
        & (Q(person__accepts_remote=True) | Q(person__accepts_onsite=True))
        & Q(has_assessment=True)
        & Q(has_wishes=True)
    )
    rows = (
        programme.enrolments.annotate(
            has_assessment=Exists(assessed),
            has_wishes=Exists(wishes),
            has_pair=Exists(paired),
        )
        .values("role")
        .annotate(
            invited=Count("pk"),
            enrolled=Count("pk", filter=Q(status__in=enrolled)),
            complete=Count("pk", filter=complete),
            cast=Count("pk", filter=Q(status=Enrolment.Status.ACCEPTED)),
            matched=Count("pk", filter=Q(has_pair=True)),
        )
    )
    values = {
        (step, row["role"]): row[step] for row in rows for step, _l in FUNNEL_STEPS
    }
    return privacy.table(
        [(key, str(label)) for key, label in FUNNEL_STEPS],
        [(key, str(label)) for key, label in ROLES],
        values,
        col_totals=False,
    )


def active_pairs(
    programme: Programme, periods: list[Period], today: datetime.date
) -> list[tuple[Period, Figure]]:
    """Pairs active at the end of each fortnight so far: one query."""
    past = [p for p in periods if p.start <= today]
    if not past:
        return []
    days = {p.index: min(p.end - datetime.timedelta(days=1), today) for p in past}
    counts = programme_pairs(programme).aggregate(
        **{
            f"p{i}": Count(
                "pk",
                filter=Q(started_on__lte=day)
                & (Q(closed_on__isnull=True) | Q(closed_on__gt=day)),
            )
            for i, day in days.items()
        }
    )
    return [(p, privacy.count(counts[f"p{p.index}"])) for p in past]


# --- Cadence -----------------------------------------------------------------


def cadence(programme: Programme, periods: list[Period]) -> Table:
    """Sessions held, planned and missed per fortnight. A cell stands for the
    pairs behind it, so it is hidden when fewer than 5 pairs made it."""
    if not periods:
        return privacy.table([], [], {})
    rows = (
        Meeting.objects.filter(
            pair__mentee__programme=programme,
            starts_at__gte=_aware(periods[0].start),
            starts_at__lt=_aware(periods[-1].end),
            status__in=[s for s, _l in CADENCE_STATUSES],
        )
        .annotate(period=_period_case(periods, "starts_at"))
        .values("period", "status")
        .annotate(n=Count("pk"), pairs=Count("pair", distinct=True))
    )
    values: dict[tuple[Hashable, Hashable], int] = {}
    sizes: dict[tuple[Hashable, Hashable], int] = {}
    for row in rows:
        values[(row["period"], row["status"])] = row["n"]
        sizes[(row["period"], row["status"])] = row["pairs"]
    margins = (
        Meeting.objects.filter(
            pair__mentee__programme=programme,
            starts_at__gte=_aware(periods[0].start),
            starts_at__lt=_aware(periods[-1].end),
        )
        .values("status")
        .annotate(pairs=Count("pair", distinct=True))
    )
    margin_sizes: dict[Hashable, int] = {
        ("col", row["status"]): row["pairs"] for row in margins
    }
    margin_sizes["total"] = sum(margin_sizes.values())
    return privacy.table(
        [(p.index, p.label) for p in periods],
        [(key, str(label)) for key, label in CADENCE_STATUSES],
        values,
        sizes=sizes,
        row_totals=False,
        grand_total=False,
        margin_sizes=margin_sizes,
    )


def rhythm(programme: Programme, today: datetime.date) -> Figure:
    """The share of pairs that keep the rhythm: at most one session short of
    what the cadence plans since the pair started (the health page's rule).

    Pairs share a few start and end dates, so the expected number of sessions
    is computed per date, and the pairs are counted in one query."""
    cadence_days = programme.cadence_days
    stop = min(today, programme.end_date) if programme.end_date else today
    pairs = programme_pairs(programme).filter(started_on__lte=stop)
    # order_by(): the default ordering would defeat DISTINCT.
    spans = pairs.order_by().values_list("started_on", "closed_on").distinct()
    keeping = Q(pk__in=[])
    for started, closed in spans:
        end = min(closed, stop) if closed else stop
        expected = max(0, (end - started).days // cadence_days)
        keeping |= Q(started_on=started, closed_on=closed, held__gte=expected - 1)
    stats = pairs.annotate(
        held=Count("meetings", filter=Q(meetings__status=Meeting.Status.HELD))
    ).aggregate(total=Count("pk"), keeping=Count("pk", filter=keeping))
    return privacy.share(stats["keeping"], stats["total"])


# --- Progress ----------------------------------------------------------------


@dataclass
class ProgressRow:
    key: Hashable
    label: str
    baseline: Figure
    midway: Figure
    final: Figure
    change: Figure
    spread: Figure
    improved: Figure
    is_area: bool = False


def _chosen(people: QuerySet[Any], phases: list[str]) -> QuerySet[Assessment]:
    """Each person's latest self-assessment of each phase."""
    latest = (
        Assessment.objects.filter(
            person=OuterRef("person"), phase=OuterRef("phase"), assessor__isnull=True
        )
        .order_by("-assessed_on", "-pk")
        .values("pk")[:1]
    )
    return Assessment.objects.filter(
        person__in=people, phase__in=phases, assessor__isnull=True
    ).filter(pk=Subquery(latest))


def _followup(people: QuerySet[Any]) -> QuerySet[Assessment]:
    """Each person's latest follow-up: the final self-assessment, else the
    mid-way one."""
    order = Case(
        When(phase=Assessment.Phase.FINAL, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    latest = (
        Assessment.objects.filter(
            person=OuterRef("person"),
            phase__in=[Assessment.Phase.MIDWAY, Assessment.Phase.FINAL],
            assessor__isnull=True,
        )
        .order_by(order, "-assessed_on", "-pk")
        .values("pk")[:1]
    )
    return Assessment.objects.filter(
        person__in=people,
        phase__in=[Assessment.Phase.MIDWAY, Assessment.Phase.FINAL],
        assessor__isnull=True,
    ).filter(pk=Subquery(latest))


def progress(programme: Programme, direction: str) -> list[ProgressRow]:
    """Self-assessed levels (0–4) at the start, mid-way and at the end, per
    skill and per area, and the change of each person from their baseline to
    their latest follow-up (mean, standard deviation, share who improved).

    Each person answers each skill once per phase, so an area's count is
    the sum of its skills' counts: hiding a skill hides enough of the area's
    other skills that it cannot be recovered from the area."""
    kind, role = DIRECTIONS[direction]
    pairs = programme_pairs(programme)
    people = Person.objects.filter(pk__in=pairs.values(f"{role}__person")).values("pk")
    phases = [
        Assessment.Phase.BASELINE,
        Assessment.Phase.MIDWAY,
        Assessment.Phase.FINAL,
    ]
    items = AssessmentItem.objects.filter(
        assessment__in=_chosen(people, phases), skill__area__kind=kind
    )
    level_aggs: dict[str, Any] = {}
    for phase in phases:
        in_phase = Q(assessment__phase=phase)
        level_aggs[f"{phase}_avg"] = Avg("level", filter=in_phase)
        level_aggs[f"{phase}_n"] = Count(
            "assessment__person", filter=in_phase, distinct=True
        )
    # The person's latest baseline, looked up per item through the indexes
    # on (person, assessed_on) and (assessment, skill).
    latest_baseline = (
        Assessment.objects.filter(
            person=OuterRef(OuterRef("assessment__person")),
            phase=Assessment.Phase.BASELINE,
            assessor__isnull=True,
        )
        .order_by("-assessed_on", "-pk")
        .values("pk")[:1]
    )
    baseline = AssessmentItem.objects.filter(
        assessment=Subquery(latest_baseline), skill=OuterRef("skill")
    ).values("level")[:1]
    changes = (
        AssessmentItem.objects.filter(
            assessment__in=_followup(people), skill__area__kind=kind
        )
        .annotate(base=Subquery(baseline, output_field=IntegerField()))
        .filter(base__isnull=False)
        .annotate(delta=F("level") - F("base"))
    )
    change_aggs = {
        "change": Avg("delta"),
        "spread": StdDev("delta"),
        "n": Count("assessment__person", distinct=True),
        "improved": Count("pk", filter=Q(delta__gt=0)),
        "items": Count("pk"),
    }
    by_skill_levels = {
        row["skill"]: row for row in items.values("skill").annotate(**level_aggs)
    }
    by_skill_change = {
        row["skill"]: row for row in changes.values("skill").annotate(**change_aggs)
    }
    by_area_levels = {
        row["skill__area"]: row
        for row in items.values("skill__area").annotate(**level_aggs)
    }
    by_area_change = {
        row["skill__area"]: row
        for row in changes.values("skill__area").annotate(**change_aggs)
    }
    skills = list(
        Skill.objects.filter(pk__in=set(by_skill_levels)).select_related("area")
    )
    areas = sorted({s.area for s in skills}, key=lambda a: (a.position, a.code))

    # Suppression: per phase and for the change, the counts of skills add up
    # to their area's count.
    measures = [*(str(p) for p in phases), "change"]
    hidden: dict[str, set[Hashable]] = {}
    for measure in measures:
        sizes: dict[Hashable, int] = {}
        for skill in skills:
            row = (
                by_skill_change.get(skill.pk, {})
                if measure == "change"
                else by_skill_levels[skill.pk]
            )
            sizes[("skill", skill.pk)] = row.get(
                "n" if measure == "change" else f"{measure}_n", 0
            )
        for area in areas:
            row = (
                by_area_change.get(area.pk, {})
                if measure == "change"
                else by_area_levels.get(area.pk, {})
            )
            sizes[("area", area.pk)] = row.get(
                "n" if measure == "change" else f"{measure}_n", 0
            )
        relations = [
            (
                ("area", area.pk),
                [("skill", s.pk) for s in skills if s.area_id == area.pk],
            )
            for area in areas
        ]
        hidden[measure] = privacy.hidden_keys(sizes, relations)

    def row_for(
        key: tuple[str, int], label: str, levels: dict, change: dict
    ) -> ProgressRow:
        def level(phase: str) -> Figure:
            return privacy.mean(
                levels.get(f"{phase}_avg"),
                levels.get(f"{phase}_n", 0),
                hidden=key in hidden[phase],
            )

        n = change.get("n", 0)
        secret = key in hidden["change"]
        return ProgressRow(
            key=key,
            label=label,
            baseline=level(Assessment.Phase.BASELINE),
            midway=level(Assessment.Phase.MIDWAY),
            final=level(Assessment.Phase.FINAL),
            change=privacy.mean(change.get("change"), n, hidden=secret),
            spread=privacy.mean(change.get("spread"), n, hidden=secret),
            improved=privacy.share(
                change.get("improved", 0), change.get("items", 0), n, hidden=secret
            ),
            is_area=key[0] == "area",
        )

    out = []
    for area in areas:
        out.append(
            row_for(
                ("area", area.pk),
                area.name,
                by_area_levels.get(area.pk, {}),
                by_area_change.get(area.pk, {}),
            )
        )
        for skill in skills:
            if skill.area_id == area.pk:
                out.append(
                    row_for(
                        ("skill", skill.pk),
                        skill.name,
                        by_skill_levels[skill.pk],
                        by_skill_change.get(skill.pk, {}),
                    )
                )
    return out


# --- KPIs --------------------------------------------------------------------


@dataclass
class KpiRow:
    label: str
    goals: Figure
    reached: Figure


def kpis(programme: Programme) -> list[KpiRow]:
    """The share of goals reached, by the skill each goal is about. A goal is
    reached when ticked, or when its value meets its target. Each figure
    stands for the pairs behind it."""
    reached = Q(done=True) | Q(
        target_value__isnull=False, current_value__gte=F("target_value")
    )
    rows = (
        Kpi.objects.filter(charter__pair__mentee__programme=programme)
        .values("goal__skill")
        .annotate(
            goals=Count("pk"),
            reached=Count("pk", filter=reached),
            pairs=Count("charter__pair", distinct=True),
        )
    )
    rows = list(rows)
    names = {
        s.pk: s.name
        for s in Skill.objects.filter(pk__in=[r["goal__skill"] for r in rows])
    }
    sizes = {r["goal__skill"]: r["pairs"] for r in rows}
    total = Kpi.objects.filter(charter__pair__mentee__programme=programme).aggregate(
        pairs=Count("charter__pair", distinct=True)
    )["pairs"]
    sizes["all"] = total
    hidden = privacy.hidden_keys(sizes, [("all", [r["goal__skill"] for r in rows])])
    out = [
        KpiRow(
            label=names.get(r["goal__skill"]) or _("Goals not linked to a skill"),
            goals=privacy.count(
                r["goals"], n=r["pairs"], hidden=r["goal__skill"] in hidden
            ),
            reached=privacy.share(
                r["reached"],
                r["goals"],
                n=r["pairs"],
                hidden=r["goal__skill"] in hidden,
            ),
        )
        for r in rows
    ]
    out.sort(key=lambda r: (r.label == _("Goals not linked to a skill"), r.label))
    if rows:
        everything = [
            sum(r["goals"] for r in rows),
            sum(r["reached"] for r in rows),
        ]
        out.append(
            KpiRow(
                label=_("All goals"),
                goals=privacy.count(everything[0], n=total, hidden="all" in hidden),
                reached=privacy.share(
                    everything[1], everything[0], n=total, hidden="all" in hidden
                ),
            )
        )
    return out


# --- Satisfaction ------------------------------------------------------------


@dataclass
class Ratings:
    distribution: Table
    average: Figure
    useful: Figure


def ratings(programme: Programme) -> Ratings:
    """Session ratings (1–5): how many answers gave each rating, the mean and
    the share of sessions found useful. A rating's count stands for the
    people who gave it."""
    feedback = Feedback.objects.filter(meeting__pair__mentee__programme=programme)
    rows = feedback.values("rating").annotate(
        n=Count("pk"), people=Count("author__person", distinct=True)
    )
    values = {(r["rating"], "n"): r["n"] for r in rows}
    sizes = {(r["rating"], "n"): r["people"] for r in rows}
    stats = feedback.aggregate(
        people=Count("author__person", distinct=True),
        answers=Count("pk"),
        average=Avg("rating"),
        useful=Count("pk", filter=Q(useful=True)),
    )
    distribution = privacy.table(
        [(r, str(r)) for r in range(1, 6)],
        [("n", _("Answers"))],
        values,
        sizes=sizes,
        row_totals=False,
        grand_total=False,
        margin_sizes={("col", "n"): stats["people"]},
    )
    return Ratings(
        distribution=distribution,
        average=privacy.mean(stats["average"], stats["people"]),
        useful=privacy.share(stats["useful"], stats["answers"], n=stats["people"]),
    )


@dataclass
class SurveyRow:
    label: str
    people: Figure
    confidence_before: Figure
    confidence_after: Figure
    satisfaction: Figure
    recommend: Figure


def survey(programme: Programme) -> list[SurveyRow]:
    """The end-of-programme survey per role and overall. The two roles add up
    to the whole, so a small role is hidden along with its complement."""
    answers = ClosingSurvey.objects.filter(pair__mentee__programme=programme)
    aggs = {
        "people": Count("author__person", distinct=True),
        "before": Avg("confidence_before"),
        "after": Avg("confidence_after"),
        "satisfaction": Avg("satisfaction"),
        "recommend": Count("pk", filter=Q(would_recommend=True)),
        "answers": Count("pk"),
    }
    by_role = {
        r["author__role"]: r for r in answers.values("author__role").annotate(**aggs)
    }
    overall = answers.aggregate(**aggs)
    sizes: dict[Hashable, int] = {
        role: by_role.get(role, {}).get("people", 0) for role, _l in ROLES
    }
    sizes["all"] = overall["people"]
    hidden = privacy.hidden_keys(sizes, [("all", [role for role, _l in ROLES])])

    def row(key: Hashable, label: str, stats: dict) -> SurveyRow:
        n = stats.get("people", 0)
        secret = key in hidden
        return SurveyRow(
            label=label,
            people=privacy.count(n, hidden=secret),
            confidence_before=privacy.mean(stats.get("before"), n, hidden=secret),
            confidence_after=privacy.mean(stats.get("after"), n, hidden=secret),
            satisfaction=privacy.mean(stats.get("satisfaction"), n, hidden=secret),
            recommend=privacy.share(
                stats.get("recommend", 0), stats.get("answers", 0), n=n, hidden=secret
            ),
        )

    return [
        row("mentee", _("Mentees"), by_role.get("mentee", {})),
        row("mentor", _("Mentors"), by_role.get("mentor", {})),
        row("all", _("Everyone"), overall),
    ]


# --- Silo-crossing -----------------------------------------------------------


@dataclass
class Silos:
    departments: Table
    levels: Table
    crossing: Figure


def _roots(organisation_id: int) -> dict[int | None, tuple[int | None, str]]:
    """Department id → its top-level department (the silo), by id and name."""
    departments = {
        d.pk: d for d in Department.objects.filter(organisation_id=organisation_id)
    }
    roots: dict[int | None, tuple[int | None, str]] = {None: (None, _("Unknown"))}
    for pk, dept in departments.items():
        top = dept
        seen = {pk}
        while top.parent_id is not None and top.parent_id not in seen:
            seen.add(top.parent_id)
            top = departments[top.parent_id]
        roots[pk] = (top.pk, top.name)
    return roots


def silos(programme: Programme) -> Silos:
    """Pairs by the mentor's and the mentee's top-level departments, and by
    their levels. One grouped query each; the grouping to silos walks the
    department tree, not the pairs."""
    pairs = programme_pairs(programme)
    roots = _roots(programme.organisation_id)
    by_dept: dict[tuple[Hashable, Hashable], int] = defaultdict(int)
    for row in pairs.values(
        "mentor__person__department", "mentee__person__department"
    ).annotate(n=Count("pk")):
        mentor = roots.get(row["mentor__person__department"], roots[None])[0]
        mentee = roots.get(row["mentee__person__department"], roots[None])[0]
        by_dept[(mentor, mentee)] += row["n"]
    used = {k for pair in by_dept for k in pair}
    names = dict(roots.values())
    silo_keys = sorted(used, key=lambda k: str(names.get(k, "")))
    departments = privacy.table(
        [(k, names[k]) for k in silo_keys],
        [(k, names[k]) for k in silo_keys],
        by_dept,
    )
    by_level = {
        (row["mentor__person__level"], row["mentee__person__level"]): row["n"]
        for row in pairs.values(
            "mentor__person__level", "mentee__person__level"
        ).annotate(n=Count("pk"))
    }
    levels = [(level.value, level.label) for level in Person.Level]
    total = sum(by_dept.values())
    same = sum(n for (a, b), n in by_dept.items() if a == b and a is not None)
    return Silos(
        departments=departments,
        levels=privacy.table(
            [(v, str(label)) for v, label in levels],
            [(v, str(label)) for v, label in levels],
            by_level,
        ),
        crossing=privacy.share(total - same, total),
    )


# --- The dashboard -----------------------------------------------------------


@dataclass
class Headline:
    pairs: Figure
    sessions_held: Figure
    minutes_held: Figure
    people: Figure


def headline(programme: Programme) -> Headline:
    """Pairs, people, sessions held and minutes of mentoring. Sessions and
    minutes stand for the pairs that held them."""
    pairs = programme_pairs(programme)
    held = Meeting.objects.filter(
        pair__mentee__programme=programme, status=Meeting.Status.HELD
    ).aggregate(
        n=Count("pk"),
        minutes=Sum(Coalesce("held_minutes", "duration_minutes")),
        pairs=Count("pair", distinct=True),
    )
    people = Person.objects.filter(
        Q(pk__in=pairs.values("mentor__person"))
        | Q(pk__in=pairs.values("mentee__person"))
    ).count()
    return Headline(
        pairs=privacy.count(pairs.count()),
        sessions_held=privacy.count(held["n"], n=held["pairs"]),
        minutes_held=privacy.count(held["minutes"] or 0, n=held["pairs"]),
        people=privacy.count(people),
    )


@dataclass
class Dashboard:
    programme: Programme
    today: datetime.date
    periods: list[Period]
    headline: Headline
    funnel: Table
    active_pairs: list[tuple[Period, Figure]]
    cadence: Table
    rhythm: Figure
    progress: dict[str, list[ProgressRow]]
    kpis: list[KpiRow]
    ratings: Ratings
    survey: list[SurveyRow]
    silos: Silos
    at_risk: list[Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def direction_labels(self) -> dict[str, str]:
        return {k: str(v) for k, v in DIRECTION_LABELS.items()}


def dashboard(
    programme: Programme,
    *,
    today: datetime.date | None = None,
    with_names: bool = False,
) -> Dashboard:
    """Every indicator of a programme. ``with_names`` adds the pairs at risk,
    for managers only: sponsors never get a name."""
    from . import health

    today = today or timezone.localdate()
    periods = fortnights(programme, today)
    at_risk = None
    if with_names:
        at_risk = [h for h in health.pair_health(programme, today=today) if h.risks]
    return Dashboard(
        programme=programme,
        today=today,
        periods=periods,
        headline=headline(programme),
        funnel=funnel(programme),
        active_pairs=active_pairs(programme, periods, today),
        cadence=cadence(programme, periods),
        rhythm=rhythm(programme, today),
        progress={d: progress(programme, d) for d in DIRECTIONS},
        kpis=kpis(programme),
        ratings=ratings(programme),
        survey=survey(programme),
        silos=silos(programme),
        at_risk=at_risk,
    )
