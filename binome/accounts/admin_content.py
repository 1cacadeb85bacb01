"""HR edits the content (e-mail texts, the preparation module, goal examples,
the glossary, resources) in the admin without being technical staff: an
organisation's HR administrators reach these pages of `/admin/`, and no
other (the admin site lets them in: see binome/admin_site.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin

    _Base = BaseModelAdmin[Any]
else:
    _Base = object


def edits_content(user: Any) -> bool:
    """Superusers, and the HR administrators of an organisation."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.administered_organisations.exists())
    )


class HRContentAdmin(_Base):
    """For the ModelAdmin (and inlines) of content HR writes."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return edits_content(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return edits_content(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return edits_content(request.user) or super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return edits_content(request.user) or super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return edits_content(request.user) or super().has_delete_permission(
            request, obj
        )
