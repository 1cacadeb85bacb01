"""The printable report: headings and captions stay with what they
introduce, checked on the laid-out pages, not on the style sheet."""

import pytest
from django.utils import timezone, translation

from binome.demo.services import load_demo
from binome.insights import exports, indicators
from binome.insights.privacy import Audience
from binome.programs.models import Programme

# What must never be the last thing on a page: it would introduce nothing.
INTRODUCERS = {"h1", "h2", "h3", "caption"}
# The boxes that carry the content, in document order.
CONTENT = INTRODUCERS | {"p", "dt", "dd", "tr", "figure", "li"}


def _last_on_each_page(document) -> list[tuple[str, str]]:
    """The tag and the text start of the last content box of each page."""
    out = []
    for page in document.pages:
        last: list[tuple[str, str]] = [("", "")]

        def walk(box, last=last):
            tag = getattr(box, "element_tag", None)
            if tag in CONTENT:
                last[0] = (tag, _text(box)[:40])
            for child in getattr(box, "children", []) or []:
                walk(child)

        walk(page._page_box)
        out.append(last[0])
    return out


def _text(box) -> str:
    if hasattr(box, "text"):
        return str(box.text)
    return "".join(_text(c) for c in getattr(box, "children", []) or [])


def _render(programme, language):
    with translation.override(language):
        board = indicators.dashboard(
            programme, today=timezone.localdate(), audience=Audience.OUTSIDE
        )
        return exports.pdf_document(board, base_url="https://testserver/")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_page_ends_with_a_heading_or_a_caption(pilot, dataset, language):
    document = _render(pilot, language)
    assert len(document.pages) > 2
    ends = _last_on_each_page(document)
    assert [end for end in ends if end[0] in INTRODUCERS] == [], ends


def test_the_demo_pilots_report_keeps_captions_with_their_long_tables(db):
    # The demo's pilot rates 30 skills: its progress table is longer than a
    # page, and a caption was left alone on a page before it.
    load_demo()
    pilot = Programme.objects.get(is_pilot=True)
    for language in ("fr", "en"):
        document = _render(pilot, language)
        ends = _last_on_each_page(document)
        assert [end for end in ends if end[0] in INTRODUCERS] == [], ends
        assert all(end[0] for end in ends), ends  # no empty page
