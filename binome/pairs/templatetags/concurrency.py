"""The hidden fields of optimistic concurrency, for forms written by hand."""

from __future__ import annotations

from django import template
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString

from binome.pairs.concurrency import fingerprint

register = template.Library()


@register.simple_tag
def versioned_inputs(obj: models.Model, fields: str) -> SafeString:
    """``version`` and ``base`` for a form of these fields (space-separated,
    in the form's order), as :class:`binome.pairs.concurrency.VersionedForm`
    renders them."""
    base = ".".join(fingerprint(getattr(obj, name)) for name in fields.split())
    return format_html(
        '<input type="hidden" name="version" value="{}">'
        '<input type="hidden" name="base" value="{}">',
        getattr(obj, "version", 0),
        base,
    )
