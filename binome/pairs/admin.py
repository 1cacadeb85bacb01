from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from binome.accounts.admin_content import HRContentAdmin

from .models import (
    Charter,
    CharterChange,
    GlossaryTerm,
    Meeting,
    Pair,
    ProgrammeWebhook,
    PulseQuestion,
    ReminderPreference,
)


@admin.register(Pair)
class PairAdmin(admin.ModelAdmin[Pair]):
    list_display = ("__str__", "status", "started_on", "closed_on")
    list_filter = ("status",)
    raw_id_fields = ("mentor", "mentee")

    def has_add_permission(self, request: object) -> bool:
        # Pairs are made by publishing a matching round (with its notices).
        return False


# Notes, agendas, feedback and assessments are private to each pair: the
# administration shows charters' acceptance and meetings' dates, not content.
@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin[Charter]):
    list_display = ("pair", "mentor_accepted_at", "mentee_accepted_at", "updated_at")
    fields = ("pair", "cadence_days", "session_minutes", "format")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(CharterChange)
class CharterChangeAdmin(admin.ModelAdmin[CharterChange]):
    list_display = ("charter", "changed_by", "changed_at")
    fields = ("charter", "changed_by", "changed_at")
    readonly_fields = fields

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin[Meeting]):
    list_display = ("pair", "starts_at", "status", "held_minutes")
    list_filter = ("status",)
    fields = ("pair", "starts_at", "duration_minutes", "status", "held_minutes")
    readonly_fields = ("pair",)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(HRContentAdmin, admin.ModelAdmin[GlossaryTerm]):
    """The shared glossary: terms HR writes (no programme) and suggestions
    from the pairs, approved here or on the programme's page."""

    list_display = ("term", "kind", "status", "definition_fr", "programme")
    list_filter = (
        "kind",
        "status",
        ("programme", admin.EmptyFieldListFilter),
    )
    list_editable = ("status",)
    search_fields = (
        "term",
        "definition_fr",
        "definition_en",
        "example_fr",
        "example_en",
    )
    ordering = ("kind", "term")
    raw_id_fields = ("suggested_by",)
    fieldsets = (
        (None, {"fields": ("term", "kind", "status")}),
        (_("French"), {"fields": ("definition_fr", "example_fr")}),
        (_("English"), {"fields": ("definition_en", "example_en")}),
        (None, {"fields": ("programme", "suggested_by")}),
    )


@admin.register(ProgrammeWebhook)
class ProgrammeWebhookAdmin(admin.ModelAdmin[ProgrammeWebhook]):
    list_display = ("programme", "is_active")


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin[ReminderPreference]):
    list_display = ("user",)
    fields = ("user",)
    readonly_fields = ("user",)

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(PulseQuestion)
class PulseQuestionAdmin(HRContentAdmin, admin.ModelAdmin[PulseQuestion]):
    """The wording of the three check-in questions (#18). The questions are
    fixed, as the health score reads them: HR rewords, never adds or
    removes. Answers are not in the administration: they are private."""

    list_display = ("key", "position", "text_fr", "text_en")
    list_editable = ("position",)
    ordering = ("position", "id")
    readonly_fields = ("key",)
    fieldsets = (
        (None, {"fields": ("key", "position")}),
        (_("French"), {"fields": ("text_fr", "junior_text_fr", "low_fr", "high_fr")}),
        (_("English"), {"fields": ("text_en", "junior_text_en", "low_en", "high_en")}),
    )

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
