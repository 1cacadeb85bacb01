"""The admin site: staff as usual, and HR administrators for the content
they edit (binome/accounts/admin_content.py); every other page of the
admin stays closed to them, model by model."""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest

from binome.accounts.admin_content import edits_content


class BinomeAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) or edits_content(request.user)


class BinomeAdminConfig(AdminConfig):
    default_site = "binome.admin_site.BinomeAdminSite"
