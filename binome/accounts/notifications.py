"""Email notifications, sent in the background through django.tasks.

Each notification is a pair of templates, ``emails/<name>_subject.txt`` and
``emails/<name>.txt``, rendered in each recipient's own language, unless HR
has reworded it for that language in the administration. Only
JSON-serialisable values travel in the task, so the same code runs on the
database queue and on Celery.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation

from .emailtexts import override, render_override
from .models import User

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
) -> int:
    """Send one email per recipient ([email, language]); returns how many went out.

    ``attachments`` are text files, [file name, content, MIME type] (for
    example a calendar invitation), attached to every message; ``reply_to``
    is where answers go when a person, not the platform, writes."""
    sent = 0
    for email, language in recipients:
        subject, body = render_email(name, context, language)
        if attachments or reply_to:
            message = EmailMessage(subject, body, None, [email], reply_to=reply_to)
            for filename, content, mimetype in attachments or []:
                message.attach(filename, content, mimetype)
            sent += message.send()
        else:
            sent += send_mail(subject, body, None, [email])
    logger.info("notification %s sent to %d recipient(s)", name, sent)
    return sent


def notify(
    name: str,
    users: Iterable[User],
    context: dict[str, Any],
    attachments: list[list[str]] | None = None,
) -> None:
    """Queue a notification to these users, each in their preferred language."""
    recipients = [[u.email, u.language] for u in users if u.email and u.is_active]
    if recipients:
        if attachments:
            send_notification.enqueue(name, recipients, context, attachments)
        else:
            send_notification.enqueue(name, recipients, context)


def notify_address(
    name: str,
    email: str,
    language: str,
    context: dict[str, Any],
    *,
    reply_to: list[str] | None = None,
) -> None:
    """Queue a notification to an address that may have no account yet."""
    if reply_to:
        send_notification.enqueue(name, [[email, language]], context, reply_to=reply_to)
    else:
        send_notification.enqueue(name, [[email, language]], context)
