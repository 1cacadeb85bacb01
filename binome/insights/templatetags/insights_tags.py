"""How a published figure reads on a page: its value, or « masqué » linked to
the note that says why it is hidden, or « — » saying there is no data."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from binome.insights.privacy import Figure, hidden_reason

register = template.Library()

# The note that explains hidden figures, on every page that shows them.
NOTE_ID = "why-hidden"


@register.filter
def figure(value: object) -> SafeString | object:
    """A Figure as HTML; anything else as it is."""
    if not isinstance(value, Figure):
        return value
    if value.hidden:
        reason = hidden_reason()
        return format_html(
            '<a class="figure-hidden" href="#{}" title="{}">{}'
            '<span class="visually-hidden"> – {}</span></a>',
            NOTE_ID,
            reason,
            str(value),
            reason,
        )
    if value.value is None:
        return format_html(
            '<span title="{}">{}<span class="visually-hidden"> – {}</span></span>',
            _("no data yet"),
            str(value),
            _("no data yet"),
        )
    return str(value)
