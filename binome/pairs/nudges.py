"""A manager's friendly reminder (« relance ») to a pair: a kind message the
manager may edit, e-mailed to both members in their language.

It never says why the pair was picked: no risk signal, no rating, no « no
session for N days »; the default text only asks how things go. Sent once per
confirmation (a token the form carries, recorded with a unique key), and
audit-logged without its text. Another reminder to the same pair within
``RECENT_DAYS`` needs the manager to say they mean it.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from binome.accounts import audit
from binome.accounts.models import AuditEvent, User
from binome.accounts.notifications import absolute_url, notify_address, render_email

from .models import Pair, SentReminder

KIND = "pair_nudge"
RECENT_DAYS = 7
MAX_LENGTH = 2000
LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Recipient:
    name: str
    full_name: str
    email: str
    language: str


@dataclass(frozen=True)
class Earlier:
    """A reminder already sent to the pair lately: when, and by whom."""

    sent_at: datetime.datetime
    by: str


def new_token() -> str:
    return secrets.token_hex(16)


def recipients(pair: Pair) -> list[Recipient]:
    """Both members, with an address: their account's, else the HR file's."""
    found = []
    for enrolment in (pair.mentor, pair.mentee):
        person = enrolment.person
        user = person.user
        if user is not None and not user.is_active:
            continue
        email = (user.email if user is not None else "") or person.email
        if not email:
            continue
        found.append(
            Recipient(
                person.first_name,
                person.full_name,
                email,
                user.language if user is not None else "fr",
            )
        )
    return found


def languages(pair: Pair) -> list[str]:
    """The languages the message is written in: the recipients' own."""
    spoken = {r.language for r in recipients(pair)}
    return [lang for lang in LANGUAGES if lang in spoken] or ["fr"]


def default_message(pair: Pair, by: User, language: str) -> str:
    """The kind, editable text: it asks how things go, nothing more (the
    e-mail greets each member by name)."""
    with translation.override(language):
        return _(
            "I am taking a moment to ask how your pair is going. A short session, "
            "even twenty minutes, helps keep the thread going; you can plan the "
            "next one from your pair workspace.\n\n"
            "If anything gets in the way, or if I can help, just reply to me.\n\n"
            "%(name)s"
        ) % {"name": by.get_full_name() or by.email}


def _context(
    pair: Pair, by: User, recipient: Recipient, message: str
) -> dict[str, Any]:
    return {
        "name": recipient.name,
        "message": message,
        "by": by.get_full_name() or by.email,
        "by_email": by.email,
        "programme": pair.mentee.programme.name,
        "url": absolute_url(reverse("pairs:workspace", args=[pair.pk])),
    }


def preview(pair: Pair, by: User, messages: dict[str, str]) -> list[dict[str, Any]]:
    """Each e-mail as its recipient will read it: address, subject, body."""
    out = []
    for recipient in recipients(pair):
        message = messages.get(recipient.language) or messages[languages(pair)[0]]
        subject, body = render_email(
            KIND, _context(pair, by, recipient, message), recipient.language
        )
        out.append({"recipient": recipient, "subject": subject, "body": body})
    return out


def earlier(pair: Pair, now: datetime.datetime | None = None) -> Earlier | None:
    """The last reminder sent to this pair within ``RECENT_DAYS``, if any."""
    now = now or timezone.now()
    last = (
        SentReminder.objects.filter(
            kind=KIND,
            key__startswith=f"{pair.pk}:",
            sent_at__gte=now - datetime.timedelta(days=RECENT_DAYS),
        )
        .select_related("user")
        .order_by("-sent_at")
        .first()
    )
    if last is None:
        return None
    return Earlier(last.sent_at, last.user.get_full_name() or last.user.email)


def was_sent(pair: Pair, token: str) -> bool:
    """Whether this confirmation was already acted upon."""
    return SentReminder.objects.filter(kind=KIND, key=f"{pair.pk}:{token}").exists()


class AlreadySent(Exception):
    """This confirmation was already acted upon (a double submit)."""


@transaction.atomic
def send(
    *,
    pair: Pair,
    by: User,
    messages: dict[str, str],
    token: str,
    request: HttpRequest | None = None,
) -> list[Recipient]:
    """Send the reminder to both members, once for this ``token``: the record
    and the audit line commit together, the e-mails leave after the commit."""
    if pair.status != Pair.Status.ACTIVE:
        raise ValidationError(_("This pair is closed."), code="closed")
    to = recipients(pair)
    if not to:
        raise ValidationError(
            _("Neither member of this pair has an e-mail address."), code="no_address"
        )
    try:
        with transaction.atomic():
            SentReminder.objects.create(user=by, kind=KIND, key=f"{pair.pk}:{token}")
    except IntegrityError as error:
        raise AlreadySent from error
    edited = any(
        messages.get(lang, "").strip() != default_message(pair, by, lang).strip()
        for lang in messages
    )
    audit.record(
        AuditEvent.Action.PAIR_NUDGED,
        actor=by,
        target=f"pair:{pair.pk}",
        request=request,
        programme=pair.mentee.programme.slug,
        recipients=len(to),
        edited=edited,
    )
    fallback = messages[languages(pair)[0]]
    contexts = [
        (r, _context(pair, by, r, messages.get(r.language) or fallback)) for r in to
    ]

    # The text asks them to answer: answers go to the manager who wrote it.
    reply_to = [by.email] if by.email else None

    def enqueue() -> None:
        for recipient, context in contexts:
            notify_address(
                KIND, recipient.email, recipient.language, context, reply_to=reply_to
            )

    transaction.on_commit(enqueue)
    return to
