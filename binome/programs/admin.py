from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from binome.accounts import audit
from binome.accounts.models import AuditEvent

from .models import Enrolment, Goal, Programme, SkillWish


class ProgrammeAdminForm(forms.ModelForm[Programme]):
    class Meta:
        model = Programme
        fields = "__all__"  # noqa: DJ007 - the admin passes its own fields

    def clean_status(self) -> str:
        """Closing and reopening do more than change the status: they go
        through the closing page (``Programme.move_to``), not this form."""
        new: str = self.cleaned_data["status"]
        old = self.instance.status if self.instance.pk else Programme.Status.DRAFT
        if new != old and Programme.Status.CLOSED in (new, old):
            raise ValidationError(
                Programme.closing_required_message(), code="closing_required"
            )
        return new


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin[Programme]):
    form = ProgrammeAdminForm
    list_display = ("name", "status", "is_pilot", "start_date", "end_date")
    list_filter = ("status", "is_pilot")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("managers", "skills")

    # Who manages, reviews or sponsors a programme is a role: changes made
    # here go to the audit log.
    ROLE_FIELDS = {"managers": "manager", "panel": "panel", "sponsors": "sponsor"}

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        programme = form.instance

        def members() -> dict[str, set[int]]:
            return {
                field: set(getattr(programme, field).values_list("pk", flat=True))
                for field in self.ROLE_FIELDS
            }

        before = members() if change else {f: set() for f in self.ROLE_FIELDS}
        super().save_related(request, form, formsets, change)
        after = members()
        for field, role in self.ROLE_FIELDS.items():
            changes = [(pk, "granted") for pk in sorted(after[field] - before[field])]
            changes += [(pk, "revoked") for pk in sorted(before[field] - after[field])]
            for pk, what in changes:
                audit.record(
                    AuditEvent.Action.ROLE_CHANGE,
                    request=request,
                    target=f"programme:{programme.slug}",
                    role=role,
                    user=pk,
                    change=what,
                )


class SkillWishInline(admin.TabularInline[SkillWish, Enrolment]):
    model = SkillWish
    extra = 0
    autocomplete_fields = ("skill",)


class GoalInline(admin.StackedInline[Goal, Enrolment]):
    model = Goal
    extra = 0


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin[Enrolment]):
    list_display = ("person", "programme", "role", "status", "consent_at")
    list_filter = ("programme", "role", "status")
    search_fields = ("person__last_name", "person__first_name")
    autocomplete_fields = ("person",)
    inlines = [SkillWishInline, GoalInline]
