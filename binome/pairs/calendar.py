"""iCalendar (RFC 5545) output: one file per session, and a private feed.

Events carry dates, the video link (LOCATION and URL; web addresses only) or
the place, and a link to the workspace, never the agenda or notes: a
calendar is often shared with an assistant or synchronised to a phone.
Times are in UTC, which Outlook and Google Calendar both read without a
VTIMEZONE block.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from binome.accounts.notifications import absolute_url

from .models import Charter, Meeting

PRODID = "-//Binôme//Reverse mentoring//FR"


def _calendar(name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def meeting_event(meeting: Meeting) -> Event:
    pair = meeting.pair
    charter = Charter.objects.filter(pair=pair).first()
    event = Event()
    event.add("uid", f"{meeting.uid}@binome")
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    event.add("dtend", meeting.ends_at.astimezone(datetime.UTC))
    event.add("sequence", meeting.sequence)
    event.add(
        "summary",
        _("Binôme session: %(mentor)s and %(mentee)s")
        % {"mentor": pair.mentor.person, "mentee": pair.mentee.person},
    )
    url = absolute_url(reverse("pairs:workspace", args=[pair.pk]))
    video = charter.safe_video_link if charter else ""
    description = _("Prepare the agenda in Binôme: %(url)s") % {"url": url}
    if video:
        # « Rejoindre la visio »: where calendars put a link to open.
        description = (
            _("Join the video call: %(link)s") % {"link": video} + "\n" + description
        )
    event.add("url", video or url)
    event.add("description", description)
    place = video or (charter.location if charter else "")
    if place:
        event.add("location", place)
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def to_ics(meetings: Iterable[Meeting], name: str | None = None) -> bytes:
    calendar = _calendar(name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    ical: bytes = calendar.to_ical()  # icalendar does not annotate it
    return ical


def meeting_ics(meeting: Meeting) -> bytes:
    return to_ics([meeting])


def feed_meetings(user: object) -> Iterable[Meeting]:
    """The sessions of every pair the user belongs to or assists."""
    return (
        Meeting.objects.filter(
            Q(pair__mentor__person__user=user)
            | Q(pair__mentee__person__user=user)
            | Q(pair__assistant__user=user)
        )
        .exclude(status=Meeting.Status.MISSED)
        .select_related("pair__mentor__person", "pair__mentee__person")
        .distinct()
    )


def feed_ics(user: object) -> bytes:
    return to_ics(feed_meetings(user), name=_("Binôme sessions"))
