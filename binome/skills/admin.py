from django.contrib import admin

from binome.accounts.admin_content import HRContentAdmin

from .models import (
    Assessment,
    AssessmentItem,
    LevelDescriptor,
    Resource,
    ResourceRating,
    Skill,
    SkillArea,
)


@admin.register(SkillArea)
class SkillAreaAdmin(admin.ModelAdmin[SkillArea]):
    list_display = ("name_fr", "name_en", "code", "kind", "position")
    list_filter = ("kind",)


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin[Skill]):
    list_display = ("name_fr", "name_en", "code", "area", "kind", "is_active")
    list_filter = ("area", "kind", "is_active")
    search_fields = ("name_fr", "name_en", "code")


@admin.register(LevelDescriptor)
class LevelDescriptorAdmin(admin.ModelAdmin[LevelDescriptor]):
    list_display = ("level", "label_fr", "label_en", "skill")
    list_filter = ("level",)


class AssessmentItemInline(admin.TabularInline[AssessmentItem, Assessment]):
    model = AssessmentItem
    extra = 0
    autocomplete_fields = ("skill",)


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin[Assessment]):
    list_display = ("person", "assessed_on", "phase", "assessor")
    list_filter = ("phase",)
    search_fields = ("person__last_name", "person__first_name")
    inlines = [AssessmentItemInline]
    autocomplete_fields = ("person", "assessor")


class ResourceRatingInline(admin.TabularInline[ResourceRating, Resource]):
    model = ResourceRating
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Resource)
class ResourceAdmin(HRContentAdmin, admin.ModelAdmin[Resource]):
    list_display = ("title_fr", "title_en", "kind", "language", "is_active")
    list_filter = ("kind", "language", "is_active", "skills")
    search_fields = ("title_fr", "title_en", "description_fr", "description_en")
    ordering = ("title_fr",)
    filter_horizontal = ("skills",)
    inlines = [ResourceRatingInline]
