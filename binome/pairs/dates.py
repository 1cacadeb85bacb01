"""The date rules of the pair workspace: when a session may be planned, moved
or logged, and when a goal or an action may fall due.

Pure functions of ``now``: the forms call them to put the error next to the
field, the services call them again so that no other path (the API, a page
left open overnight) gets around them. Every error is a ``ValidationError``
with a code, in the reader's language.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import Pair

# A session (the first of a plan, or a move) is at most this far ahead.
AHEAD_DAYS = 366
# How long a plan runs when the programme has no end date.
DEFAULT_SPAN_DAYS = 182
# However long the programme and short the cadence, one plan makes at most
# this many sessions (a year of weekly sessions).
MAX_SESSIONS = 52
# A goal or an action falls due at most this far ahead.
DUE_AHEAD_DAYS = 731
# Working hours: a session outside them is allowed, after a warning.
WORKDAY_START = datetime.time(8, 0)
WORKDAY_END = datetime.time(19, 0)


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _moment(value: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _local_day(value: datetime.datetime) -> datetime.date:
    """The local day of ``value``; converting the years 1 and 9999 between
    time zones may overflow, and those days are anyway out of reach."""
    try:
        return timezone.localdate(value)
    except OverflowError:
        return datetime.date.min if value.year < 2 else datetime.date.max


def check_session_start(
    *, pair: Pair, starts_at: datetime.datetime, now: datetime.datetime
) -> None:
    """A session starts from now on (this minute included), within a year,
    and no later than the programme's last day."""
    if pair.status == pair.Status.CLOSED:
        # Closing cancelled its sessions: planning new ones would put them
        # back in calendars.
        raise ValidationError(
            _("This pair is closed: no session can be planned any more."),
            code="pair_closed",
        )
    today = timezone.localdate(now)
    day = _local_day(starts_at)
    if starts_at < now.replace(second=0, microsecond=0):
        if day < today:
            raise ValidationError(
                _("This day is past: choose today or a later day."), code="past"
            )
        raise ValidationError(
            _("This time is already past: choose a later time."), code="past_time"
        )
    end = pair.programme.end_date
    if end is not None and end < today:
        raise ValidationError(
            _("The programme ended on %(date)s: no session can be planned any more.")
            % {"date": _day(end)},
            code="programme_ended",
        )
    if end is not None and day > end:
        raise ValidationError(
            _("The programme ends on %(date)s: choose a day up to that one.")
            % {"date": _day(end)},
            code="after_programme",
        )
    if starts_at > now + datetime.timedelta(days=AHEAD_DAYS):
        raise ValidationError(
            _("Choose a day within a year from today."), code="too_far"
        )


def plan_until(pair: Pair, first_at: datetime.datetime) -> datetime.date:
    """The last day a plan starting at ``first_at`` may use: the programme's
    end, or half a year when it has none."""
    end = pair.programme.end_date
    if end is None:
        end = timezone.localdate(first_at) + datetime.timedelta(days=DEFAULT_SPAN_DAYS)
    return end


def is_outside_working_hours(starts_at: datetime.datetime, minutes: int) -> bool:
    """On a weekend, or starting before 8:00 or ending after 19:00 (local)."""
    start = timezone.localtime(starts_at)
    end = start + datetime.timedelta(minutes=minutes)
    return (
        start.weekday() >= 5
        or start.time() < WORKDAY_START
        or end.date() != start.date()
        or end.time() > WORKDAY_END
    )


def check_has_started(*, starts_at: datetime.datetime, now: datetime.datetime) -> None:
    """A session is declared held or missed only once it has begun."""
    if starts_at > now:
        raise ValidationError(
            _(
                "This session has not started yet: say whether it was held "
                "from %(date)s on. To call it off, cancel it."
            )
            % {"date": _moment(starts_at)},
            code="not_started",
        )


def check_due_date(
    due: datetime.date | None,
    *,
    today: datetime.date,
    unchanged_from: datetime.date | None = None,
) -> None:
    """A goal or an action falls due today or later, within two years. A date
    already saved may stay as it is, even once past: the record is edited for
    another reason and the date tells what was agreed."""
    if due is None or due == unchanged_from:
        return
    if due < today:
        raise ValidationError(
            _("This day is past: choose today or a later day."), code="past"
        )
    if due > today + datetime.timedelta(days=DUE_AHEAD_DAYS):
        raise ValidationError(
            _("Choose a day within two years from today."), code="too_far"
        )
