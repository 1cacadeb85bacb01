"""The programme dashboard's indicators, computed with aggregate queries.

Every figure goes through ``privacy``: groups under 5 are hidden, and so is
any value that the published totals would give away, for everyone but the
programme's own managers (``exact``), who see exactly what they may already
see person by person: pairs, sessions, departments and levels,
self-assessments and goals. Ratings and survey answers stay under the rule
for everyone: participants were promised averages over 5 people or more.
Nothing here reads the content of notes, agendas, comments or what people
learned: only statuses, dates, levels, ratings and yes/no answers.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binome.pairs.models import REACHED as KPI_REACHED
from binome.pairs.models import (
    ClosingSurvey,
    Feedback,
    Kpi,
    Meeting,
    Pair,
    PulseCheckIn,
)
from binome.people.models import Department, Person
from binome.programs.models import Enrolment, Programme, SkillWish
from binome.skills.models import Assessment, AssessmentItem, Skill, SkillArea

from . import privacy
from .privacy import Audience, Figure, Table

FORTNIGHT = 14
MAX_PERIODS = 60
RATINGS = range(1, 6)  # a session's rating, 1 to 5
AT_RISK_SHOWN = 20  # on the dashboard; the health page lists 100
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
    periods: list[Period] = []
    day = start
    while day <= end and len(periods) < MAX_PERIODS:
        periods.append(
            Period(len(periods), day, day + datetime.timedelta(days=FORTNIGHT))
        )
        day += datetime.timedelta(days=FORTNIGHT)
    return periods


# --- Participation -----------------------------------------------------------


def funnel(
    programme: Programme,
    *,
    exact: bool = False,
    published: Mapping[Any, object] | None = None,
) -> Table[str, str]:
    """The enrolment funnel per role, in one aggregate query. The same steps
    as ``health.funnel`` (which the manager's health page uses).
    ``published``: what the headline gives (see ``privacy.table``)."""
    enrolled = [Enrolment.Status.VOLUNTEERED, Enrolment.Status.ACCEPTED]
    assessed = Assessment.objects.filter(
        person=OuterRef("person"), assessor__isnull=True
    )
    wishes = SkillWish.objects.filter(enrolment=OuterRef("pk"))
    # Two uncorrelated lists rather than a lookup per enrolment with an OR,
    # which costs a bitmap scan per enrolment.
    paired = Q(pk__in=Pair.objects.values("mentor")) | Q(
        pk__in=Pair.objects.values("mentee")
    )
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
    rows: Iterable[Mapping[str, Any]] = (
        programme.enrolments.annotate(
            has_assessment=Exists(assessed),
            has_wishes=Exists(wishes),
            has_pair=ExpressionWrapper(paired, output_field=BooleanField()),
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
        published=published,
        exact=exact,
    )


def active_pairs(
    programme: Programme,
    periods: list[Period],
    today: datetime.date,
    *,
    exact: bool = False,
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
    return [(p, privacy.count(counts[f"p{p.index}"], exact=exact)) for p in past]


# --- Sessions, pair by pair ---------------------------------------------------

# The session figures of a programme: each pair's counts from its sessions
# (one grouped pass over them), then their totals over all the pairs, those
# without sessions included. Plain SQL for the same reason as the progress
# table's; it runs on PostgreSQL and SQLite alike.
_MEETINGS_SQL = """
WITH pp AS (
    SELECT pair_id,
           SUM(CASE WHEN status = '{held}' THEN 1 ELSE 0 END) AS held,
           SUM(CASE WHEN status = '{held}'
                    THEN COALESCE(held_minutes, duration_minutes) END) AS minutes,
           {within}
    FROM {meeting}
    WHERE pair_id IN ({pairs})
    GROUP BY pair_id
),
facts AS (
    SELECT p.started_on, p.closed_on, COALESCE(pp.held, 0) AS held,
           pp.minutes, {within_facts}
    FROM {pair} p LEFT JOIN pp ON pp.pair_id = p.id
    WHERE p.id IN ({pairs})
)
SELECT COUNT(*), SUM(held), SUM(minutes), COUNT(CASE WHEN held > 0 THEN 1 END),
       {within_totals},
       COUNT(CASE WHEN started_on <= %s THEN 1 END),
       COUNT(CASE WHEN started_on <= %s AND held >= {expected} - 1 THEN 1 END)
FROM facts
"""


def _period_of(periods: list[Period], column: str) -> tuple[str, list[Any]]:
    """SQL for the index of the fortnight a timestamp falls in, -1 outside
    them: one comparison per boundary, in order (fortnights start at local
    midnight, so this follows daylight saving time, which a division of the
    epoch would not)."""
    if not periods:
        return "-1", []
    adapt = connection.ops.adapt_datetimefield_value
    whens = [f"WHEN {column} < %s THEN -1"]
    params = [adapt(_aware(periods[0].start))]
    for p in periods:
        whens.append(f"WHEN {column} < %s THEN {p.index}")
        params.append(adapt(_aware(p.end)))
    return f"CASE {' '.join(whens)} ELSE -1 END", params


def _expected_sessions(
    programme: Programme, today: datetime.date
) -> tuple[datetime.date, str, list[Any]]:
    """The day the rhythm is judged at (today, or the end date), and the
    sessions the cadence plans by then for each pair, as SQL over its
    ``started_on`` and ``closed_on``. Pairs share a few start and end dates,
    so it is one branch per pair of dates, not per pair."""
    cadence_days = programme.cadence_days
    stop = min(today, programme.end_date) if programme.end_date else today
    spans = (
        programme_pairs(programme)
        .filter(started_on__lte=stop)
        # order_by(): the default ordering would defeat DISTINCT.
        .order_by()
        .values_list("started_on", "closed_on")
        .distinct()
    )
    adapt = connection.ops.adapt_datefield_value
    whens: list[str] = []
    params: list[Any] = []
    for started, closed in spans:
        end = min(closed, stop) if closed else stop
        expected = max(0, (end - started).days // cadence_days)
        if closed is None:
            whens.append("WHEN started_on = %s AND closed_on IS NULL THEN %s")
            params += [adapt(started), expected]
        else:
            whens.append("WHEN started_on = %s AND closed_on = %s THEN %s")
            params += [adapt(started), adapt(closed), expected]
    if not whens:
        return stop, "NULL", []
    return stop, f"(CASE {' '.join(whens)} END)", params


def meeting_totals(
    programme: Programme,
    periods: list[Period],
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """The session figures that the headline, the cadence table's margins and
    the rhythm share need, in one statement.

    ``pairs``: the programme's pairs. ``held``, ``minutes`` and
    ``held_pairs``: sessions held, their minutes and the pairs that held any.
    ``pairs_<status>``: pairs with a session of that status within the
    fortnights. ``rhythm_pairs`` and ``rhythm_keeping``: the pairs started by
    today (or the end date) and those keeping the rhythm (at most one session
    short of what the cadence plans)."""
    today = today or timezone.localdate()
    adapt_date = connection.ops.adapt_datefield_value
    adapt_datetime = connection.ops.adapt_datetimefield_value
    pairs, pair_params = (
        programme_pairs(programme).order_by().values("pk").query.sql_with_params()
    )
    statuses = Meeting.Status.values
    within_params: list[Any] = []
    if periods:
        within = "starts_at >= %s AND starts_at < %s"
        for _status in statuses:
            within_params += [
                adapt_datetime(_aware(periods[0].start)),
                adapt_datetime(_aware(periods[-1].end)),
            ]
    else:
        within = "1 = 0"
    stop, expected, expected_params = _expected_sessions(programme, today)
    sql = _MEETINGS_SQL.format(
        meeting=Meeting._meta.db_table,
        pair=Pair._meta.db_table,
        pairs=pairs,
        held=Meeting.Status.HELD.value,
        within=", ".join(
            f"MAX(CASE WHEN status = '{s}' AND {within} THEN 1 ELSE 0 END) "
            f"AS within_{s}"
            for s in statuses
        ),
        within_facts=", ".join(
            f"COALESCE(pp.within_{s}, 0) AS within_{s}" for s in statuses
        ),
        within_totals=", ".join(f"SUM(within_{s})" for s in statuses),
        expected=expected,
    )
    params = [
        *within_params,
        *pair_params,
        *pair_params,
        adapt_date(stop),
        adapt_date(stop),
        *expected_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    count, held, minutes, held_pairs, *within_counts, rhythm_pairs, keeping = row
    out: dict[str, Any] = {
        "pairs": int(count),
        "held": int(held or 0),
        "minutes": int(minutes) if minutes is not None else None,
        "held_pairs": int(held_pairs),
        "rhythm_pairs": int(rhythm_pairs),
        "rhythm_keeping": int(keeping),
    }
    for status, pairs_with in zip(statuses, within_counts, strict=True):
        out[f"pairs_{status}"] = int(pairs_with or 0)
    return out


# --- Cadence -----------------------------------------------------------------


def cadence(
    programme: Programme,
    periods: list[Period],
    totals: dict[str, Any] | None = None,
    *,
    exact: bool = False,
    published: Mapping[Any, object] | None = None,
) -> Table[int, str]:
    """Sessions held, planned and missed per fortnight. A cell stands for the
    pairs behind it, so it is hidden when fewer than 5 pairs made it.
    ``totals``: ``meeting_totals`` when already computed (for the margins)."""
    if not periods:
        return privacy.table([], [], {})
    period, period_params = _period_of(periods, "starts_at")
    statuses = [s for s, _l in CADENCE_STATUSES]
    pairs, pair_params = (
        programme_pairs(programme).order_by().values("pk").query.sql_with_params()
    )
    # The fortnight in a subquery, so that it is computed once per session.
    sql = (
        "SELECT period, status, COUNT(*), COUNT(DISTINCT pair_id) FROM ("
        f"SELECT pair_id, status, {period} AS period "
        f"FROM {Meeting._meta.db_table} "
        f"WHERE pair_id IN ({pairs}) "
        f"AND status IN ({', '.join(['%s'] * len(statuses))})"
        ") sessions WHERE period >= 0 GROUP BY period, status"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*period_params, *pair_params, *statuses])
        rows = cursor.fetchall()
    values: dict[tuple[int, str], int] = {}
    sizes: dict[tuple[int, str], int] = {}
    for index, status, n, pairs_behind in rows:
        values[(int(index), status)] = n
        sizes[(int(index), status)] = pairs_behind
    if totals is None:
        totals = meeting_totals(programme, periods)
    # The pairs behind each status over all the fortnights (statuses with
    # no session there have no margin).
    margin_sizes: dict[Hashable, int] = {
        ("col", status): totals[f"pairs_{status}"]
        for status in Meeting.Status.values
        if totals[f"pairs_{status}"]
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
        published=published,
        exact=exact,
    )


def rhythm(
    programme: Programme,
    today: datetime.date,
    totals: dict[str, Any] | None = None,
    *,
    exact: bool = False,
) -> Figure:
    """The share of pairs that keep the rhythm: at most one session short of
    what the cadence plans since the pair started (the health page's rule).
    ``totals``: ``meeting_totals`` when already computed."""
    if totals is None:
        totals = meeting_totals(programme, [], today)
    return privacy.share(totals["rhythm_keeping"], totals["rhythm_pairs"], exact=exact)


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


# The facts behind the progress table of a direction, in one statement. Each
# person's latest self-assessment of each phase is picked with a window
# function, not looked up again for every assessment and every item. Then one
# row per (person, skill) holds the levels of each phase and the change from
# the baseline to the follow-up: no self-join and no DISTINCT (a person has
# one chosen assessment per phase and answers a skill once in it), so the
# plan is a few hash joins and hash aggregates. An area's people are counted
# per (area, person). Plain SQL because the ORM cannot group over a window
# function; it runs on PostgreSQL and SQLite alike (Django gives SQLite
# STDDEV_POP).
_PROGRESS_SQL = """
WITH ranked AS (
    SELECT a.id, a.person_id, a.phase,
           ROW_NUMBER() OVER (
               PARTITION BY a.person_id, a.phase
               ORDER BY a.assessed_on DESC, a.id DESC
           ) AS latest,
           MAX(CASE WHEN a.phase = '{final}' THEN 1 ELSE 0 END)
               OVER (PARTITION BY a.person_id) AS has_final
    FROM {assessment} a
    WHERE a.assessor_id IS NULL
      AND a.phase IN ('{baseline}', '{midway}', '{final}')
      AND a.person_id IN ({people})
),
levels AS MATERIALIZED (
    SELECT r.person_id, i.skill_id, s.area_id,
           MAX(CASE WHEN r.phase = '{baseline}' THEN i.level END) AS baseline,
           MAX(CASE WHEN r.phase = '{midway}' THEN i.level END) AS midway,
           MAX(CASE WHEN r.phase = '{final}' THEN i.level END) AS final,
           -- The follow-up: the final self-assessment, else the mid-way one.
           MAX(CASE WHEN r.phase = '{final}'
                      OR (r.phase = '{midway}' AND r.has_final = 0)
                    THEN i.level END) AS followup
    FROM ranked r
    JOIN {item} i ON i.assessment_id = r.id
    JOIN {skill} s ON s.id = i.skill_id
    JOIN {area} ar ON ar.id = s.area_id
    -- "<= 1", not "= 1": the planner's estimate for it keeps hash joins.
    WHERE r.latest <= 1 AND ar.kind = '{kind}'
    GROUP BY r.person_id, i.skill_id, s.area_id
),
-- Only the changes that exist (SQLite's STDDEV_POP takes no NULL).
changes AS (
    SELECT person_id, skill_id, area_id, followup - baseline AS delta
    FROM levels WHERE followup IS NOT NULL AND baseline IS NOT NULL
),
skill_levels AS (
    SELECT skill_id AS id, AVG(baseline) AS baseline_avg, AVG(midway) AS midway_avg,
           AVG(final) AS final_avg, COUNT(baseline) AS baseline_n,
           COUNT(midway) AS midway_n, COUNT(final) AS final_n
    FROM levels GROUP BY skill_id
),
skill_changes AS (
    SELECT skill_id AS id, AVG(delta) AS change, STDDEV_POP(delta) AS spread,
           COUNT(CASE WHEN delta > 0 THEN 1 END) AS improved, COUNT(*) AS items
    FROM changes GROUP BY skill_id
),
area_levels AS (
    SELECT area_id AS id, AVG(baseline) AS baseline_avg, AVG(midway) AS midway_avg,
           AVG(final) AS final_avg
    FROM levels GROUP BY area_id
),
area_people AS (
    SELECT area_id AS id, SUM(baseline) AS baseline_n, SUM(midway) AS midway_n,
           SUM(final) AS final_n
    FROM (
        SELECT area_id, person_id,
               MAX(CASE WHEN baseline IS NULL THEN 0 ELSE 1 END) AS baseline,
               MAX(CASE WHEN midway IS NULL THEN 0 ELSE 1 END) AS midway,
               MAX(CASE WHEN final IS NULL THEN 0 ELSE 1 END) AS final
        FROM levels GROUP BY area_id, person_id
    ) per_person
    GROUP BY area_id
),
area_changes AS (
    SELECT area_id AS id, AVG(delta) AS change, STDDEV_POP(delta) AS spread,
           COUNT(CASE WHEN delta > 0 THEN 1 END) AS improved, COUNT(*) AS items
    FROM changes GROUP BY area_id
),
area_change_people AS (
    SELECT area_id AS id, COUNT(*) AS n
    FROM (SELECT DISTINCT area_id, person_id FROM changes) per_person
    GROUP BY area_id
)
SELECT 'skill', l.id, l.baseline_avg, l.midway_avg, l.final_avg,
       c.change, c.spread, COALESCE(c.improved, 0), COALESCE(c.items, 0),
       l.baseline_n, l.midway_n, l.final_n, COALESCE(c.items, 0)
FROM skill_levels l LEFT JOIN skill_changes c ON c.id = l.id
UNION ALL
SELECT 'area', l.id, l.baseline_avg, l.midway_avg, l.final_avg,
       c.change, c.spread, COALESCE(c.improved, 0), COALESCE(c.items, 0),
       p.baseline_n, p.midway_n, p.final_n, COALESCE(cp.n, 0)
FROM area_levels l
JOIN area_people p ON p.id = l.id
LEFT JOIN area_changes c ON c.id = l.id
LEFT JOIN area_change_people cp ON cp.id = l.id
"""
PHASES = [
    Assessment.Phase.BASELINE.value,
    Assessment.Phase.MIDWAY.value,
    Assessment.Phase.FINAL.value,
]
# The columns of a group: means, change, then how many people stand behind
# each phase's mean and behind the change (a skill's changes count its people).
_PROGRESS_COLUMNS = [
    *(f"{phase}_avg" for phase in PHASES),
    "change",
    "spread",
    "improved",
    "items",
    *(f"{phase}_n" for phase in PHASES),
    "n",
]
# Decimal on PostgreSQL, float on SQLite: floats, as the ORM's Avg gives.
_FLOATS = {"change", "spread", *(f"{phase}_avg" for phase in PHASES)}


def progress_facts(programme: Programme) -> dict[str, dict[tuple[str, int], Any]]:
    """direction → (« skill » or « area », pk) → that group's figures: one
    statement per direction.

    Per phase: the mean level and how many people, from each person's latest
    self-assessment of the phase. The change: each person's latest follow-up
    against their latest baseline, skill by skill, for those who answered
    the skill in both; its mean, standard deviation, improved items, items
    and people."""
    out: dict[str, dict[tuple[str, int], Any]] = {}
    for direction, (kind, role) in DIRECTIONS.items():
        people, params = (
            programme_pairs(programme)
            .order_by()
            .values(f"{role}__person")
            .query.sql_with_params()
        )
        sql = _PROGRESS_SQL.format(
            people=people,
            kind=kind.value,
            assessment=Assessment._meta.db_table,
            item=AssessmentItem._meta.db_table,
            skill=Skill._meta.db_table,
            area=SkillArea._meta.db_table,
            baseline=Assessment.Phase.BASELINE.value,
            midway=Assessment.Phase.MIDWAY.value,
            final=Assessment.Phase.FINAL.value,
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        out[direction] = {}
        for grain, pk, *values in rows:
            figures = dict(zip(_PROGRESS_COLUMNS, values, strict=True))
            for name in _FLOATS:
                if figures[name] is not None:
                    figures[name] = float(figures[name])
            out[direction][(grain, pk)] = figures
    return out


def progress(
    programme: Programme,
    direction: str,
    facts: dict[str, dict[tuple[str, int], Any]] | None = None,
    *,
    exact: bool = False,
) -> list[ProgressRow]:
    """Self-assessed levels (0–4) at the start, mid-way and at the end, per
    skill and per area, and the change of each person from their baseline to
    their latest follow-up (mean, standard deviation, share who improved).

    Each person answers each skill once per phase, so an area's count is
    the sum of its skills' counts: hiding a skill hides enough of the area's
    other skills that it cannot be recovered from the area."""
    if facts is None:
        facts = progress_facts(programme)
    groups = facts[direction]
    skills = list(
        Skill.objects.filter(
            pk__in=[pk for grain, pk in groups if grain == "skill"]
        ).select_related("area")
    )
    areas = sorted({s.area for s in skills}, key=lambda a: (a.position, a.code))

    # Suppression: per phase and for the change, the counts of skills add up
    # to their area's count.
    relations = [
        (("area", area.pk), [("skill", s.pk) for s in skills if s.area_id == area.pk])
        for area in areas
    ]
    hidden = {
        measure: privacy.hidden_keys(
            {key: row[size] for key, row in groups.items()}, relations, exact=exact
        )
        for measure, size in [
            *((phase, f"{phase}_n") for phase in PHASES),
            ("change", "n"),
        ]
    }

    def row_for(key: tuple[str, int], label: str) -> ProgressRow:
        row = groups[key]

        def level(phase: str) -> Figure:
            return privacy.mean(
                row[f"{phase}_avg"],
                row[f"{phase}_n"],
                hidden=key in hidden[phase],
                exact=exact,
            )

        n = row["n"]
        secret = key in hidden["change"]
        return ProgressRow(
            key=key,
            label=label,
            baseline=level(Assessment.Phase.BASELINE),
            midway=level(Assessment.Phase.MIDWAY),
            final=level(Assessment.Phase.FINAL),
            change=privacy.mean(row["change"], n, hidden=secret, exact=exact),
            spread=privacy.mean(row["spread"], n, hidden=secret, exact=exact),
            improved=privacy.share(
                row["improved"], row["items"], n, hidden=secret, exact=exact
            ),
            is_area=key[0] == "area",
        )

    out = []
    for area in areas:
        out.append(row_for(("area", area.pk), area.name))
        out.extend(
            row_for(("skill", skill.pk), skill.name)
            for skill in skills
            if skill.area_id == area.pk
        )
    return out


# --- KPIs --------------------------------------------------------------------


@dataclass
class KpiRow:
    label: str
    goals: Figure
    reached: Figure


def kpis(programme: Programme, *, exact: bool = False) -> list[KpiRow]:
    """The share of goals reached, by the skill each goal is about. A goal is
    reached when ticked, or when its value meets its target. Each figure
    stands for the pairs behind it."""
    reached = KPI_REACHED
    rows = list(
        Kpi.objects.filter(charter__pair__mentee__programme=programme)
        .values("goal__skill")
        .annotate(
            goals=Count("pk"),
            reached=Count("pk", filter=reached),
            pairs=Count("charter__pair", distinct=True),
        )
    )
    names = {
        s.pk: s.name
        for s in Skill.objects.filter(pk__in=[r["goal__skill"] for r in rows])
    }
    # By skill (None: goals not linked to one), and "all".
    sizes: dict[int | str | None, int] = {r["goal__skill"]: r["pairs"] for r in rows}
    total = Kpi.objects.filter(charter__pair__mentee__programme=programme).aggregate(
        pairs=Count("charter__pair", distinct=True)
    )["pairs"]
    sizes["all"] = total
    hidden = privacy.hidden_keys(
        sizes, [("all", [r["goal__skill"] for r in rows])], exact=exact
    )
    out = [
        KpiRow(
            label=names.get(r["goal__skill"]) or _("Goals not linked to a skill"),
            goals=privacy.count(
                r["goals"], n=r["pairs"], hidden=r["goal__skill"] in hidden, exact=exact
            ),
            reached=privacy.share(
                r["reached"],
                r["goals"],
                n=r["pairs"],
                hidden=r["goal__skill"] in hidden,
                exact=exact,
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
                goals=privacy.count(
                    everything[0], n=total, hidden="all" in hidden, exact=exact
                ),
                reached=privacy.share(
                    everything[1],
                    everything[0],
                    n=total,
                    hidden="all" in hidden,
                    exact=exact,
                ),
            )
        )
    return out


# --- Satisfaction ------------------------------------------------------------


@dataclass
class Ratings:
    distribution: Table[int, str]
    average: Figure
    useful: Figure


def ratings(programme: Programme) -> Ratings:
    """Session ratings (1–5): how many answers gave each rating, the mean and
    the share of sessions found useful. A rating's count stands for the
    people who gave it.

    One pass over the answers: each person's counts first, then their totals
    (a grouped query wrapped by ``aggregate``), so that the people behind
    each rating and behind all of them are counted without DISTINCT."""
    per_person = (
        Feedback.objects.filter(meeting__pair__in=programme_pairs(programme))
        .values(person=F("author__person"))
        .annotate(
            person_answers=Count("pk"),
            person_useful=Count("pk", filter=Q(useful=True)),
            person_total=Sum("rating"),
            **{f"person_{r}": Count("pk", filter=Q(rating=r)) for r in RATINGS},
        )
    )
    stats = per_person.aggregate(
        people=Count("person"),
        answers=Coalesce(Sum("person_answers"), 0),
        useful=Coalesce(Sum("person_useful"), 0),
        total=Sum("person_total"),
        **{f"n_{r}": Coalesce(Sum(f"person_{r}"), 0) for r in RATINGS},
        **{
            f"people_{r}": Count("person", filter=Q(**{f"person_{r}__gt": 0}))
            for r in RATINGS
        },
    )
    given = [r for r in RATINGS if stats[f"n_{r}"]]
    distribution = privacy.table(
        [(r, str(r)) for r in RATINGS],
        [("n", _("Answers"))],
        {(r, "n"): stats[f"n_{r}"] for r in given},
        sizes={(r, "n"): stats[f"people_{r}"] for r in given},
        row_totals=False,
        grand_total=False,
        margin_sizes={("col", "n"): stats["people"]},
    )
    # The mean of whole numbers: their sum over their count, as AVG does.
    average = stats["total"] / stats["answers"] if stats["answers"] else None
    return Ratings(
        distribution=distribution,
        average=privacy.mean(average, stats["people"]),
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
    by_role: dict[str, Mapping[str, Any]] = {
        r["author__role"]: r for r in answers.values("author__role").annotate(**aggs)
    }
    overall = answers.aggregate(**aggs)
    sizes: dict[Hashable, int] = {
        role: by_role.get(role, {}).get("people", 0) for role, _l in ROLES
    }
    sizes["all"] = overall["people"]
    hidden = privacy.hidden_keys(sizes, [("all", [role for role, _l in ROLES])])

    def row(key: Hashable, label: str, stats: Mapping[str, Any]) -> SurveyRow:
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


@dataclass
class PulseRow:
    label: str
    people: Figure
    useful: Figure
    rhythm: Figure
    safety: Figure


def pulse(programme: Programme) -> list[PulseRow]:
    """The check-in answers (#18) per role and overall, means out of 5 over
    the people who answered, under the small-group rule for every audience
    (as the participants were told); never a pair, never a comment."""
    answers = PulseCheckIn.objects.filter(pair__mentee__programme=programme)
    aggs = {
        "people": Count("author__person", distinct=True),
        "useful": Avg("useful"),
        "rhythm": Avg("rhythm"),
        "safety": Avg("safety"),
    }
    by_role: dict[str, Mapping[str, Any]] = {
        r["author__role"]: r for r in answers.values("author__role").annotate(**aggs)
    }
    overall = answers.aggregate(**aggs)
    sizes: dict[Hashable, int] = {
        role: by_role.get(role, {}).get("people", 0) for role, _l in ROLES
    }
    sizes["all"] = overall["people"]
    hidden = privacy.hidden_keys(sizes, [("all", [role for role, _l in ROLES])])

    def row(key: Hashable, label: str, stats: Mapping[str, Any]) -> PulseRow:
        n = stats.get("people", 0)
        secret = key in hidden
        return PulseRow(
            label=label,
            people=privacy.count(n, hidden=secret),
            useful=privacy.mean(stats.get("useful"), n, hidden=secret),
            rhythm=privacy.mean(stats.get("rhythm"), n, hidden=secret),
            safety=privacy.mean(stats.get("safety"), n, hidden=secret),
        )

    return [
        row("mentee", _("Mentees"), by_role.get("mentee", {})),
        row("mentor", _("Mentors"), by_role.get("mentor", {})),
        row("all", _("Everyone"), overall),
    ]


# --- Silo-crossing -----------------------------------------------------------


@dataclass
class Silos:
    departments: Table[int | None, int | None]  # by top-level department
    levels: Table[int, int]
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


def silos(
    programme: Programme, *, exact: bool = False, total_public: bool = False
) -> Silos:
    """Pairs by the mentor's and the mentee's top-level departments, and by
    their levels. One grouped query each; the grouping to silos walks the
    department tree, not the pairs. ``total_public``: the headline gives the
    number of pairs, so the tables' grand totals cannot be hidden.

    The share of pairs across departments is the off-diagonal of the
    department table over its total: it is hidden whenever a diagonal cell
    is, so that it never gives a hidden cell away."""
    pairs = programme_pairs(programme)
    roots = _roots(programme.organisation_id)
    by_dept: dict[tuple[int | None, int | None], int] = defaultdict(int)
    for row in pairs.values(
        "mentor__person__department", "mentee__person__department"
    ).annotate(n=Count("pk")):
        mentor = roots.get(row["mentor__person__department"], roots[None])[0]
        mentee = roots.get(row["mentee__person__department"], roots[None])[0]
        by_dept[(mentor, mentee)] += row["n"]
    used = {k for pair in by_dept for k in pair}
    names = dict(roots.values())
    silo_keys = sorted(used, key=lambda k: str(names.get(k, "")))
    total = sum(by_dept.values())
    same = sum(n for (a, b), n in by_dept.items() if a == b and a is not None)
    published = {"total": total} if total_public else {}
    departments = privacy.table(
        [(k, names[k]) for k in silo_keys],
        [(k, names[k]) for k in silo_keys],
        by_dept,
        published=published,
        exact=exact,
    )
    # The share across departments gives the diagonal's sum away: with the
    # margins, that can pin a hidden cell down (rows, columns and diagonal
    # together, not any one of them). Shown only when it tells nothing the
    # table does not: every diagonal cell and the total shown.
    crossing_hidden = any(
        departments.cell(k, k).hidden for k in silo_keys if k is not None
    ) or bool(departments.total and departments.total.hidden)
    by_level = {
        (row["mentor__person__level"], row["mentee__person__level"]): row["n"]
        for row in pairs.values(
            "mentor__person__level", "mentee__person__level"
        ).annotate(n=Count("pk"))
    }
    levels = [(level.value, level.label) for level in Person.Level]
    return Silos(
        departments=departments,
        levels=privacy.table(
            [(v, str(label)) for v, label in levels],
            [(v, str(label)) for v, label in levels],
            by_level,
            published=published,
            exact=exact,
        ),
        crossing=privacy.share(
            total - same, total, hidden=crossing_hidden, exact=exact
        ),
    )


# --- The dashboard -----------------------------------------------------------


@dataclass
class Headline:
    pairs: Figure
    sessions_held: Figure
    minutes_held: Figure
    people: Figure


def headline(
    programme: Programme,
    totals: dict[str, Any] | None = None,
    *,
    exact: bool = False,
) -> Headline:
    """Pairs, people, sessions held and minutes of mentoring. Sessions and
    minutes stand for the pairs that held them. ``totals``: ``meeting_totals``
    when already computed."""
    pairs = programme_pairs(programme)
    if totals is None:
        totals = meeting_totals(programme, [])
    people = Person.objects.filter(
        Q(pk__in=pairs.values("mentor__person"))
        | Q(pk__in=pairs.values("mentee__person"))
    ).count()
    return Headline(
        pairs=privacy.count(totals["pairs"], exact=exact),
        sessions_held=privacy.count(
            totals["held"], n=totals["held_pairs"], exact=exact
        ),
        minutes_held=privacy.count(
            totals["minutes"] or 0, n=totals["held_pairs"], exact=exact
        ),
        people=privacy.count(people, exact=exact),
    )


def funnel_published(top: Headline) -> dict[Hashable, object]:
    """What the headline publishes, as the funnel's keys: the pairs are its
    matched mentees, the people in a pair its matched people (when equal)."""
    return {
        ("cell", "matched", Enrolment.Role.MENTEE.value): top.pairs.number,
        ("row", "matched"): top.people.number,
    }


@dataclass
class Dashboard:
    programme: Programme
    today: datetime.date
    periods: list[Period]
    headline: Headline
    funnel: Table[str, str]
    active_pairs: list[tuple[Period, Figure]]
    cadence: Table[int, str]
    rhythm: Figure
    progress: dict[str, list[ProgressRow]]
    kpis: list[KpiRow]
    ratings: Ratings
    survey: list[SurveyRow]
    silos: Silos
    at_risk: list[Any] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    audience: Audience = Audience.OUTSIDE
    # How many pairs are at risk (all of them; ``at_risk`` lists the first).
    at_risk_count: int | None = None
    # The check-ins, under the small-group rule for everyone.
    pulse: list[PulseRow] = field(default_factory=list)

    @property
    def direction_labels(self) -> dict[str, str]:
        return {k: str(v) for k, v in DIRECTION_LABELS.items()}

    @property
    def exact(self) -> bool:
        return self.audience == Audience.MANAGERS


def dashboard(
    programme: Programme,
    *,
    today: datetime.date | None = None,
    audience: Audience = Audience.OUTSIDE,
) -> Dashboard:
    """Every indicator of a programme, for an ``audience``.

    ``Audience.MANAGERS``, the programme's own managers: exact figures for
    what they may see person by person, ratings and survey answers under the
    small-group rule, and the pairs at risk (the first ``AT_RISK_SHOWN``,
    worst first, and how many in all; the health page lists them all).
    ``Audience.OUTSIDE`` (sponsors, their exports, the PDF report, the
    comparison): every figure under the rule, no name.

    Figures shown in two places (the headline's pairs and people, and the
    tables that add up to them) are published once for all: a table never
    relies on hiding a figure that the headline gives."""
    from binome.pairs.health import worst_pairs

    today = today or timezone.localdate()
    exact = audience == Audience.MANAGERS
    periods = fortnights(programme, today)
    facts = progress_facts(programme)
    totals = meeting_totals(programme, periods, today)
    at_risk = at_risk_count = None
    if exact:
        at_risk, at_risk_count, _active = worst_pairs(
            programme, today, limit=AT_RISK_SHOWN
        )
    top = headline(programme, totals, exact=exact)
    pairs_and_people = funnel_published(top)
    sessions = {("col", Meeting.Status.HELD.value): top.sessions_held.number}
    return Dashboard(
        programme=programme,
        today=today,
        periods=periods,
        headline=top,
        funnel=funnel(programme, exact=exact, published=pairs_and_people),
        active_pairs=active_pairs(programme, periods, today, exact=exact),
        cadence=cadence(programme, periods, totals, exact=exact, published=sessions),
        rhythm=rhythm(programme, today, totals, exact=exact),
        progress={d: progress(programme, d, facts, exact=exact) for d in DIRECTIONS},
        kpis=kpis(programme, exact=exact),
        # Never exact: what participants were promised.
        ratings=ratings(programme),
        survey=survey(programme),
        pulse=pulse(programme),
        silos=silos(programme, exact=exact, total_public=top.pairs.shown),
        at_risk=at_risk,
        audience=audience,
        at_risk_count=at_risk_count,
    )
