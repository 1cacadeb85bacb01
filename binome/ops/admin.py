from django.contrib import admin

from .models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin[JobRun]):
    """The last run of each periodic job: read only, written by the jobs."""

    list_display = ("name", "ok", "started_at", "finished_at", "last_success_at")
    list_filter = ("ok",)
    readonly_fields = (
        "name",
        "started_at",
        "finished_at",
        "ok",
        "error",
        "last_success_at",
        "runs",
        "failures",
    )

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
