from typing import Any

from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
)
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import audit
from .models import ApiToken, AuditEvent, User

# allauth's admin pages that have no use here: providers are configured by
# environment variables (no SocialApp rows), tokens are not stored, and the
# address is the User's own email field. Kept: second factors (to remove a
# lost authenticator) and SSO identities.
for _model in (SocialApp, SocialToken, EmailAddress):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)

# The admin's own login form would skip the second factor: send it to ours.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


class UserCreationForm(AdminUserCreationForm[User]):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm[User]):
    class Meta:
        model = User
        fields = "__all__"


class PasswordSetByAdminForm(AdminPasswordChangeForm[User]):
    """A password set by an administrator also revokes the person's API
    tokens, as a change or a reset by the person does."""

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=commit)
        if commit:
            audit.revoke_api_tokens(user=user, reason="password_set_by_admin")
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    form = UserEditForm
    add_form = UserCreationForm
    change_password_form = PasswordSetByAdminForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "language")}),
        (
            _("Permissions"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "groups",
                    "user_permissions",
                )
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )

    # Roles given or taken here go to the audit log (« changes of roles »).
    ROLE_FLAGS = ("is_active", "is_staff", "is_superuser")

    def save_model(
        self, request: HttpRequest, obj: User, form: Any, change: bool
    ) -> None:
        before: dict[str, Any] = {}
        if change:
            before = (
                User.objects.filter(pk=obj.pk).values(*self.ROLE_FLAGS).first() or {}
            )
        super().save_model(request, obj, form, change)
        for flag in self.ROLE_FLAGS:
            # A new account starts active and without any role.
            old = before.get(flag, flag == "is_active")
            new = getattr(obj, flag)
            if new != old:
                audit.record(
                    AuditEvent.Action.ROLE_CHANGE,
                    request=request,
                    target=f"user:{obj.pk}",
                    role=flag,
                    change="granted" if new else "revoked",
                )

    def save_related(
        self, request: HttpRequest, form: Any, formsets: Any, change: bool
    ) -> None:
        user = form.instance
        before = set(user.groups.values_list("name", flat=True)) if change else set()
        super().save_related(request, form, formsets, change)
        after = set(user.groups.values_list("name", flat=True))
        for name, what in [(n, "granted") for n in sorted(after - before)] + [
            (n, "revoked") for n in sorted(before - after)
        ]:
            audit.record(
                AuditEvent.Action.ROLE_CHANGE,
                request=request,
                target=f"user:{user.pk}",
                role=f"group:{name}",
                change=what,
            )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the audit log is append-only, even for administrators."""

    list_display = ("at", "action", "actor", "target", "ip_address")
    list_filter = ("action",)
    search_fields = ("target", "actor__email")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Administrators see and revoke tokens; only their owners create them
    (the secret is shown once, to its owner)."""

    list_display = (
        "name",
        "owner",
        "prefix",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "owner__email")
    readonly_fields = (
        "owner",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    exclude = ("secret_hash",)
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset.filter(revoked_at__isnull=True):
            token.revoke()
            audit.record(
                AuditEvent.Action.API_TOKEN_REVOKED,
                request=request,
                target=f"api_token:{token.prefix}",
                by_admin=True,
            )
