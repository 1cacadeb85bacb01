from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from binome.privacy.export import NOTHING, readable

register = template.Library()


@register.simple_tag
def show_value(value: Any) -> SafeString:
    """A value of the export, readable (see export.readable): text keeps its
    lines, a list of short texts is one line, longer lists and mappings are
    nested lists."""
    return _html(value if _is_readable(value) else readable(value))


def _is_readable(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, list) and bool(value)


def _html(value: Any) -> SafeString:
    if isinstance(value, str):
        if "\n" in value:
            return mark_safe(linebreaksbr(value, autoescape=True))
        return format_html("{}", value)
    if not value:
        return format_html("{}", NOTHING)
    if all(isinstance(item, tuple) for item in value):
        return format_html(
            '<dl class="nested">{}</dl>',
            format_html_join(
                "", "<dt>{}</dt><dd>{}</dd>", ((k, _html(v)) for k, v in value)
            ),
        )
    if all(isinstance(item, str) and len(item) <= 60 for item in value):
        return format_html("{}", ", ".join(value))
    return format_html(
        '<ul class="nested">{}</ul>',
        format_html_join("", "<li>{}</li>", ((_html(item),) for item in value)),
    )
