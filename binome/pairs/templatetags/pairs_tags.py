"""Template helpers of the pair workspace."""

from __future__ import annotations

import datetime

from django import template

register = template.Library()


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
