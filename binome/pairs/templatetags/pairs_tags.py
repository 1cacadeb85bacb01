"""Template helpers of the pair workspace."""

from __future__ import annotations

from django import template

from binome.accounts.emailtags import isodate

register = template.Library()


# One home for it: the e-mails written in the administration use it too.
register.filter("isodate", isodate)
