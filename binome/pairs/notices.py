"""Telling the partner that the charter changed: by e-mail (once per change,
even if the task is retried) and on their home page, with what changed.

An edit is its author's acceptance of the new text (``services.update_charter``);
the partner is asked to accept again. The home page notice needs no state of
its own: it lists the partner's edits made since the person last accepted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation

from binome.accounts.models import User
from binome.accounts.notifications import absolute_url, render_email

from .models import ChangeLine, Charter, CharterChange, Pair, SentReminder

logger = logging.getLogger(__name__)

# The SentReminder kind that records a charter change already mailed.
CHARTER_CHANGED = "charter_changed"


def _side(pair: Pair, user: User) -> str | None:
    if pair.mentor.person.user_id == user.pk:
        return "mentor"
    if pair.mentee.person.user_id == user.pk:
        return "mentee"
    return None


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _partners(pair: Pair, author: User | None) -> list[tuple[str, User]]:
    """The pair's members other than the author, with their side."""
    members = [
        ("mentor", pair.mentor.person.user),
        ("mentee", pair.mentee.person.user),
    ]
    return [
        (side, user)
        for side, user in members
        if user is not None and (author is None or user.pk != author.pk)
    ]


def _mail_context(change: CharterChange, user: User) -> dict[str, Any]:
    """In the recipient's language (the caller activates it)."""
    pair = change.charter.pair
    return {
        "name": user.first_name or str(user),
        "by": _name(change.changed_by) or "Binôme",
        "changed_at": timezone.localtime(change.changed_at),
        "lines": change.lines(),
        "url": absolute_url(reverse("pairs:charter", args=[pair.pk])),
    }


@task()
def mail_charter_change(change_id: int) -> int:
    """Tell the partner what changed in the charter; returns how many e-mails
    went out. Each recipient gets a change once: the e-mail and its record
    (``SentReminder``) commit together, so a retried task sends nothing
    twice, and a failed send is retried."""
    change = (
        CharterChange.objects.select_related(
            "changed_by",
            "charter__pair__mentor__person__user",
            "charter__pair__mentee__person__user",
        )
        .filter(pk=change_id)
        .first()
    )
    if change is None or change.is_acceptance:
        return 0
    charter = change.charter
    if charter.pair.status != Pair.Status.ACTIVE:
        return 0
    sent = 0
    for side, user in _partners(charter.pair, change.changed_by):
        if not (user.email and user.is_active):
            continue
        accepted = getattr(charter, f"{side}_accepted_at")
        if accepted is not None and accepted >= change.changed_at:
            continue  # they read it and accepted it already
        try:
            with transaction.atomic():
                SentReminder.objects.create(
                    user=user, kind=CHARTER_CHANGED, key=str(change.pk)
                )
                with translation.override(user.language):
                    context = _mail_context(change, user)
                subject, body = render_email(
                    "pair_charter_changed", context, user.language
                )
                sent += send_mail(subject, body, None, [user.email])
        except IntegrityError:
            continue  # already sent, by an earlier run of this task
    logger.info("charter change %s mailed to %d person(s)", change_id, sent)
    return sent


@dataclass(frozen=True)
class CharterNotice:
    """On a person's home page: their partner changed the charter."""

    pair: Pair
    by: str
    changed_at: Any
    lines: list[ChangeLine]


def awaiting_acceptance(
    user: User | AnonymousUser, pairs: list[Pair]
) -> list[CharterNotice]:
    """For each pair, the partner's edits the user has not accepted yet."""
    notices: list[CharterNotice] = []
    if not isinstance(user, User):
        return notices
    charters = Charter.objects.filter(pair__in=pairs).in_bulk(field_name="pair_id")
    for pair in pairs:
        charter = charters.get(pair.pk)
        side = _side(pair, user)
        if charter is None or side is None:
            continue
        if getattr(charter, f"{side}_accepted_at") is not None:
            continue
        unseen: list[CharterChange] = []
        history = charter.changes.select_related("changed_by").order_by(
            "changed_at", "id"
        )
        for change in history:
            mine = change.changed_by_id == user.pk
            if (change.is_acceptance and change.changes["accepted"] == [side]) or (
                mine and not change.is_acceptance
            ):
                unseen = []  # accepted (or rewrote) the text up to here
            elif not mine and not change.is_acceptance:
                unseen.append(change)
        if unseen:
            notices.append(
                CharterNotice(
                    pair=pair,
                    by=_name(unseen[-1].changed_by),
                    changed_at=unseen[-1].changed_at,
                    lines=[line for c in unseen for line in c.lines()],
                )
            )
    return notices
