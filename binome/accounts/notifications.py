"""Email notifications, sent in the background through django.tasks.

Each notification is a pair of templates, ``emails/<name>_subject.txt`` and
``emails/<name>.txt``, rendered in each recipient's own language, unless HR
has reworded it for that language in the administration. Only
JSON-serialisable values travel in the task, so the same code runs on the
database queue and on Celery.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .emailtexts import override, render_override
from .models import SentNotification, User

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def render_email(name: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """Subject and body in ``language``: HR's text for it when there is an
    active one (``EmailText``, see emailtexts.py), the files otherwise."""
    with translation.override(language):
        text = override(name, language)
        if text is not None:
            subject, body = render_override(text, context)
        else:
            subject = render_to_string(f"emails/{name}_subject.txt", context)
            body = render_to_string(f"emails/{name}.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


@task()
def send_notification(
    name: str,
    recipients: list[list[str]],
    context: dict[str, Any],
    attachments: list[list[str]] | None = None,
    reply_to: list[str] | None = None,
    key: str = "",
) -> int:
    """Send one email per recipient ([email, language]); returns how many went out.

    ``attachments`` are text files, [file name, content, MIME type] (for
    example a calendar invitation), attached to every message; ``reply_to``
    is where answers go when a person, not the platform, writes.

    ``key`` (given by notify) makes the task safe to run again after its
    worker died: each recipient is recorded (``SentNotification``, committed)
    once the connection to the mail server is open and before the message
    leaves, and a run with the same key skips the recipients recorded. An
    e-mail goes out at most once; the one being sent when the worker died
    may be lost (it is reported by reap_stale_work), never doubled."""
    sent = 0
    failed: list[str] = []
    for email, language in recipients:
        if (
            key
            and SentNotification.objects.filter(key=key, email=email.lower()).exists()
        ):
            continue
        subject, body = render_email(name, context, language)
        message = EmailMessage(subject, body, None, [email], reply_to=reply_to)
        for filename, content, mimetype in attachments or []:
            message.attach(filename, content, mimetype)
        try:
            sent += _send_once(message, key, email)
        except Exception:
            # One address the server refuses (or that cannot be written, such
            # as a non-ASCII local part) must not cost the others their
            # e-mail: go on, and fail the task at the end.
            logger.exception("notification %s to one recipient failed", name)
            failed.append(email)
    logger.info("notification %s sent to %d recipient(s)", name, sent)
    if failed:
        raise NotificationFailed(
            f"{name}: {len(failed)} of {len(recipients)} e-mail(s) not sent"
        )
    return sent


class NotificationFailed(Exception):
    """Some e-mails of a notification could not be sent (the others were);
    running the task again with its key sends only those."""


UNKNOWN_FATE = (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError)


def _send_once(message: EmailMessage, key: str, email: str) -> int:
    connection = mailers.default
    # Connecting first: a worker that dies while the server is unreachable
    # has recorded nothing, and the next run sends the e-mail.
    connection.open()
    try:
        if key:
            try:
                with transaction.atomic():
                    claim = SentNotification.objects.create(
                        key=key, email=email.lower()
                    )
            except IntegrityError:  # another run of the task took it
                return 0
        try:
            count = connection.send_messages([message]) or 0
        except Exception as error:
            # Refused by the server, or never sent (a bad address): a later run
            # may send it. Only a connection lost while the server had the
            # message leaves its fate unknown: then it is not sent again.
            if key and not isinstance(error, UNKNOWN_FATE):
                claim.delete()
            raise
    finally:
        connection.close()
    if key:
        SentNotification.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return count


def uncertain_emails(*, now: datetime.datetime | None = None) -> list[str]:
    """The addresses of e-mails being sent when their worker died, in the
    last minute past the heartbeat timeout (reap_stale_work runs every
    minute, so each is reported once): they may not have arrived."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.MATCHING_HEARTBEAT_TIMEOUT)
    return list(
        SentNotification.objects.filter(
            sent_at__isnull=True,
            claimed_at__lt=limit,
            claimed_at__gte=limit - datetime.timedelta(minutes=1),
        )
        .order_by("claimed_at")
        .values_list("email", flat=True)
    )


def notify(
    name: str,
    users: Iterable[User],
    context: dict[str, Any],
    attachments: list[list[str]] | None = None,
) -> None:
    """Queue a notification to these users, each in their preferred language."""
    recipients = [[u.email, u.language] for u in users if u.email and u.is_active]
    if recipients:
        send_notification.enqueue(
            name, recipients, context, attachments, key=uuid.uuid4().hex
        )


def notify_address(
    name: str,
    email: str,
    language: str,
    context: dict[str, Any],
    *,
    reply_to: list[str] | None = None,
) -> None:
    """Queue a notification to an address that may have no account yet."""
    send_notification.enqueue(
        name, [[email, language]], context, reply_to=reply_to, key=uuid.uuid4().hex
    )
