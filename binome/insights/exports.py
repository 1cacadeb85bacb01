"""CSV exports of the aggregate tables and the PDF report. They show the very
figures of the dashboard, after the same privacy rules: a hidden figure is
written « masqué », never its value, and a CSV with one says why on its last
line. A programme's managers get their dashboard's exact figures; sponsors
the small-group rule; the PDF report always the rule."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .charts import charts
from .indicators import Dashboard
from .privacy import Figure, Table, hidden_label, hidden_reason

CSS = Path(__file__).parent / "static" / "insights" / "report.css"

Row = list[object]


def _cell(value: object) -> str:
    # A Figure prints as the reader sees it: localised, or « masqué ».
    return str(value)


def _table_rows(table: Table[Any, Any], first: str) -> Iterable[Row]:
    header: Row = [first, *[label for _k, label in table.cols]]
    if table.row_totals is not None:
        header.append(_("Total"))
    yield header
    for label, cells, total in table.body():
        yield [label, *cells, *([total] if total is not None else [])]
    footer = table.footer()
    if footer is not None:
        yield [_("Total"), *footer, *([table.total] if table.total else [])]


def _funnel(board: Dashboard) -> Iterable[Row]:
    return _table_rows(board.funnel, _("Step"))


def _active(board: Dashboard) -> Iterable[Row]:
    yield [_("Fortnight"), _("Active pairs")]
    for period, figure in board.active_pairs:
        yield [period.start.isoformat(), figure]


def _cadence(board: Dashboard) -> Iterable[Row]:
    yield [_("Fortnight"), *[label for _k, label in board.cadence.cols]]
    periods = {p.index: p for p in board.periods}
    for key, _label in board.cadence.rows:
        yield [
            periods[key].start.isoformat(),
            *[board.cadence.cell(key, c) for c, _l in board.cadence.cols],
        ]
    footer = board.cadence.footer()
    if footer is not None:
        yield [_("Total"), *footer]
    yield [_("Pairs keeping the rhythm"), board.rhythm]


def _progress(board: Dashboard) -> Iterable[Row]:
    yield [
        _("Direction"),
        _("Area or skill"),
        _("Baseline"),
        _("Mid-way"),
        _("End of programme"),
        _("Average change"),
        _("Standard deviation"),
        _("Improved"),
    ]
    for direction, rows in board.progress.items():
        for row in rows:
            yield [
                board.direction_labels[direction],
                row.label,
                row.baseline,
                row.midway,
                row.final,
                row.change,
                row.spread,
                row.improved,
            ]


def _kpis(board: Dashboard) -> Iterable[Row]:
    yield [_("Skill"), _("Goals"), _("Goals reached")]
    for row in board.kpis:
        yield [row.label, row.goals, row.reached]


def _satisfaction(board: Dashboard) -> Iterable[Row]:
    yield [_("Session rating"), _("Answers")]
    for label, cells, _total in board.ratings.distribution.body():
        yield [label, *cells]
    yield [_("Average rating"), board.ratings.average]
    yield [_("Sessions found useful"), board.ratings.useful]
    yield []
    yield [
        _("End-of-programme survey"),
        _("People"),
        _("Confidence before"),
        _("Confidence after"),
        _("Satisfaction"),
        _("Would recommend"),
    ]
    for row in board.survey:
        yield [
            row.label,
            row.people,
            row.confidence_before,
            row.confidence_after,
            row.satisfaction,
            row.recommend,
        ]


def _silos(board: Dashboard) -> Iterable[Row]:
    yield from _table_rows(
        board.silos.departments, _("Mentor's department → mentee's department")
    )
    yield []
    yield from _table_rows(board.silos.levels, _("Mentor's level → mentee's level"))
    yield []
    yield [_("Pairs across departments"), board.silos.crossing]


TABLES: dict[str, tuple[object, Callable[[Dashboard], Iterable[Row]]]] = {
    "participation": (gettext_lazy("Participation"), _funnel),
    "paires-actives": (gettext_lazy("Active pairs"), _active),
    "rythme": (gettext_lazy("Cadence"), _cadence),
    "progres": (gettext_lazy("Progress"), _progress),
    "objectifs": (gettext_lazy("Goals"), _kpis),
    "satisfaction": (gettext_lazy("Satisfaction"), _satisfaction),
    "silos": (gettext_lazy("Silo-crossing"), _silos),
}


def csv_bytes(board: Dashboard, name: str) -> bytes:
    """One aggregate table as CSV: UTF-8 with a BOM and semicolons, as
    French spreadsheets expect."""
    _title, rows = TABLES[name]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    hidden = False
    for row in rows(board):
        hidden = hidden or any(isinstance(v, Figure) and v.hidden for v in row)
        writer.writerow([_cell(value) for value in row])
    if hidden:
        writer.writerow(
            [
                _("« %(label)s »: %(reason)s.")
                % {"label": hidden_label(), "reason": hidden_reason()}
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# A page with what the report holds (a heading, a table, an SVG chart, text
# in the report's fonts): laying it out imports and initialises what the first
# report would otherwise pay for.
_WARM_UP_HTML = (
    '<h1>Binôme</h1><p>é « » < 5 %</p><table class="table"><caption>x</caption>'
    "<tr><th>a</th><td class=num>1</td></tr></table>"
    '<figure class="chart"><img src="data:image/svg+xml,'
    "%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 10 10'%3E"
    "%3Ctext x='1' y='5'%3Ea%3C/text%3E%3C/svg%3E\"></figure>"
)


def warm_up() -> None:
    """Pay, when a web process starts, the one-off costs of the first PDF:
    importing WeasyPrint and its dependencies, loading fontconfig and Pango,
    parsing the user-agent and report style sheets, importing the font
    subsetter. Measured on the demo (bench/report.py): about 1 s, that the
    first report of each process paid on top of its own rendering."""
    from weasyprint import CSS as WeasyCSS
    from weasyprint import HTML

    HTML(string=_WARM_UP_HTML).write_pdf(stylesheets=[WeasyCSS(filename=str(CSS))])


def pdf_document(board: Dashboard, *, base_url: str) -> Any:
    """The printable A4 report, charts embedded, laid out by WeasyPrint (a
    ``weasyprint.Document``: its pages can be inspected before writing)."""
    from weasyprint import CSS as WeasyCSS
    from weasyprint import HTML

    html = render_to_string(
        "insights/report.html",
        {"board": board, "charts": charts(board), "programme": board.programme},
    )
    return HTML(string=html, base_url=base_url).render(
        stylesheets=[WeasyCSS(filename=str(CSS))]
    )


def pdf_bytes(board: Dashboard, *, base_url: str) -> bytes:
    """The printable A4 report as PDF bytes."""
    pdf: bytes = pdf_document(board, base_url=base_url).write_pdf()
    return pdf  # weasyprint is not annotated
