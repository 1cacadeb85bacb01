from typing import Any

from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
)
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from binome.accounts.admin_content import HRContentAdmin

from . import audit, emailtexts
from .models import ApiToken, AuditEvent, EmailText, User

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


class EmailTextForm(forms.ModelForm[EmailText]):
    template = forms.ChoiceField(label=_("e-mail"))

    class Meta:
        model = EmailText
        fields = ["template", "language", "subject", "body", "is_active"]
        widgets = {
            "subject": forms.TextInput(attrs={"size": 80}),
            "body": forms.Textarea(attrs={"rows": 16, "cols": 80}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        template = self.fields["template"]
        assert isinstance(template, forms.ChoiceField)
        template.choices = [
            ("", "---------"),
            *((name, name) for name in emailtexts.available_templates()),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        name, subject, body = (cleaned.get(f) for f in ("template", "subject", "body"))
        if name and subject and body:
            try:
                emailtexts.validate(name, subject, body)
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


@admin.register(EmailText)
class EmailTextAdmin(HRContentAdmin, admin.ModelAdmin[EmailText]):
    """HR's wording of an e-mail, in one language, in place of the file's."""

    form = EmailTextForm
    list_display = ("template", "language", "subject", "is_active", "updated_at")
    list_display_links = ("template", "subject")
    list_filter = ("language", "is_active", "template")
    search_fields = ("template", "subject", "body")
    ordering = ("template", "language")

    @staticmethod
    def _chosen(request: HttpRequest, obj: EmailText | None) -> tuple[str, str]:
        if obj is not None:
            return obj.template, obj.language
        name = request.GET.get("template", "")
        language = request.GET.get("language", "fr")
        if language not in User.Language.values:
            language = "fr"
        return (name if name in emailtexts.available_templates() else ""), language

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        name, language = self._chosen(request, None)
        if name:
            default = emailtexts.editable_default(name, language)
            initial |= {"template": name, "language": language}
            if default is not None:
                initial |= {"subject": default[0], "body": default[1]}
        return initial

    def get_form(
        self,
        request: HttpRequest,
        obj: EmailText | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        name, language = self._chosen(request, obj)
        fields = form.base_fields
        if not name:
            links = format_html_join(
                ", ",
                '<a href="?template={}&amp;language={}">{}</a>',
                ((n, language, n) for n in emailtexts.available_templates()),
            )
            fields["template"].help_text = format_html(
                "{} {}",
                _("Choose an e-mail to start from its default text:"),
                links,
            )
            return form
        variables = ", ".join(
            "{{ " + v + " }}" for v in sorted(emailtexts.known_variables(name))
        )
        fields["subject"].help_text = format_html(
            "{} {}", _("Variables of this e-mail:"), variables
        )
        subject, body = emailtexts.default_sources(name)
        default = emailtexts.editable_default(name, language)
        shown = f"{default[0]}\n\n{default[1]}" if default else f"{subject}\n{body}"
        fields["body"].help_text = format_html(
            '{}<br>{}<br><textarea readonly rows="10" cols="80" '
            'aria-label="{}">{}</textarea>',
            _(
                "Plain text. Allowed: the variables above, the tags if, for and "
                "with, and filters such as date; nothing that loads or includes "
                "another template."
            ),
            _("Default text (sent while no text is active):"),
            _("Default text"),
            shown,
        )
        return form
