"""Reminders: which ones are due (pure selection), and the task that sends them.

``send_reminders`` is a django.tasks task: it runs on the database queue
(``manage.py db_worker``) or on Celery (``binome.tasks_celery``) unchanged.
Run it regularly, e.g. hourly: ``manage.py send_reminders`` (cron) or Celery
beat. Each reminder goes out once (``SentReminder``). A programme's webhook
gets a short digest afterwards, in its own task, so that a failing webhook
never blocks or loses an email.
"""

from __future__ import annotations

import datetime
import json
import logging
import urllib.request
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from binome.accounts.models import User
from binome.accounts.notifications import absolute_url, notify

from . import pulse
from .health import INACTIVITY_DAYS
from .models import (
    ActionItem,
    Meeting,
    Pair,
    ProgrammeWebhook,
    Reminder,
    ReminderPreference,
    SentReminder,
)

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 3  # seconds: a slow channel must not hold up the worker
# How long after a session its « held or missed? » reminder may still go out.
LOG_MISSING_DAYS = 7


@dataclass(frozen=True)
class Due:
    kind: str
    user: User
    key: str
    programme_id: int
    context: dict[str, Any]
    # A digest: the keys of what it lists, each recorded as sent with it.
    covers: tuple[str, ...] = ()
    # A digest may span programmes (a person in two pairs).
    programme_ids: tuple[int, ...] = ()

    @property
    def programmes(self) -> tuple[int, ...]:
        return self.programme_ids or (self.programme_id,)


def _pair_users(pair: Pair) -> list[User]:
    return [
        u
        for u in (pair.mentor.person.user, pair.mentee.person.user)
        if u is not None and u.is_active
    ]


def _meeting_context(meeting: Meeting, user: User) -> dict[str, Any]:
    pair = meeting.pair
    partner = pair.mentee if pair.mentor.person.user_id == user.pk else pair.mentor
    return {
        "name": user.first_name or str(user),
        "partner": str(partner.person),
        "starts_at": meeting.starts_at.isoformat(),
        "url": absolute_url(reverse("pairs:meeting", args=[pair.pk, meeting.pk])),
    }


def select_reminders(now: datetime.datetime | None = None) -> list[Due]:
    """Every reminder due at ``now`` (local dates), before preferences and
    before removing those already sent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()

    def day_bounds(day: datetime.date) -> tuple[datetime.datetime, ...]:
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time()), tz)
        end = timezone.make_aware(
            datetime.datetime.combine(
                day + datetime.timedelta(days=1), datetime.time()
            ),
            tz,
        )
        return start, end

    due: list[Due] = []
    # A paused pair gets no reminder (pulse.pause_pair).
    paused = pulse.paused_on(today)
    planned = Meeting.objects.planned().filter(pair__status=Pair.Status.ACTIVE)
    planned = planned.exclude(pair__in=paused)
    planned = planned.select_related(
        "pair__mentor__person__user", "pair__mentee__person__user", "pair__mentee"
    )

    start, end = day_bounds(today + datetime.timedelta(days=1))
    for meeting in planned.filter(starts_at__gte=start, starts_at__lt=end):
        for user in _pair_users(meeting.pair):
            due.append(
                Due(
                    Reminder.SESSION_TOMORROW,
                    user,
                    f"{meeting.uid}:{meeting.starts_at:%Y%m%d%H%M}",
                    meeting.pair.mentee.programme_id,
                    _meeting_context(meeting, user),
                )
            )

    start, end = day_bounds(today + datetime.timedelta(days=2))
    empty = planned.filter(
        starts_at__gte=start, starts_at__lt=end, agenda_items__isnull=True
    )
    for meeting in empty:
        # The mentee prepares the agenda, mostly.
        mentee = meeting.pair.mentee.person.user
        if mentee is not None and mentee.is_active:
            due.append(
                Due(
                    Reminder.AGENDA_EMPTY,
                    mentee,
                    f"{meeting.uid}:{meeting.starts_at:%Y%m%d}",
                    meeting.pair.mentee.programme_id,
                    _meeting_context(meeting, mentee),
                )
            )

    # « Held or missed? » for the sessions that ended lately: one that ended
    # weeks ago is not worth an email, and a backlog must not send hundreds.
    recent = now - datetime.timedelta(days=LOG_MISSING_DAYS)
    for meeting in planned.filter(starts_at__lte=now, starts_at__gte=recent):
        if meeting.ends_at > now:
            continue
        for user in _pair_users(meeting.pair):
            due.append(
                Due(
                    Reminder.LOG_MISSING,
                    user,
                    str(meeting.uid),
                    meeting.pair.mentee.programme_id,
                    _meeting_context(meeting, user),
                )
            )

    due.extend(_overdue_actions_digests(today, paused))
    due.extend(_checkins(today))

    limit = today - datetime.timedelta(days=INACTIVITY_DAYS)
    pairs = (
        Pair.objects.active()
        # Its inactivity clock stopped while paused (as in health).
        .exclude(pk__in=pulse.paused_between(limit, today))
        .annotate(
            last_held=Max(
                "meetings__starts_at", filter=Q(meetings__status=Meeting.Status.HELD)
            )
        )
        .select_related("mentor__person__user", "mentee__person__user", "mentee")
    )
    for pair in pairs:
        # Annotated above; django-stubs loses the annotation when iterating a
        # custom QuerySet (PairQuerySet).
        last_held = pair.last_held  # type: ignore[attr-defined]
        since = timezone.localdate(last_held) if last_held else None
        since = since or pair.started_on
        if since > limit:
            continue
        for user in _pair_users(pair):
            partner = (
                pair.mentee if pair.mentor.person.user_id == user.pk else pair.mentor
            )
            due.append(
                Due(
                    Reminder.INACTIVE,
                    user,
                    f"{pair.pk}:{since:%Y%m%d}",
                    pair.mentee.programme_id,
                    {
                        "name": user.first_name or str(user),
                        "partner": str(partner.person),
                        "days": (today - since).days,
                        "url": absolute_url(reverse("pairs:workspace", args=[pair.pk])),
                    },
                )
            )
    return due


def _checkins(today: datetime.date) -> list[Due]:
    """The check-in of the open round, to each member who has not answered
    it, once per round (its key), never while the pair is paused."""
    due = []
    for item in pulse.due_checkins(today):
        user = item.member.person.user
        if user is None or not user.is_active:
            continue
        pair = item.pair
        due.append(
            Due(
                Reminder.PULSE,
                user,
                f"{pair.pk}:{item.round}",
                pair.mentee.programme_id,
                {
                    "name": user.first_name or str(user),
                    "url": absolute_url(reverse("pairs:checkin", args=[pair.pk])),
                },
            )
        )
    return due


def _overdue_actions_digests(
    today: datetime.date, paused: set[int] | None = None
) -> list[Due]:
    """One digest per person and day listing all their overdue action items,
    across their pairs. Its key is the day (never two the same day); it
    covers each item by the item's own key, so that it goes out only on a
    day when at least one of them was not reminded yet (see
    ``pending_reminders``)."""
    actions = (
        ActionItem.objects.filter(
            done_at__isnull=True,
            due_date__lte=today,
            meeting__pair__status=Pair.Status.ACTIVE,
            owner__person__user__is_active=True,
        )
        .exclude(meeting__pair__in=paused or set())
        .select_related(
            "owner__person__user",
            "meeting__pair__mentor__person",
            "meeting__pair__mentee__person",
        )
        .order_by("due_date", "id")
    )
    by_owner: dict[int, list[ActionItem]] = {}
    for item in actions:
        by_owner.setdefault(item.owner.person.user_id or 0, []).append(item)
    digests = []
    for items in by_owner.values():
        owner = items[0].owner.person.user
        # Filtered on above (owner__person__user__is_active).
        assert owner is not None
        listed = []
        for item in items:
            assert item.due_date is not None  # filtered on above (due_date__lte)
            pair = item.meeting.pair
            partner = pair.mentee if item.owner_id == pair.mentor_id else pair.mentor
            listed.append(
                {
                    "action": item.text,
                    "due_date": item.due_date.isoformat(),
                    "partner": str(partner.person),
                    "url": absolute_url(
                        reverse("pairs:meeting", args=[pair.pk, item.meeting_id])
                    ),
                }
            )
        programmes = tuple(sorted({item.owner.programme_id for item in items}))
        digests.append(
            Due(
                Reminder.ACTIONS_DUE,
                owner,
                f"day:{today.isoformat()}",
                programmes[0],
                {
                    "name": owner.first_name or str(owner),
                    "count": len(listed),
                    "actions": listed,
                },
                covers=tuple(str(item.pk) for item in items),
                programme_ids=programmes,
            )
        )
    return digests


def pending_reminders(now: datetime.datetime | None = None) -> list[Due]:
    """The reminders to send now: wanted by their recipient, not yet sent."""
    due = select_reminders(now)
    if not due:
        return []
    users = {d.user.pk for d in due}
    preferences = {
        p.user_id: p for p in ReminderPreference.objects.filter(user__in=users)
    }
    sent = set(
        SentReminder.objects.filter(user__in=users).values_list("user", "kind", "key")
    )
    return [
        d
        for d in due
        if (d.user.pk not in preferences or preferences[d.user.pk].wants(d.kind))
        and (d.user.pk, d.kind, d.key) not in sent
        # A digest of only what was already reminded would be noise.
        and not (d.covers and all((d.user.pk, d.kind, k) in sent for k in d.covers))
    ]


@task()
def send_reminders() -> int:
    """Send every pending reminder once; returns how many were queued."""
    count = 0
    per_programme: dict[int, Counter[str]] = {}
    for reminder in pending_reminders():
        try:
            with transaction.atomic():
                SentReminder.objects.create(
                    user=reminder.user, kind=reminder.kind, key=reminder.key
                )
                SentReminder.objects.bulk_create(
                    [
                        SentReminder(user=reminder.user, kind=reminder.kind, key=key)
                        for key in reminder.covers
                    ],
                    ignore_conflicts=True,
                )
        except IntegrityError:
            continue  # another worker sent it meanwhile
        notify(f"pair_{reminder.kind}", [reminder.user], reminder.context)
        for programme_id in reminder.programmes:
            per_programme.setdefault(programme_id, Counter())[reminder.kind] += 1
        count += 1
    for programme_id, kinds in per_programme.items():
        post_digest(programme_id, kinds)
    logger.info("%d reminder(s) queued", count)
    return count


def digest_text(programme_name: str, kinds: Counter[str]) -> str:
    """A short notice for the programme's channel: counts only, no names."""
    with translation.override(settings.LANGUAGE_CODE):
        parts = []
        if kinds[Reminder.SESSION_TOMORROW]:
            n = kinds[Reminder.SESSION_TOMORROW]
            parts.append(
                ngettext(
                    "%(count)d reminder of a session tomorrow",
                    "%(count)d reminders of a session tomorrow",
                    n,
                )
                % {"count": n}
            )
        if kinds[Reminder.INACTIVE]:
            n = kinds[Reminder.INACTIVE]
            parts.append(
                ngettext(
                    "%(count)d reminder of 30 days without a session",
                    "%(count)d reminders of 30 days without a session",
                    n,
                )
                % {"count": n}
            )
        other = sum(kinds.values()) - kinds[Reminder.SESSION_TOMORROW]
        other -= kinds[Reminder.INACTIVE]
        if other:
            parts.append(
                ngettext("%(count)d other reminder", "%(count)d other reminders", other)
                % {"count": other}
            )
        return _("Binôme – %(programme)s: %(details)s.") % {
            "programme": programme_name,
            "details": ", ".join(parts),
        }


def post_digest(programme_id: int, kinds: Counter[str]) -> None:
    webhook = (
        ProgrammeWebhook.objects.filter(programme_id=programme_id, is_active=True)
        .select_related("programme")
        .first()
    )
    if webhook is None:
        return
    text = digest_text(webhook.programme.name, kinds)
    try:
        post_webhook.enqueue(webhook.url, text)
    except Exception:
        logger.exception("could not queue the webhook of programme %s", programme_id)


@task()
def post_webhook(url: str, text: str) -> bool:
    """Post a notice to a Slack or Teams incoming webhook; never raises.

    Both accept a JSON body with a ``text`` field. The timeout is short and
    failures are only logged: the notice is a convenience, emails are the
    record.
    """
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
            ok: bool = 200 <= response.status < 300
    except Exception as error:
        logger.warning("webhook post failed: %s", error)
        return False
    if not ok:
        logger.warning("webhook answered %s", response.status)
    return ok
