"""Charts drawn on the server as SVG with pygal, from figures that have
already been through the privacy rules (a hidden figure is a gap).

Each chart is returned as a ``data:image/svg+xml`` URI for an ``<img>``: an
SVG image runs no script and its own styles do not fall under the page's
CSP (``img-src 'self' data:``), so the page keeps its strict policy. The
same URIs go into the PDF report. pygal's tooltip script is stripped
anyway: nothing could run it in an image.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

from .indicators import Dashboard
from .privacy import Figure

ElementTree.register_namespace("", "http://www.w3.org/2000/svg")
ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1d2733",
    foreground_strong="#1d2733",
    foreground_subtle="#5b6673",
    opacity="1",
    opacity_hover="1",
    colors=("#1f5fa8", "#e07b00", "#7a3e9d", "#2e7d32", "#b3261e", "#00838f"),
    font_family="DejaVu Sans, Arial, sans-serif",
    title_font_size=18,
    label_font_size=13,
    major_label_font_size=13,
    legend_font_size=14,
    value_font_size=13,
    # pygal's default (64 px) draws « Pas assez de données » wider than the
    # chart, over its edges: the text must fit the 760 px viewBox.
    no_data_font_size=24,
)


def _strip_scripts(root: Any) -> Any:
    for parent in root.iter():
        for child in list(parent):
            if str(child.tag).endswith("script"):
                parent.remove(child)
    return root


def _config(**extra: Any) -> dict[str, Any]:
    return {
        "style": STYLE,
        "js": [],
        "width": 760,
        "height": 360,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 3,
        "print_values": False,
        "show_minor_x_labels": True,
        "truncate_label": -1,
        "truncate_legend": -1,
        "no_data_text": _("Not enough data"),
        **extra,
    }


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    description: str  # the text alternative; the data table follows
    uri: str
    svg: bytes


def _has_data(chart: Any) -> bool:
    return any(
        value is not None for values, _config in chart.raw_series for value in values
    )


def _render(key: str, chart: Any, description: str) -> Chart:
    if not _has_data(chart):
        # Every figure hidden or missing: the title and « Not enough data »
        # alone, not drawn over empty axes, guides and labels.
        chart = pygal.Bar(
            **_config(
                title=chart.config.title,
                show_legend=False,
                show_x_labels=False,
                show_y_labels=False,
                show_x_guides=False,
                show_y_guides=False,
            )
        )
    tree = _strip_scripts(ElementTree.fromstring(chart.render()))
    svg = ElementTree.tostring(tree, encoding="utf-8", xml_declaration=True)
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return Chart(key, str(chart.config.title or ""), description, uri, svg)


def _values(figures: Sequence[Figure]) -> list[float | int | None]:
    return [f.number for f in figures]


def charts(board: Dashboard) -> dict[str, Chart]:
    out: dict[str, Chart] = {}

    funnel = pygal.HorizontalBar(**_config(title=_("Enrolment funnel")))
    funnel.x_labels = [label for _key, label in board.funnel.rows][::-1]
    for index, (_key, label) in enumerate(board.funnel.cols):
        funnel.add(label, [row[1][index].number for row in board.funnel.body()][::-1])
    out["funnel"] = _render(
        "funnel",
        funnel,
        _("Mentors and mentees at each step, from invitation to pair."),
    )

    active = pygal.Line(**_config(title=_("Active pairs"), show_legend=False))
    active.x_labels = [p.label for p, _f in board.active_pairs]
    active.add(_("Active pairs"), _values([f for _p, f in board.active_pairs]))
    out["active"] = _render(
        "active", active, _("Active pairs at the end of each fortnight.")
    )

    cadence = pygal.StackedBar(**_config(title=_("Sessions per fortnight")))
    cadence.x_labels = [label for _k, label in board.cadence.rows]
    for col, label in board.cadence.cols:
        cadence.add(
            label,
            [board.cadence.cell(row, col).number for row, _l in board.cadence.rows],
        )
    out["cadence"] = _render(
        "cadence",
        cadence,
        _("Sessions held, planned and missed in each fortnight."),
    )

    for direction, rows in board.progress.items():
        areas = [r for r in rows if r.is_area]
        chart = pygal.Bar(
            **_config(
                title=str(board.direction_labels[direction]),
                range=(0, 4),
                y_labels=[0, 1, 2, 3, 4],
                x_label_rotation=20 if len(areas) > 3 else 0,
            )
        )
        chart.x_labels = [r.label for r in areas]
        chart.add(_("Baseline"), _values([r.baseline for r in areas]))
        chart.add(_("Mid-way"), _values([r.midway for r in areas]))
        chart.add(_("End of programme"), _values([r.final for r in areas]))
        out[f"progress_{direction}"] = _render(
            f"progress_{direction}",
            chart,
            _("Average self-assessed level (0–4) per area, at each stage."),
        )

    kpi = pygal.HorizontalBar(
        **_config(title=_("Goals reached (%)"), range=(0, 100), show_legend=False)
    )
    kpi.x_labels = [r.label for r in board.kpis][::-1]
    kpi.add(_("Goals reached"), _values([r.reached for r in board.kpis])[::-1])
    out["kpis"] = _render("kpis", kpi, _("Share of goals reached, by skill."))

    survey = pygal.Bar(**_config(title=_("Confidence before and after"), range=(1, 5)))
    survey.x_labels = [r.label for r in board.survey]
    survey.add(_("Before"), _values([r.confidence_before for r in board.survey]))
    survey.add(_("After"), _values([r.confidence_after for r in board.survey]))
    survey.add(_("Satisfaction"), _values([r.satisfaction for r in board.survey]))
    out["survey"] = _render(
        "survey",
        survey,
        _("End-of-programme survey: confidence before and after, satisfaction (1–5)."),
    )
    return out
