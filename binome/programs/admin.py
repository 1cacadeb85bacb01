from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from binome.accounts import audit
from binome.accounts.admin_content import HRContentAdmin
from binome.accounts.models import AuditEvent

from .models import (
    Enrolment,
    Goal,
    GoalExample,
    PreparationChoice,
    PreparationStep,
    Programme,
    SkillWish,
)


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


class PreparationChoiceFormSet(BaseInlineFormSet[PreparationChoice, PreparationStep]):
    """A self-check has at least two answers and exactly one right one."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(kept) < 2:
            raise ValidationError(_("Give at least two answers."))
        right = sum(1 for form in kept if form.cleaned_data.get("is_correct"))
        if right != 1:
            raise ValidationError(_("Tick exactly one right answer."))


class PreparationChoiceInline(
    HRContentAdmin, admin.TabularInline[PreparationChoice, PreparationStep]
):
    model = PreparationChoice
    formset = PreparationChoiceFormSet
    fields = ("position", "text_fr", "text_en", "is_correct")
    extra = 0
    min_num = 2


@admin.register(PreparationStep)
class PreparationStepAdmin(HRContentAdmin, admin.ModelAdmin[PreparationStep]):
    """The mentors' didactics module. Mentors see the answers in an order of
    their own (shuffled per person and per question), not the order here."""

    list_display = ("position", "title_fr", "title_en", "is_active")
    list_display_links = ("title_fr",)
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("title_fr", "title_en", "body_fr", "body_en", "question_fr")
    ordering = ("position", "id")
    fieldsets = (
        (None, {"fields": ("position", "is_active")}),
        (_("French"), {"fields": ("title_fr", "body_fr")}),
        (_("English"), {"fields": ("title_en", "body_en")}),
        (
            _("Self-check"),
            {
                "fields": (
                    "question_fr",
                    "question_en",
                    "explanation_fr",
                    "explanation_en",
                ),
                "description": _(
                    "The answers follow. Mentors see them in an order of their own, "
                    "so the right one is not always in the same place."
                ),
            },
        ),
    )
    inlines = [PreparationChoiceInline]


@admin.register(GoalExample)
class GoalExampleAdmin(HRContentAdmin, admin.ModelAdmin[GoalExample]):
    """The examples next to the participants' goal form."""

    list_display = ("position", "title_fr", "title_en", "kpi_fr", "skill", "is_active")
    list_display_links = ("title_fr",)
    list_editable = ("position", "is_active")
    list_filter = ("is_active",)
    search_fields = ("title_fr", "title_en", "kpi_fr", "kpi_en")
    ordering = ("position", "id")
    autocomplete_fields = ("skill",)
    fieldsets = (
        (None, {"fields": ("position", "is_active", "skill")}),
        (_("French"), {"fields": ("title_fr", "kpi_fr", "unit_fr")}),
        (_("English"), {"fields": ("title_en", "kpi_en", "unit_en")}),
        (None, {"fields": ("target_value",)}),
    )
