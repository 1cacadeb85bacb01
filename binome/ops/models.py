from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """The last run of one periodic job (one row per job, updated in place).

    Nothing personal: a job's name, times and the class of the error that
    stopped it (never its message, which could quote data).
    """

    name = models.CharField(_("job"), max_length=64, unique=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # None while running (or if the process died during the run).
    ok = models.BooleanField(_("succeeded"), null=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    failures = models.PositiveIntegerField(_("failures"), default=0)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
