"""Matching rounds and the managers' standing decisions on pairs.

Both tables keep the names they had when these models lived in ``programs``
(``programs_matchinground``, ``programs_pairdecision``): the move changed the
code, not the data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from binome.programs.models import Enrolment, Programme


class PairDecision(models.Model):
    """A manager's standing decision on a mentor/mentee pair, honoured by every
    later matching round: keep them together (lock) or never pair them (forbid)."""

    class Kind(models.TextChoices):
        LOCK = "lock", _("Locked")
        FORBID = "forbid", _("Forbidden")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="pair_decisions",
        verbose_name=_("programme"),
    )
    mentor = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentor")
    )
    mentee = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="+", verbose_name=_("mentee")
    )
    kind = models.CharField(_("decision"), max_length=10, choices=Kind.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "programs_pairdecision"
        verbose_name = _("pair decision")
        verbose_name_plural = _("pair decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "mentee"], name="pair_decision_once_per_pair"
            ),
            # A mentee is locked to one mentor at most.
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(kind="lock"),
                name="pair_decision_one_lock_per_mentee",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["lock", "forbid"]),
                name="pair_decision_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.mentor.person} → {self.mentee.person}"


class MatchingRoundQuerySet(models.QuerySet["MatchingRound"]):
    def published(self) -> MatchingRoundQuerySet:
        return self.filter(published_at__isnull=False)


class MatchingRound(models.Model):
    """One run of the matching engine on a programme's accepted enrolments.

    The result (pairs with scores and reasons, unmatched people with the reason,
    totals and the certified bound) is kept as the engine returned it, then
    edited by the manager (remove, swap) until it is published.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="matching_rounds",
        verbose_name=_("programme"),
    )
    number = models.PositiveIntegerField(_("number"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    settings_snapshot = models.JSONField(_("settings used"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    # Written every few seconds by the worker that runs the round (see
    # rounds.run_matching_round): a round whose heartbeat stopped has lost its
    # worker, and reap_stale_rounds marks it failed.
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    objects = MatchingRoundQuerySet.as_manager()

    class Meta:
        db_table = "programs_matchinground"
        verbose_name = _("matching round")
        verbose_name_plural = _("matching rounds")
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="matching_round_number_unique"
            ),
            # Pairs of a programme are published once.
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(published_at__isnull=False),
                name="matching_round_published_once",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="matching_round_progress_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} – #{self.number}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def pairs(self) -> list[dict[str, Any]]:
        return list(self.result.get("pairs", []))

    @property
    def unmatched(self) -> list[dict[str, Any]]:
        return list(self.result.get("unmatched", []))

    @property
    def totals(self) -> dict[str, Any]:
        return dict(self.result.get("totals", {}))
