from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.programs.models import Enrolment, Programme


class PairQuerySet(models.QuerySet["Pair"]):
    def active(self) -> PairQuerySet:
        return self.filter(status=Pair.Status.ACTIVE)

    def in_programme(self, programme: Programme) -> PairQuerySet:
        return self.filter(mentee__programme=programme)

    def for_user(self, user: Any) -> PairQuerySet:
        """The pairs a user belongs to, as mentor or mentee."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(mentor__person__user=user) | Q(mentee__person__user=user))


class Pair(models.Model):
    """A binôme: one mentor and one mentee of the same programme."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    mentor = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="pairs_as_mentor",
        verbose_name=_("mentor"),
    )
    mentee = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="pairs_as_mentee",
        verbose_name=_("mentee"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    started_on = models.DateField(_("start date"), default=timezone.localdate)
    closed_on = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")
        ordering = ["-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="pair_distinct_enrolments"
            ),
            # A mentee has at most one active mentor.
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(status="active"),
                name="pair_one_active_per_mentee",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "closed"]), name="pair_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("started_on")),
                name="pair_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.person} → {self.mentee.person}"

    @property
    def programme(self) -> Programme:
        return self.mentee.programme

    def clean(self) -> None:
        errors = []
        if self.mentor.role != Enrolment.Role.MENTOR:
            errors.append(_("The mentor's enrolment is not a mentor enrolment."))
        if self.mentee.role != Enrolment.Role.MENTEE:
            errors.append(_("The mentee's enrolment is not a mentee enrolment."))
        if self.mentor.programme_id != self.mentee.programme_id:
            errors.append(_("Both people must be in the same programme."))
        if self.mentor.person_id == self.mentee.person_id:
            errors.append(_("A person cannot mentor themselves."))
        if errors:
            raise ValidationError(errors)

    def close(self) -> None:
        self.status = self.Status.CLOSED
        self.closed_on = timezone.localdate()
        self.save(update_fields=["status", "closed_on"])
