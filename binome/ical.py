"""iCalendar (RFC 5545) building blocks shared by the apps: the pairs'
sessions (binome/pairs/calendar.py) and the « cafés virtuels » (programs).

Times are written in UTC, which Outlook and Google Calendar both read
without a VTIMEZONE block.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from icalendar import Calendar, Event

PRODID = "-//Binôme//Reverse mentoring//FR"


def new_calendar(name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def new_event(
    *,
    uid: str,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    summary: str,
    url: str,
    description: str,
    location: str = "",
    sequence: int = 0,
    status: str = "CONFIRMED",
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", starts_at.astimezone(datetime.UTC))
    event.add("dtend", ends_at.astimezone(datetime.UTC))
    event.add("sequence", sequence)
    event.add("summary", summary)
    event.add("url", url)
    event.add("description", description)
    if location:
        event.add("location", location)
    event.add("status", status)
    event.add("transp", "OPAQUE")
    return event


def to_bytes(calendar: Calendar) -> bytes:
    ical: bytes = calendar.to_ical()  # icalendar does not annotate it
    return ical
