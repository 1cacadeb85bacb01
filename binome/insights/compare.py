"""Pilot versus scale-up: two programmes side by side on the dashboard's
indicators, with a plain-language go/no-go summary.

The summary only reads published figures: a hidden figure (« < 5 ») is
« not enough data », never guessed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

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


@dataclass
class Line:
    key: str
    label: str
    first: Figure
    second: Figure
    target: float | None
    verdict: str  # better, worse, similar, unknown


@dataclass
class Comparison:
    first: Dashboard
    second: Dashboard
    lines: list[Line]
    decision: str  # go, caution, no-go, unknown
    summary: list[str]


def _meets(figure: Figure, target: float | None) -> bool | None:
    if target is None or not figure.shown:
        return None
    return float(figure.value or 0) >= target


def compare(first: Dashboard, second: Dashboard) -> Comparison:
    """Compare ``second`` (the scale-up) with ``first`` (the pilot). The
    decision is about scaling up: go when the figures that have a bar meet
    it in the programme with results (the scale-up if it has enough data,
    else the pilot); caution when one misses it; no-go when more miss it
    than meet it."""
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
        lines.append(Line(key, label, a, b, target, verdict))

    def checks(side: str) -> list[tuple[Line, bool]]:
        return [
            (line, met)
            for line in lines
            if (met := _meets(getattr(line, side), line.target)) is not None
        ]

    judged = "second" if len(checks("second")) >= 3 else "first"
    results = checks(judged)
    met = [line for line, ok in results if ok]
    missed = [line for line, ok in results if not ok]
    name = (first if judged == "first" else second).programme.name
    summary = []
    if len(results) < 3:
        decision = "unknown"
        summary.append(
            _(
                "Not enough published figures to decide yet: groups of fewer "
                "than 5 people are hidden."
            )
        )
    elif not missed:
        decision = "go"
        summary.append(
            _("Go: %(name)s meets every target (%(count)s indicators).")
            % {"name": name, "count": len(met)}
        )
    elif len(missed) == 1 or len(missed) < len(met):
        decision = "caution"
        summary.append(
            _("Go, with care: %(name)s misses %(missed)s of %(count)s targets.")
            % {"name": name, "missed": len(missed), "count": len(results)}
        )
    else:
        decision = "no-go"
        summary.append(
            _("No-go for now: %(name)s misses %(missed)s of %(count)s targets.")
            % {"name": name, "missed": len(missed), "count": len(results)}
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
    better = [line.label for line in lines if line.verdict == "better"]
    worse = [line.label for line in lines if line.verdict == "worse"]
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
    return Comparison(first, second, lines, decision, summary)
