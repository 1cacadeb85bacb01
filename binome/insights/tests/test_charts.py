"""The dashboard's charts are drawn within their frame: no text outside the
SVG's viewBox, notably « Pas assez de données » on an empty programme."""

import datetime
import re
from xml.etree import ElementTree

import pytest
from django.utils import translation

from binome.insights import indicators
from binome.insights.charts import charts

SVG = "{http://www.w3.org/2000/svg}"
# DejaVu Sans advances are at most about 0.65 em for the letters used here
# (0.61 on average): an upper bound of the width drawn for a text.
EM_WIDTH = 0.7


def _font_sizes(root) -> dict[str, float]:
    """The font size of each class, from the SVG's own style sheet."""
    css = "".join(style.text or "" for style in root.iter(f"{SVG}style"))
    sizes = {}
    for name, size in re.findall(r"\.([\w-]+)\{[^}]*font-size:([\d.]+)px", css):
        sizes[name] = float(size)
    return sizes


def _overflowing_texts(svg: bytes) -> list[str]:
    root = ElementTree.fromstring(svg)
    _x, _y, width, height = (float(v) for v in root.get("viewBox", "").split())
    sizes = _font_sizes(root)
    out = []
    for text in root.iter(f"{SVG}text"):
        if "no_data" not in (text.get("class") or ""):
            continue
        size = sizes["no_data"]
        half = len(text.text or "") * size * EM_WIDTH / 2  # text-anchor: middle
        x, y = float(text.get("x", 0)), float(text.get("y", 0))
        if x - half < 0 or x + half > width or y - size < 0 or y > height:
            out.append(f"{text.text!r} at x={x}, {size}px")
    return out


@pytest.mark.parametrize(
    ("language", "words"), [("fr", "Pas assez de données"), ("en", "Not enough data")]
)
def test_no_data_text_stays_inside_the_chart(pilot, language, words):
    # A programme without any pair or session: the charts have nothing to draw.
    with translation.override(language):
        board = indicators.dashboard(pilot, today=datetime.date(2026, 11, 2))
        drawn = charts(board)
    empty = [chart for chart in drawn.values() if words.encode() in chart.svg]
    assert empty, "no chart says it lacks data"
    for chart in empty:
        assert _overflowing_texts(chart.svg) == [], chart.key
        # Nothing else is drawn under the message: no axis, label or legend.
        root = ElementTree.fromstring(chart.svg)
        texts = [t.get("class", "") for t in root.iter(f"{SVG}text")]
        assert sorted(texts) == ["no_data", "title plot_title"], (chart.key, texts)
