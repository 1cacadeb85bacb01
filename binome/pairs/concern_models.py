"""Models of confidential concerns and of the mentor's recognition (#18).

Kept apart from ``models.py`` (which imports them at its end, so Django
finds them): see binome/pairs/concerns.py and binome/pairs/recognition.py.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.programs.models import Enrolment

from .models import Pair

CONCERN_MAX_LENGTH = 4000
REPLY_MAX_LENGTH = 2000


class Concern(models.Model):
    """A member's confidential concern about their pair, to the programme's
    managers only. The partner never sees it in any form (workspace, notes,
    activity, health, their export, their API); sponsors see nothing."""

    class Category(models.TextChoices):
        CONDUCT = "conduct", _("Conduct")
        RESPECT = "respect", _("Respect")
        CONFIDENTIALITY = "confidentiality", _("Confidentiality")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_PROGRESS = "in_progress", _("Being handled")
        CLOSED = "closed", _("Closed")

    pair = models.ForeignKey(
        Pair, on_delete=models.CASCADE, related_name="+", verbose_name=_("pair")
    )
    reporter = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="concerns",
        verbose_name=_("raised by"),
    )
    category = models.CharField(_("category"), max_length=20, choices=Category)
    text = models.TextField(_("what happened"), max_length=CONCERN_MAX_LENGTH)
    wants_contact = models.BooleanField(_("wishes to be contacted"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.RECEIVED
    )
    reply = models.TextField(
        _("message to the person who raised it"),
        blank=True,
        max_length=REPLY_MAX_LENGTH,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    # The form's one-time token: a second click on « Send » finds the first.
    token = models.UUIDField(_("form token"), default=uuid.uuid4)
    created_at = models.DateTimeField(_("raised at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Optimistic concurrency between two managers answering at once.
    version = models.PositiveIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("confidential concern")
        verbose_name_plural = _("confidential concerns")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "token"], name="concern_once_per_token"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["received", "in_progress", "closed"]),
                name="concern_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="closed") | Q(closed_at__isnull=True),
                name="concern_closed_at_only_when_closed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} – {self.created_at:%Y-%m-%d}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class ContributionShare(models.Model):
    """A mentor's consent to share their contribution (sessions held, hours,
    pairs) with their line manager, given with the closing survey. Without
    this row, nothing is shared; withdrawing the consent deletes it."""

    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="contribution_share",
        verbose_name=_("mentor"),
    )
    consented_at = models.DateTimeField(_("consented at"), default=timezone.now)
    # When the line manager was e-mailed (once), at the closing or later.
    sent_at = models.DateTimeField(_("line manager told at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contribution shared with the line manager")
        verbose_name_plural = _("contributions shared with line managers")
        ordering = ["-consented_at", "id"]

    def __str__(self) -> str:
        return str(self.enrolment.person)
