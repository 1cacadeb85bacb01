"""Confidential concerns (#18): a member of a pair tells the programme team
about conduct, respect or confidentiality, privately.

Who sees what:
- the reporter: their own concerns, with their status and the team's message;
- the programme's managers (``programs.manage_programme``): the concerns of
  their programme's pairs, text included; they are e-mailed without the text;
- the partner: nothing, anywhere (workspace, activity, health, export, API);
- sponsors: nothing (a handful of concerns would point at people, whatever
  the threshold).

Every concern and every answer is in the audit log (ids, category, status:
never the text). The texts follow the retention of the closed programmes'
free texts (``privacy/retention.py``).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts import audit
from binome.accounts.models import AuditEvent, User
from binome.accounts.notifications import absolute_url, notify
from binome.programs.models import Enrolment, Programme

from . import recognition
from .models import Concern, Pair

# The programme team answers within this many working days (shown to the
# reporter, and the home to-do of the managers names the concerns waiting).
ANSWER_WITHIN_DAYS = 5
# At most this many concerns by one person in a day: beyond, the team has
# enough to call them, and a runaway form cannot flood the managers.
MAX_PER_DAY = 5
# The same text sent again within this time is the same concern.
DUPLICATE_WINDOW = datetime.timedelta(minutes=30)


def new_token() -> str:
    return uuid.uuid4().hex


def for_reporter(user: Any) -> models.QuerySet[Concern]:
    """The concerns the user raised, in any of their pairs."""
    if not user.is_authenticated:
        return Concern.objects.none()
    return Concern.objects.filter(reporter__person__user=user).select_related(
        "pair__mentor__person", "pair__mentee__person", "pair__mentee__programme"
    )


def for_programme(programme: Programme, viewer: Any) -> models.QuerySet[Concern]:
    """A programme's concerns, for its managers, open ones first; never the
    concerns about a pair the viewer is in (a manager who is also the
    partner does not read what was said about them)."""
    return (
        Concern.objects.filter(pair__mentee__programme=programme)
        .exclude(pair__mentor__person__user=viewer)
        .exclude(pair__mentee__person__user=viewer)
        .select_related(
            "reporter__person", "pair__mentor__person", "pair__mentee__person"
        )
        .order_by(
            models.Case(
                models.When(status=Concern.Status.RECEIVED, then=0),
                models.When(status=Concern.Status.IN_PROGRESS, then=1),
                default=2,
            ),
            "-created_at",
            "-id",
        )
    )


def open_counts(programme_ids: list[int], viewer: Any) -> dict[int, int]:
    """Programme id → concerns not closed yet, for the managers' home (not
    those about the viewer's own pairs)."""
    rows = (
        Concern.objects.filter(pair__mentee__programme__in=programme_ids)
        .exclude(status=Concern.Status.CLOSED)
        .exclude(pair__mentor__person__user=viewer)
        .exclude(pair__mentee__person__user=viewer)
        .values_list("pair__mentee__programme")
        .annotate(n=models.Count("pk"))
        .order_by()
    )
    return dict(rows)


def _clean_text(text: str) -> str:
    # Kept as typed (emoji, accents, « < »): templates escape it on display.
    return text.replace("\x00", "").strip()


@transaction.atomic
def raise_concern(
    *,
    pair: Pair,
    reporter: Enrolment,
    category: str,
    text: str,
    wants_contact: bool,
    token: str,
    request: HttpRequest | None = None,
) -> tuple[Concern, bool]:
    """Record the concern, log it and e-mail the programme's managers (a
    link, never the text). Returns (concern, created): a second click on
    « Send » (same token) or the same text again within half an hour gives
    back the first concern and tells nobody twice."""
    if reporter.pk not in (pair.mentor_id, pair.mentee_id):
        raise ValidationError(_("Only the pair's members can raise a concern."))
    if category not in Concern.Category.values:
        raise ValidationError(_("Choose what the concern is about."), code="category")
    text = _clean_text(text)
    if not text:
        raise ValidationError(_("Describe what happened."), code="empty")
    # One at a time per person, even for two clicks at once.
    Enrolment.objects.select_for_update().filter(pk=reporter.pk).first()
    mine = Concern.objects.filter(reporter=reporter)
    now = timezone.now()
    try:
        token_uuid = uuid.UUID(token)
    except ValueError:
        raise ValidationError(
            _("The form expired: send it again."), code="token"
        ) from None
    earlier = (
        mine.filter(token=token_uuid).first()
        or mine.filter(pair=pair, text=text, created_at__gte=now - DUPLICATE_WINDOW)
        .order_by("-created_at")
        .first()
    )
    if earlier is not None:
        return earlier, False
    if mine.filter(created_at__gte=now - datetime.timedelta(days=1)).count() >= (
        MAX_PER_DAY
    ):
        raise ValidationError(
            _(
                "You have raised several concerns today: the programme team will "
                "contact you. If it is urgent, call them or your HR contact."
            ),
            code="too_many",
        )
    try:
        with transaction.atomic():
            concern = Concern.objects.create(
                pair=pair,
                reporter=reporter,
                category=category,
                text=text,
                wants_contact=wants_contact,
                token=token_uuid,
                created_at=now,
                updated_at=now,
            )
    except IntegrityError:  # pragma: no cover - the lock above serialises
        return mine.get(token=token_uuid), False
    programme = pair.mentee.programme
    audit.record(
        AuditEvent.Action.CONCERN_RAISED,
        actor=reporter.person.user,
        target=f"concern:{concern.pk}",
        request=request,
        programme=programme.slug,
        pair=pair.pk,
        category=category,
        wants_contact=wants_contact,
    )
    # Never to the partner, should they manage the programme too.
    partner = pair.mentee if reporter.pk == pair.mentor_id else pair.mentor
    managers = list(
        programme.managers.filter(is_active=True).exclude(
            pk=partner.person.user_id or 0
        )
    )
    notify(
        "concern_raised",
        managers,
        {
            "programme": programme.name,
            "url": absolute_url(
                reverse("pairs:programme_concern", args=[programme.slug, concern.pk])
            ),
            "days": ANSWER_WITHIN_DAYS,
        },
    )
    return concern, True


class Conflict(Exception):
    """Someone else answered the concern since the form was shown."""


@transaction.atomic
def handle_concern(
    *,
    concern: Concern,
    by: User,
    status: str,
    reply: str,
    version: int,
    request: HttpRequest | None = None,
) -> Concern:
    """A manager takes the concern in hand or closes it, with a message to
    the reporter (required to close). The reporter is e-mailed a link, never
    the message; the audit log keeps who and which status."""
    if status not in (Concern.Status.IN_PROGRESS, Concern.Status.CLOSED):
        raise ValidationError(_("Choose a status."), code="status")
    reply = _clean_text(reply)
    if status == Concern.Status.CLOSED and not reply:
        raise ValidationError(
            _("Write a word to the person who raised it before closing."),
            code="reply_required",
        )
    now = timezone.now()
    updated = Concern.objects.filter(pk=concern.pk, version=version).update(
        status=status,
        reply=reply,
        handled_by=by,
        updated_at=now,
        closed_at=now if status == Concern.Status.CLOSED else None,
        version=models.F("version") + 1,
    )
    if not updated:
        raise Conflict
    concern.refresh_from_db()
    audit.record(
        AuditEvent.Action.CONCERN_HANDLED,
        actor=by,
        target=f"concern:{concern.pk}",
        request=request,
        programme=concern.pair.mentee.programme.slug,
        status=status,
        replied=bool(reply),
    )
    user = concern.reporter.person.user
    if user is not None:
        notify(
            "concern_updated",
            [user],
            {
                "name": concern.reporter.person.first_name,
                "status": status,
                "url": absolute_url(reverse("pairs:concern", args=[concern.pk])),
            },
        )
    return concern


def workspace_context(pair: Pair, me: Enrolment) -> dict[str, Any]:
    """For the workspace: the viewer's own concerns about this pair (never
    the partner's) and, for the mentor, their contribution."""
    return {
        "my_concerns": list(Concern.objects.filter(pair=pair, reporter=me)),
        "contribution": recognition.for_person(me.person)
        if me.pk == pair.mentor_id
        else None,
    }
