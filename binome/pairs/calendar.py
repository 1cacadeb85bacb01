"""iCalendar (RFC 5545) output: one file per session, and a private feed.

Events carry dates, the video link (LOCATION and URL; web addresses only) or
the place, and a link to the workspace, never the agenda or notes: a
calendar is often shared with an assistant or synchronised to a phone.
The building blocks are binome/ical.py's.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import Event

from binome import ical
from binome.accounts.notifications import absolute_url

from .models import Charter, Meeting

PRODID = ical.PRODID
_calendar = ical.new_calendar


def meeting_event(meeting: Meeting) -> Event:
    pair = meeting.pair
    charter = Charter.objects.filter(pair=pair).first()
    url = absolute_url(reverse("pairs:workspace", args=[pair.pk]))
    video = charter.safe_video_link if charter else ""
    description = _("Prepare the agenda in Binôme: %(url)s") % {"url": url}
    if video:
        # « Rejoindre la visio »: where calendars put a link to open.
        description = (
            _("Join the video call: %(link)s") % {"link": video} + "\n" + description
        )
    cancelled = meeting.status == Meeting.Status.CANCELLED
    event = ical.new_event(
        uid=f"{meeting.uid}@binome",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        sequence=meeting.sequence,
        summary=_("Binôme session: %(mentor)s and %(mentee)s")
        % {"mentor": pair.mentor.person, "mentee": pair.mentee.person},
        url=video or url,
        description=description,
        location=video or (charter.location if charter else ""),
        status="CANCELLED" if cancelled else "CONFIRMED",
    )
    return event


def to_ics(meetings: Iterable[Meeting], name: str | None = None) -> bytes:
    calendar = _calendar(name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    return ical.to_bytes(calendar)


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
