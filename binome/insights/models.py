from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from binome.programs.models import Programme

from .privacy import Audience


class DashboardSnapshot(models.Model):
    """A large programme's dashboard, computed in the background and served
    from here (see ``insights.snapshots``): aggregates only. The pairs at
    risk are kept by id, their names read when a manager opens the page, so
    that no personal data is copied here. One per programme, language and
    audience: the programme's managers get exact figures, anyone else the
    small-group rule (a manager's snapshot is never served to a sponsor);
    the labels depend on the language."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("programme"),
    )
    language = models.CharField(_("language"), max_length=10)
    audience = models.CharField(
        _("audience"),
        max_length=10,
        choices=[
            (Audience.MANAGERS.value, _("the programme's managers")),
            (Audience.OUTSIDE.value, _("sponsors and anyone else")),
        ],
        default=Audience.OUTSIDE.value,
    )
    as_of = models.DateField(_("figures on"))
    # When the computation started: a later one is never overwritten.
    computed_at = models.DateTimeField(_("computed at"))
    viewed_at = models.DateTimeField(_("last viewed at"))
    duration_ms = models.PositiveIntegerField(_("computation time (ms)"))
    # The code that computed it: a snapshot of other code is computed again.
    code_version = models.CharField(_("code version"), max_length=64)
    data = models.BinaryField(_("data"))

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "language", "audience"],
                name="dashboard_snapshot_once",
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.programme} ({self.language}, {self.audience}, "
            f"{self.computed_at:%Y-%m-%d %H:%M})"
        )
