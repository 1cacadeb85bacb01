"""The only tags and filters an e-mail text written in the administration
may use: conditions, loops and every built-in filter, but nothing that loads
a library, includes or extends another template, or reads settings."""

from __future__ import annotations

import datetime

from django import template
from django.template import defaultfilters, defaulttags

register = template.Library()

ALLOWED_TAGS = ("if", "for", "with", "firstof", "comment", "filter")

for _name in ALLOWED_TAGS:
    register.tag(_name, defaulttags.register.tags[_name])
register.filters.update(defaultfilters.register.filters)


@register.filter
def isodate(value: str) -> datetime.datetime | datetime.date | str:
    """Parse an ISO date or datetime carried in a task's JSON context, so that
    the email formats it in its recipient's language with ``|date``."""
    try:
        if "T" in value:
            return datetime.datetime.fromisoformat(value)
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
