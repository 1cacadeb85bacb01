"""« Binôme en difficulté »: the one definition of a pair's health, used by
every page (the activity page, the programme's health page, the dashboard
and the home page's to-do). Activity and signals only, never content: a
poorly rated session or a low check-in answer is a flag, the answers and
comments stay with their author.

Each risk has a weight (``WEIGHTS``); the health score is 100 minus the
weights of the risks that apply, and its signal is « ok » (no risk), « to
watch » or « at risk » (``Signal``). The paused days count neither in the
cadence nor in the inactivity (``pulse``)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from binome.programs.models import Programme

from . import pulse
from .models import Charter, Feedback, Meeting, Pair, PairPause, PulseCheckIn

# A pair with no session held for this long is at risk.
INACTIVITY_DAYS = 30
NEGATIVE_RATING = 2  # a session rated 1 or 2 out of 5
RISKS = {
    # Formatted when shown, in the reader's language (not once at import).
    "inactive": lazy(
        lambda: (
            gettext("No session held for %(days)s days") % {"days": INACTIVITY_DAYS}
        ),
        str,
    )(),
    "cadence": _("Fewer sessions than the cadence plans"),
    "feedback": _("A recent session was rated poorly or not useful"),
    "charter": _("The charter is not accepted yet"),
    # A member's own check-in, by the question that drove it (never the answer).
    "pulse_useful": _("Check-in: the sessions are not useful enough"),
    "pulse_rhythm": _("Check-in: the rhythm of sessions does not hold"),
    "pulse_safety": _("Check-in: a member does not feel free to speak"),
}
# How much each risk takes off the score of 100.
WEIGHTS = {
    "inactive": 35,
    "cadence": 25,
    "feedback": 20,
    "charter": 10,
    "pulse_useful": 25,
    "pulse_rhythm": 20,
    "pulse_safety": 35,
}
# Below this score the pair is at risk; from it up to 99, to watch.
AT_RISK_BELOW = 70


class Signal:
    OK = "ok"
    WATCH = "watch"
    AT_RISK = "at_risk"
    LABELS = {
        OK: _("OK"),
        WATCH: _("To watch"),
        AT_RISK: _("At risk"),
    }


def score(risks: list[str]) -> int:
    """The health score of a pair with these risks, from 0 to 100."""
    return max(0, 100 - sum(WEIGHTS[r] for r in risks))


def signal(risks: list[str]) -> str:
    value = score(risks)
    if value >= 100:
        return Signal.OK
    return Signal.WATCH if value >= AT_RISK_BELOW else Signal.AT_RISK


@dataclass
class PairHealth:
    pair: Pair
    held: int
    expected: int
    last_held: datetime.date | None
    risks: list[str] = field(default_factory=list)
    # The pause under way today, and the days paused since the start.
    pause: PairPause | None = None
    paused_days: int = 0

    @property
    def score(self) -> int:
        return score(self.risks)

    @property
    def signal(self) -> str:
        return signal(self.risks)

    @property
    def signal_label(self) -> str:
        return str(Signal.LABELS[self.signal])

    @property
    def reasons(self) -> list[str]:
        return [str(RISKS[r]) for r in self.risks]


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _expected(
    programme: Programme,
    today: datetime.date,
    first: datetime.date | None,
    paused: Mapping[int, tuple[datetime.date, int]] | None = None,
) -> Case:
    """Sessions the cadence plans by today for a pair started on
    ``started_on``: one per ``cadence_days`` elapsed and not paused, and none
    before the start. A CASE with one branch per cadence period since the
    first pair started, so that it works on every database, after one
    branch per pair ever paused (``paused``: its start and paused days)."""
    days = programme.cadence_days
    periods = max(0, (today - first).days // days) if first else 0
    return Case(
        *[
            When(pk=pk, then=Value(max(0, ((today - start).days - off) // days)))
            for pk, (start, off) in (paused or {}).items()
        ],
        *[
            When(started_on__gt=today - datetime.timedelta(days=(k + 1) * days), then=k)
            for k in range(periods)
        ],
        default=Value(periods),
        output_field=IntegerField(),
    )


def _rows(
    programme: Programme,
    today: datetime.date,
    at_risk_only: bool,
    limit: int | None,
) -> list[tuple[Any, ...]]:
    """The ranked rows of ``_ranked`` for a programme's active pairs."""
    pairs = Pair.objects.in_programme(programme).active()
    first = pairs.aggregate(first=Min("started_on"))["first"]
    ever_paused = Pair.objects.filter(
        pk__in=PairPause.objects.filter(pair__in=pairs, starts_on__lte=today).values(
            "pair_id"
        )
    )
    off = pulse.paused_days(ever_paused, today)
    paused = {p.pk: (p.started_on, off[p.pk]) for p in ever_paused if p.pk in off}
    # A pause in the inactivity window stops its clock.
    quiet_since = today - datetime.timedelta(days=INACTIVITY_DAYS)
    paused_lately = pulse.paused_between(quiet_since, today)
    pulse_since = _aware(today - datetime.timedelta(days=pulse.PULSE_RECENT_DAYS - 1))
    low = {
        key: Exists(
            PulseCheckIn.objects.filter(
                pair=OuterRef("pk"),
                answered_at__gte=pulse_since,
                **{f"{key}__lte": pulse.LOW_ANSWER},
            )
        )
        for key in pulse.QUESTION_KEYS
    }
    # Recent means the last two cadence periods up to the end of ``today``,
    # the same day the other risks are measured on, never the wall clock.
    recent = _aware(today + datetime.timedelta(days=1 - 2 * programme.cadence_days))
    poor = Feedback.objects.filter(
        # The programme, not the annotated queryset: a grouped subquery
        # here costs seconds at 5,000 pairs.
        meeting__pair__mentee__programme=programme,
        meeting__pair__status=Pair.Status.ACTIVE,
        meeting__starts_at__gte=recent,
    ).filter(Q(rating__lte=NEGATIVE_RATING) | Q(useful=False))
    accepted = Charter.objects.filter(
        pair=OuterRef("pk"),
        mentor_accepted_at__isnull=False,
        mentee_accepted_at__isnull=False,
    )
    facts = (
        pairs.annotate(
            expected=_expected(programme, today, first, paused),
            # 1 or 0, the same on every database (an empty IN is folded
            # into a bare 0, which PostgreSQL does not take as a boolean).
            paused_lately=Case(
                When(pk__in=sorted(paused_lately), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            **{f"low_{key}": value for key, value in low.items()},
            poor=ExpressionWrapper(
                Q(pk__in=poor.values("meeting__pair_id")), output_field=BooleanField()
            ),
            accepted=Exists(accepted),
            mentee_last_name=F("mentee__person__last_name"),
        )
        .order_by()
        .values(
            "pk",
            "started_on",
            "mentee_last_name",
            "expected",
            "poor",
            "accepted",
            "paused_lately",
            *[f"low_{key}" for key in low],
        )
    )
    held = (
        Meeting.objects.filter(pair__in=pairs, status=Meeting.Status.HELD)
        .order_by()
        .values(pair_pk=F("pair"))
        .annotate(held=Count("pk"), last_held=Max("starts_at"))
    )
    return _ranked(
        facts, held, programme, today, at_risk_only=at_risk_only, limit=limit
    )


def risks_by_pair(
    programme: Programme, today: datetime.date | None = None
) -> dict[int, list[str]]:
    """The risks of each pair at risk, by pair id, without loading any pair."""
    rows = _rows(programme, today or timezone.localdate(), True, None)
    return {
        row[0]: [name for name, on in zip(RISKS, row[4:], strict=True) if on]
        for row in rows
    }


def risk_counts(
    programme: Programme, today: datetime.date | None = None
) -> tuple[int, int]:
    """(pairs at risk, active pairs) by the same definition as
    ``pair_health``, without loading any pair."""
    rows = _rows(programme, today or timezone.localdate(), False, None)
    return sum(any(row[4:]) for row in rows), len(rows)


def worst_pairs(
    programme: Programme, today: datetime.date | None = None, *, limit: int
) -> tuple[list[PairHealth], int, int]:
    """The first ``limit`` pairs at risk (as ``pair_health`` ranks them), the
    number of pairs at risk and of active pairs, in one pass: for pages that
    show a bounded list with the totals."""
    today = today or timezone.localdate()
    rows = _rows(programme, today, False, None)
    at_risk = [row for row in rows if any(row[4:])]
    return _health(at_risk[:limit], today), len(at_risk), len(rows)


def pair_health(
    programme: Programme,
    today: datetime.date | None = None,
    *,
    at_risk_only: bool = False,
    limit: int | None = None,
) -> list[PairHealth]:
    """Active pairs with the risks that apply, worst first, then by the
    mentee's last name; ``at_risk_only`` leaves out the pairs on track and
    ``limit`` keeps the first ones. The database computes the facts and the
    risks of every pair and ranks them: only the rows asked for are loaded."""
    today = today or timezone.localdate()
    return _health(_rows(programme, today, at_risk_only, limit), today)


def _health(ranked: list[tuple[Any, ...]], today: datetime.date) -> list[PairHealth]:
    """The rows of ``_ranked`` with their pairs."""
    found = Pair.objects.select_related("mentor__person", "mentee__person").in_bulk(
        [row[0] for row in ranked]
    )
    pauses = {
        p.pair_id: p for p in PairPause.objects.on(today).filter(pair__in=list(found))
    }
    off = pulse.paused_days(found.values(), today)
    out = []
    for pk, held_count, last, expected, *risks in ranked:
        out.append(
            PairHealth(
                found[pk],
                held_count,
                expected,
                timezone.localdate(_datetime(last)) if last else None,
                [name for name, on in zip(RISKS, risks, strict=True) if on],
                pauses.get(pk),
                off.get(pk, 0),
            )
        )
    return out


def _ranked(
    facts: QuerySet[Pair, Mapping[str, Any]],
    held: QuerySet[Meeting, Mapping[str, Any]],
    programme: Programme,
    today: datetime.date,
    *,
    at_risk_only: bool,
    limit: int | None,
) -> list[tuple[Any, ...]]:
    """(pk, held, last held, expected, *one flag per risk) of each pair, the
    most risks first, then by the mentee's last name in code point order (as
    Python sorts strings, whatever the database's collation), the latest
    start and the id.

    In SQL over the facts: with the ORM, each risk's expression would be
    repeated in WHERE and ORDER BY (and the subqueries it holds run again), in
    a statement big enough for PostgreSQL to spend seconds compiling it."""
    quiet_since = today - datetime.timedelta(days=INACTIVITY_DAYS)
    charter_due = today - datetime.timedelta(days=programme.cadence_days)
    ops = connection.ops
    # Each risk as a condition on the facts, with its parameters; in RISKS order.
    conditions = {
        # No session held since (without any: since the start) INACTIVITY_DAYS.
        "inactive": (
            "paused_lately = 0 AND "
            "(last_held < %s OR (last_held IS NULL AND started_on <= %s))",
            [
                ops.adapt_datetimefield_value(
                    _aware(quiet_since + datetime.timedelta(days=1))
                ),
                ops.adapt_datefield_value(quiet_since),
            ],
        ),
        # Fewer sessions than the cadence plans; one missed one is tolerated.
        "cadence": ("expected >= 2 AND held < expected - 1", []),
        # A recent session rated poorly or not useful.
        "feedback": ("poor", []),
        # Past the first cadence period without a charter both accepted.
        "charter": (
            "started_on < %s AND NOT accepted",
            [ops.adapt_datefield_value(charter_due)],
        ),
        # A recent check-in answered low, by question.
        **{f"pulse_{key}": (f"low_{key}", []) for key in pulse.QUESTION_KEYS},
    }
    facts_sql, facts_params = facts.query.sql_with_params()
    held_sql, held_params = held.query.sql_with_params()
    flags = ", ".join(
        f"CASE WHEN {conditions[name][0]} THEN 1 ELSE 0 END AS risk_{name}"
        for name in RISKS
    )
    risk_params = [param for name in RISKS for param in conditions[name][1]]
    # Ranked by the weight of the risks: the lowest score first.
    count = " + ".join(f"risk_{name} * {int(WEIGHTS[name])}" for name in RISKS)
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    # MATERIALIZED: each computed once, not folded into WHERE and ORDER BY.
    sql = (
        f"WITH facts AS MATERIALIZED ({facts_sql}), "
        f"held AS MATERIALIZED ({held_sql}), "
        "joined AS (SELECT facts.*, COALESCE(held.held, 0) AS held, "
        "held.last_held FROM facts LEFT JOIN held ON held.pair_pk = facts.pk), "
        f"scored AS (SELECT joined.*, {flags} FROM joined) "
        "SELECT pk, held, last_held, expected, "
        + ", ".join(f"risk_{name}" for name in RISKS)
        + " FROM scored"
        + (f" WHERE {count} > 0" if at_risk_only else "")
        + f" ORDER BY {count} DESC, mentee_last_name{collate}, started_on DESC, pk"
        + (f" LIMIT {int(limit)}" if limit is not None else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*facts_params, *held_params, *risk_params])
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


def _datetime(value: Any) -> datetime.datetime:
    """A timestamp as the ORM would return it (SQLite hands back text)."""
    expression = Value(None, output_field=DateTimeField())
    for converter in connection.ops.get_db_converters(expression):
        value = converter(value, expression, connection)
    converted: datetime.datetime = value
    return converted
