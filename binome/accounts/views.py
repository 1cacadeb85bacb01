from typing import Any

from allauth.account.views import LoginView as AllauthLoginView
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import check_for_language
from django.views.i18n import set_language as django_set_language

from binome.http import AuthenticatedRequest

from . import audit
from .middleware import CHOSEN_LANGUAGE_SESSION_KEY
from .models import User


def sso_providers(request: HttpRequest) -> list[dict[str, str]]:
    """The single sign-on buttons of the login page: one per configured
    provider (none without SSO_* variables)."""
    providers = get_social_adapter().list_providers(request)
    return [
        {"name": provider.name, "url": provider.get_login_url(request)}
        for provider in sorted(providers, key=lambda p: p.name)
    ]


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch (cookie and redirect), remembered on the
    account: the next login, from any browser, and the e-mails follow it.
    Chosen before logging in, it waits in the session and is saved on the
    account at login (see FrenchFirstLocaleMiddleware)."""
    response = django_set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if language in User.Language.values and check_for_language(language):
        if request.user.is_authenticated:
            user = request.user
            assert isinstance(user, User)
            user.choose_language(language)
        else:
            request.session[CHOSEN_LANGUAGE_SESSION_KEY] = language
    return response


class LoginView(AllauthLoginView):
    """allauth's login flow (second factor, audit, lockout) on our page."""

    template_name = "accounts/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["sso_providers"] = sso_providers(self.request)
        return context


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset page, which also revokes the person's API tokens (allauth's
    password signals do not fire here)."""

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        audit.revoke_api_tokens(
            user=form.user, request=self.request, reason="password_reset"
        )
        return response


@login_required
def profile(request: AuthenticatedRequest) -> HttpResponse:
    """« Mon compte »: who I am, how I log in, and the second factor."""
    user = request.user
    authenticators = {a.type: a for a in Authenticator.objects.filter(user_id=user.pk)}
    return render(
        request,
        "accounts/profile.html",
        {
            "totp": authenticators.get(Authenticator.Type.TOTP),
            "recovery_codes": authenticators.get(Authenticator.Type.RECOVERY_CODES),
            "sso_accounts": SocialAccount.objects.filter(user_id=user.pk),
            "has_password": user.has_usable_password(),
        },
    )
