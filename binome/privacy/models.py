from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from binome.people.models import Person
from binome.programs.models import Enrolment


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def current(self) -> ConsentRecordQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class ConsentRecord(models.Model):
    """The register of consents (GDPR art. 7(1): the controller must be able
    to show that the person consented): which notice, in which version, when,
    and when it was withdrawn. Giving a consent again opens a new record.

    The record holds ids and dates only, so it survives an erasure as proof,
    without any name."""

    class Kind(models.TextChoices):
        ENROLMENT = "enrolment", _("Taking part in a programme")
        TALENT_FLAG = "talent_flag", _("Being flagged to HR as a future talent")

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("person"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("enrolment"),
    )
    kind = models.CharField(_("consent to"), max_length=20, choices=Kind.choices)
    notice_version = models.CharField(_("version of the notice"), max_length=20)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(withdrawn_at__gte=F("given_at")),
                name="consent_withdrawn_after_given",
            ),
            # One open consent of a kind per enrolment.
            models.UniqueConstraint(
                fields=["enrolment", "kind"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_open_per_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.notice_version})"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None
