"""How long each category of data is kept (settings.PRIVACY_RETENTION_DAYS,
set by the RETENTION_<CATEGORY>_DAYS environment variables; 0 keeps the data
for ever), and the job that deletes what is older.

``apply_retention(dry_run=True)`` only counts. Run it with the management
command ``apply_retention`` (from cron) or enqueue ``apply_retention_task``.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.sessions.models import Session
from django.db import models, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from binome.accounts.models import AuditEvent, CacheEntry, SentNotification, User
from binome.matching.models import MatchingRound
from binome.pairs.models import (
    ActionItem,
    AgendaItem,
    Charter,
    CharterChange,
    ClosingSurvey,
    Concern,
    Feedback,
    Kpi,
    Meeting,
    PairPause,
    PrivateNote,
    PulseCheckIn,
    SentReminder,
)
from binome.programs.models import (
    CastingReview,
    CoffeeChat,
    Enrolment,
    Goal,
    PeopleImport,
    Programme,
)

from .registry import _model
from .subject import Subject

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Category:
    key: str
    label: Any
    what: Any  # what happens when the period is over
    purge: Callable[[datetime.datetime, bool], int]


def _delete(qs: models.QuerySet[Any], apply: bool) -> int:
    if not apply:
        return qs.count()
    return qs.delete()[0]


def _sessions(cutoff: datetime.datetime, apply: bool) -> int:
    # With them, the expired rows of the shared cache (rate-limit counters
    # under a network address; DatabaseCache drops them only when read again).
    cache = _delete(CacheEntry.objects.filter(expires__lt=cutoff), apply)
    return cache + _delete(Session.objects.filter(expire_date__lt=cutoff), apply)


def _login_attempts(cutoff: datetime.datetime, apply: bool) -> int:
    total = 0
    for label in ("axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"):
        model = _model(label)
        if model is not None:
            total += _delete(
                model._default_manager.filter(attempt_time__lt=cutoff), apply
            )
    return total


def _audit_log(cutoff: datetime.datetime, apply: bool) -> int:
    # The one other exception to the append-only rule (erasure is the first):
    # events older than the retention period go, through a plain QuerySet.
    qs: models.QuerySet[AuditEvent] = models.QuerySet(model=AuditEvent)
    qs = qs.filter(at__lt=cutoff)
    return _delete(qs, apply)


def _admin_log(cutoff: datetime.datetime, apply: bool) -> int:
    return _delete(LogEntry.objects.filter(action_time__lt=cutoff), apply)


def _task_results(cutoff: datetime.datetime, apply: bool) -> int:
    # With them, the record of the e-mails they sent (their addresses).
    sent = _delete(SentNotification.objects.filter(claimed_at__lt=cutoff), apply)
    model = _model("django_tasks_database.dbtaskresult")
    if model is None:
        return sent
    return sent + _delete(model._default_manager.filter(finished_at__lt=cutoff), apply)


def _import_files(cutoff: datetime.datetime, apply: bool) -> int:
    return _delete(PeopleImport.objects.filter(created_at__lt=cutoff), apply)


def _sent_reminders(cutoff: datetime.datetime, apply: bool) -> int:
    return _delete(SentReminder.objects.filter(sent_at__lt=cutoff), apply)


def _closed_programmes(cutoff: datetime.datetime, apply: bool) -> int:
    """The free texts of programmes closed (and ended) before the cutoff go;
    counts, scores and dates stay, so their indicators stay true."""
    programmes = Programme.objects.filter(
        status=Programme.Status.CLOSED, end_date__lt=cutoff.date()
    )
    in_pair = Q(pair__mentee__programme__in=programmes)
    in_meeting = Q(meeting__pair__mentee__programme__in=programmes)
    enrolled = Q(enrolment__programme__in=programmes)
    blanks: list[tuple[models.QuerySet[Any], dict[str, str]]] = [
        (Enrolment.objects.filter(programme__in=programmes), {"motivation": ""}),
        (Goal.objects.filter(enrolled), {"title": "", "kpi": "", "unit": ""}),
        (
            CoffeeChat.objects.filter(mentee__programme__in=programmes),
            {"message": ""},
        ),
        (
            Meeting.objects.filter(in_pair),
            {"icebreaker": "", "notes": "", "mentor_learned": "", "mentee_learned": ""},
        ),
        (Feedback.objects.filter(in_meeting), {"comment": ""}),
        (ClosingSurvey.objects.filter(in_pair), {"comment": ""}),
        (PulseCheckIn.objects.filter(in_pair), {"comment": ""}),
        (PairPause.objects.filter(in_pair), {"reason": ""}),
        (Concern.objects.filter(in_pair), {"text": "", "reply": ""}),
        (
            Charter.objects.filter(in_pair),
            {
                "mentee_objectives": "",
                "mentor_objectives": "",
                "video_link": "",
                "location": "",
                "ground_rules": "",
            },
        ),
        (
            Kpi.objects.filter(charter__pair__mentee__programme__in=programmes),
            {"title": "", "kpi": "", "unit": ""},
        ),
        # A failed round's message may name people.
        (MatchingRound.objects.filter(programme__in=programmes), {"error": ""}),
    ]
    deletions: list[models.QuerySet[Any]] = [
        AgendaItem.objects.filter(in_meeting),
        PrivateNote.objects.filter(in_meeting),
        ActionItem.objects.filter(in_meeting),
        CastingReview.objects.filter(enrolled),
        CharterChange.objects.filter(charter__pair__mentee__programme__in=programmes),
    ]
    total = 0
    for qs, values in blanks:
        with_text = Q()
        for name in values:
            with_text |= ~Q(**{name: ""})
        qs = qs.filter(with_text)
        # update(): no auto_now field moves, no signal fires.
        total += qs.update(**values) if apply else qs.count()
    for qs in deletions:
        total += _delete(qs, apply)
    return total


def inactive_users(cutoff: datetime.datetime) -> models.QuerySet[User]:
    """Accounts unused since the cutoff, with no role or participation in a
    programme still under way. Administrators are never erased this way."""
    live = ~Q(status=Programme.Status.CLOSED)
    return (
        User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
        .filter(
            Q(last_login__lt=cutoff)
            | Q(last_login__isnull=True, date_joined__lt=cutoff)
        )
        .exclude(person__enrolments__programme__in=Programme.objects.filter(live))
        .exclude(managed_programmes__in=Programme.objects.filter(live))
        .exclude(sponsored_programmes__in=Programme.objects.filter(live))
        .exclude(casting_panels__in=Programme.objects.filter(live))
        .distinct()
    )


def _inactive_accounts(cutoff: datetime.datetime, apply: bool) -> int:
    users = list(inactive_users(cutoff))
    if apply:
        from .erasure import erase_person

        for user in users:
            erase_person(Subject.for_user(user), by=None)
    return len(users)


CATEGORIES = [
    Category(
        "sessions",
        _("Login sessions and login limits (shared cache)"),
        _("deleted after they expire"),
        _sessions,
    ),
    Category(
        "login_attempts",
        _("Logins and failed logins (lockout)"),
        # French agrees the participle with the category: « supprimées ».
        pgettext_lazy("retention, feminine plural", "deleted"),
        _login_attempts,
    ),
    Category("audit_log", _("Audit log"), _("deleted"), _audit_log),
    Category("admin_log", _("History of the administration"), _("deleted"), _admin_log),
    Category(
        "task_results",
        _("Background tasks (emails sent)"),
        _("deleted once finished"),
        _task_results,
    ),
    Category(
        "import_files",
        _("Uploaded HR files"),
        pgettext_lazy("retention, masculine plural", "deleted"),
        _import_files,
    ),
    Category(
        "sent_reminders",
        _("Log of reminders sent"),
        _("deleted"),
        _sent_reminders,
    ),
    Category(
        "closed_programmes",
        _(
            "Texts of closed programmes (notes, comments, goals, casting grids, "
            "concerns)"
        ),
        _("deleted after the programme's end date; counts and scores stay"),
        _closed_programmes,
    ),
    Category(
        "inactive_accounts",
        _("Accounts unused and out of any programme under way"),
        _("erased (pseudonymised) after the last login"),
        _inactive_accounts,
    ),
]


def policy() -> list[tuple[Category, int]]:
    """Each category with its period in days (0: kept for ever)."""
    days = settings.PRIVACY_RETENTION_DAYS
    return [(c, int(days.get(c.key, 0))) for c in CATEGORIES]


def apply_retention(
    *, dry_run: bool = False, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Count (dry run) or delete what is past its period, per category; one
    transaction, so a failure leaves everything as it was."""
    now = now or timezone.now()
    counts: dict[str, int] = {}
    with transaction.atomic():
        for category, days in policy():
            if days <= 0:
                continue
            cutoff = now - datetime.timedelta(days=days)
            counts[category.key] = category.purge(cutoff, not dry_run)
    if not dry_run:
        logger.info("retention applied: %s", counts)
    return counts


@task()
def apply_retention_task() -> dict[str, int]:
    """The same, from the task queue (e.g. enqueued daily by cron or Celery beat)."""
    return apply_retention()
