from django.contrib import admin

from .models import Department, Organisation, Person, Site


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin[Department]):
    list_display = ("name", "code", "parent", "organisation")
    list_filter = ("organisation",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent",)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin[Site]):
    list_display = ("name", "city", "organisation")
    search_fields = ("name", "city")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin[Person]):
    list_display = (
        "last_name",
        "first_name",
        "job_title",
        "department",
        "site",
        "level",
    )
    list_filter = ("level", "department", "site")
    search_fields = ("last_name", "first_name", "email", "employee_id", "job_title")
    autocomplete_fields = ("user", "department", "manager")
    list_select_related = ("department", "site")
