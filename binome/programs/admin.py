from django.contrib import admin

from .models import Enrolment, Goal, Programme, SkillWish


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "is_pilot", "start_date", "end_date")
    list_filter = ("status", "is_pilot")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("managers", "skills")


class SkillWishInline(admin.TabularInline):
    model = SkillWish
    extra = 0
    autocomplete_fields = ("skill",)


class GoalInline(admin.StackedInline):
    model = Goal
    extra = 0


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ("person", "programme", "role", "status", "consent_at")
    list_filter = ("programme", "role", "status")
    search_fields = ("person__last_name", "person__first_name")
    autocomplete_fields = ("person",)
    inlines = [SkillWishInline, GoalInline]
