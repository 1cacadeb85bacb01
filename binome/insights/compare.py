"""Pilot versus scale-up: two programmes side by side on the dashboard's
indicators, with a plain-language go/no-go summary.

The summary only reads published figures: a hidden figure (« masqué ») is an
unknown target, never guessed, and the summary counts the targets it could
not check. The comparison is outside any one programme: its figures are
under the small-group rule for everyone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from binome.programs.models import Programme

from .indicators import Dashboard
from .privacy import Figure

# key, label, how to read it from a dashboard, the bar a programme must meet
# for a « go », and a tolerance under which two figures count as similar.
Indicator = tuple[str, str, Callable[[Dashboard], Figure], float | None, float]


def _area_change(board: Dashboard, direction: str) -> Figure:
    """The change over all areas of a direction: the first area row is not
    enough, so take the mean of the shown area changes weighted by people."""
    rows = [r for r in board.progress[direction] if r.is_area and r.change.shown]
    n = sum(r.change.n for r in rows)
    if not n:
        hidden = any(r.is_area and r.change.hidden for r in board.progress[direction])
        return Figure(None, 0, hidden=hidden, decimals=1)
    value = sum(float(r.change.value or 0) * r.change.n for r in rows) / n
    return Figure(round(value, 1), n, decimals=1)


def indicators() -> list[Indicator]:
    return [
        ("pairs", _("Pairs"), lambda b: b.headline.pairs, None, 0),
        (
            "matched",
            _("Volunteers matched"),
            lambda b: _matched_share(b),
            None,
            5,
        ),
        ("rhythm", _("Pairs keeping the rhythm"), lambda b: b.rhythm, 70, 5),
        (
            "digital",
            _("Average change in digital skills (mentees)"),
            lambda b: _area_change(b, "mentee"),
            0.3,
            0.2,
        ),
        (
            "leadership",
            _("Average change in leadership skills (mentors)"),
            lambda b: _area_change(b, "mentor"),
            0.3,
            0.2,
        ),
        (
            "kpis",
            _("Goals reached"),
            lambda b: b.kpis[-1].reached if b.kpis else Figure(None, 0, suffix=" %"),
            50,
            5,
        ),
        ("rating", _("Average session rating"), lambda b: b.ratings.average, 4, 0.2),
        ("useful", _("Sessions found useful"), lambda b: b.ratings.useful, 80, 5),
        (
            "recommend",
            _("Would recommend the programme"),
            lambda b: b.survey[-1].recommend,
            80,
            5,
        ),
        (
            "silos",
            _("Pairs across departments"),
            lambda b: b.silos.crossing,
            None,
            5,
        ),
    ]


def _matched_share(board: Dashboard) -> Figure:
    enrolled = board.funnel.row_totals["enrolled"] if board.funnel.row_totals else None
    matched = board.funnel.row_totals["matched"] if board.funnel.row_totals else None
    if not enrolled or not matched or enrolled.hidden or matched.hidden:
        return Figure(None, 0, hidden=True, suffix=" %")
    if not enrolled.value:
        return Figure(None, 0, suffix=" %")
    return Figure(
        round(100 * int(matched.value or 0) / int(enrolled.value)),
        int(enrolled.value),
        suffix=" %",
    )


# Why a target could not be checked.
UNKNOWN_REASONS = {
    "hidden": gettext_lazy("hidden to protect people: fewer than 5 behind it"),
    "no-data": gettext_lazy("no data yet"),
    "not-applicable": gettext_lazy("not applicable yet: the programme has not ended"),
}
# The same, in a word, next to the figure.
UNKNOWN_SHORT = {
    "hidden": pgettext_lazy("target", "hidden"),
    "no-data": gettext_lazy("no data yet"),
    "not-applicable": gettext_lazy("not applicable yet"),
}
# Figures that only exist once the programme has ended (the closing survey).
AT_THE_END = {"recommend"}


@dataclass(frozen=True)
class Check:
    """A programme's figure against its target: met, missed or unknown, and
    for unknown why (a ``UNKNOWN_REASONS`` key)."""

    status: str  # met, missed, unknown
    why: str = ""

    @property
    def reason(self) -> str:
        return str(UNKNOWN_REASONS[self.why]) if self.why else ""

    @property
    def label(self) -> str:
        return str(CHECK_LABELS[self.status])

    @property
    def short(self) -> str:
        return str(UNKNOWN_SHORT[self.why]) if self.why else ""


CHECK_LABELS = {
    "met": pgettext_lazy("target", "met"),
    "missed": pgettext_lazy("target", "missed"),
    "unknown": pgettext_lazy("target", "unknown"),
}


def check(
    key: str, figure: Figure, target: float | None, board: Dashboard
) -> Check | None:
    """None when the indicator has no target."""
    if target is None:
        return None
    if figure.shown:
        met = float(figure.value or 0) >= target
        return Check("met" if met else "missed")
    if figure.hidden:
        return Check("unknown", "hidden")
    end = board.programme.end_date
    ended = board.programme.status == Programme.Status.CLOSED or (
        end is not None and end <= board.today
    )
    if key in AT_THE_END and not ended:
        return Check("unknown", "not-applicable")
    return Check("unknown", "no-data")


@dataclass
class Line:
    key: str
    label: str
    first: Figure
    second: Figure
    target: float | None
    verdict: str  # better, worse, similar, unknown
    first_check: Check | None = None
    second_check: Check | None = None

    @property
    def target_label(self) -> str:
        if self.target is None:
            return ""
        return f"{number_format(self.target)}{self.first.suffix}"


@dataclass
class Comparison:
    first: Dashboard
    second: Dashboard
    lines: list[Line]
    decision: str  # go, caution, no-go, unknown
    summary: list[str]
    judged: str = "second"  # the side the decision reads

    @property
    def judged_name(self) -> str:
        return (self.first if self.judged == "first" else self.second).programme.name


def _started(programme: Programme) -> bool:
    return programme.status in (Programme.Status.RUNNING, Programme.Status.CLOSED)


def compare(first: Dashboard, second: Dashboard) -> Comparison:
    """Compare ``second`` (the scale-up) with ``first`` (the pilot). The
    decision is about scaling up, on the programme with results (the
    scale-up if it has at least 3 targets it can be checked against, else
    the pilot): go when every target is met; go with care when one is
    missed, fewer are missed than met, or some could not be checked (never
    « every target » then); no-go when as many or more are missed than met;
    unknown when fewer than 3 can be checked. Each target is met, missed or
    unknown, and an unknown one says why."""
    lines = []
    for key, label, read, target, tolerance in indicators():
        a, b = read(first), read(second)
        if a.shown and b.shown:
            gap = float(b.value or 0) - float(a.value or 0)
            verdict = (
                "similar"
                if abs(gap) <= tolerance
                else ("better" if gap > 0 else "worse")
            )
        else:
            verdict = "unknown"
        lines.append(
            Line(
                key,
                label,
                a,
                b,
                target,
                verdict,
                check(key, a, target, first),
                check(key, b, target, second),
            )
        )

    def checks(side: str) -> list[tuple[Line, Check]]:
        return [
            (line, found)
            for line in lines
            if (found := getattr(line, f"{side}_check")) is not None
        ]

    def checked(side: str) -> int:
        return sum(c.status != "unknown" for _line, c in checks(side))

    judged = "second" if checked("second") >= 3 else "first"
    targets = checks(judged)
    met = [line for line, c in targets if c.status == "met"]
    missed = [line for line, c in targets if c.status == "missed"]
    unknown = [(line, c) for line, c in targets if c.status == "unknown"]
    name = (first if judged == "first" else second).programme.name
    counts = {
        "name": name,
        "count": len(targets),
        "met": len(met),
        "missed": len(missed),
        "unknown": len(unknown),
    }
    summary = []
    if len(met) + len(missed) < 3:
        decision = "unknown"
        summary.append(
            ngettext(
                "Not enough figures to decide yet: %(name)s can be checked "
                "against %(checked)s target of %(count)s.",
                "Not enough figures to decide yet: %(name)s can be checked "
                "against %(checked)s targets of %(count)s.",
                len(met) + len(missed),
            )
            % {**counts, "checked": len(met) + len(missed)}
        )
    elif not missed and not unknown:
        decision = "go"
        summary.append(_("Go: %(name)s meets all %(count)s targets.") % counts)
    elif not missed:
        decision = "caution"
        summary.append(
            ngettext(
                "Go, with care: %(name)s meets the %(met)s targets it could be "
                "checked against, but %(unknown)s of its %(count)s targets could "
                "not be checked.",
                "Go, with care: %(name)s meets the %(met)s targets it could be "
                "checked against, but %(unknown)s of its %(count)s targets could "
                "not be checked.",
                len(unknown),
            )
            % counts
        )
    else:
        decision = "caution" if len(missed) == 1 or len(missed) < len(met) else "no-go"
        sentence = (
            _("Go, with care: %(name)s misses %(missed)s of its %(count)s targets.")
            if decision == "caution"
            else _(
                "No-go for now: %(name)s misses %(missed)s of its %(count)s targets."
            )
        )
        summary.append(sentence % counts)
        if unknown:
            summary.append(
                ngettext(
                    "%(unknown)s of its targets could not be checked.",
                    "%(unknown)s of its targets could not be checked.",
                    len(unknown),
                )
                % counts
            )
    for line in missed:
        summary.append(
            _("To improve: %(label)s (%(value)s, target %(target)s).")
            % {
                "label": line.label,
                "value": getattr(line, judged),
                "target": f"{line.target:g}{getattr(line, judged).suffix}",
            }
        )
    for line, c in unknown:
        summary.append(
            _("Could not be checked: %(label)s (%(why)s).")
            % {"label": line.label, "why": c.reason}
        )
    waiting = [b.programme for b in (first, second) if not _started(b.programme)]
    for programme in waiting:
        # A wave still recruiting has no sessions, rhythm or pairs yet:
        # « does less well on: Pairs » would only say it has not started.
        summary.append(
            _(
                "%(name)s has not started yet (%(status)s): the two programmes' "
                "figures are not compared."
            )
            % {"name": programme.name, "status": programme.get_status_display()}
        )
    better = [line.label for line in lines if line.verdict == "better" and not waiting]
    worse = [line.label for line in lines if line.verdict == "worse" and not waiting]
    if better:
        summary.append(
            _("%(second)s does better than %(first)s on: %(list)s.")
            % {
                "second": second.programme.name,
                "first": first.programme.name,
                "list": ", ".join(better),
            }
        )
    if worse:
        summary.append(
            _("%(second)s does less well than %(first)s on: %(list)s.")
            % {
                "second": second.programme.name,
                "first": first.programme.name,
                "list": ", ".join(worse),
            }
        )
    return Comparison(first, second, lines, decision, summary, judged)
