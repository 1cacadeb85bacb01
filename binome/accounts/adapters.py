"""How django-allauth fits Binôme: no self-service signup, French error
messages, and single sign-on restricted to the company's email domains.

Policy for single sign-on (SSO):
- the identity provider must give an email address in one of
  ``SSO_ALLOWED_DOMAINS``; otherwise the login is refused and audited;
- an identity seen for the first time whose address belongs to an existing
  account is linked to it **only if the provider says the address is
  verified** (OIDC ``email_verified``, or ``SSO_*_TRUST_EMAIL=1`` for providers
  that manage addresses themselves but never send that claim); otherwise the
  login is refused, so that nobody takes over an account by typing someone
  else's address at a lax provider;
- otherwise the account is created just in time (no signup form).
"""

from __future__ import annotations

from typing import Any, cast

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .audit import record
from .models import AuditEvent, User


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # The same sentence as before allauth, whatever was wrong.
        "email_password_mismatch": _("The email address or the password is incorrect."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by HR, by imports or by single sign-on.
        return False


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(
        self, request: HttpRequest, sociallogin: SocialLogin
    ) -> bool:
        # Reached only once pre_social_login accepted the address.
        return True

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        provider = sociallogin.account.provider
        address = (
            sociallogin.email_addresses[0] if sociallogin.email_addresses else None
        )
        email = (address.email if address else "").strip().lower()
        if not email or email_domain(email) not in settings.SSO_ALLOWED_DOMAINS:
            self._refuse(request, provider, email, "domain")
        if sociallogin.is_existing:
            return
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # A logged-in person may only attach their own identity.
            if cast(User, request.user).email.lower() != email:
                self._refuse(request, provider, email, "other_person")
            return
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            return  # just-in-time creation, by allauth's auto signup
        if not _is_true(address.verified if address else False):
            self._refuse(request, provider, email, "unverified")
        sociallogin.connect(request, user)
        record(
            AuditEvent.Action.SSO_LINKED,
            actor=user,
            target=f"user:{user.pk}",
            request=request,
            provider=provider,
        )

    def save_user(
        self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None
    ) -> User:
        user: User = super().save_user(request, sociallogin, form)
        record(
            AuditEvent.Action.ACCOUNT_CREATED,
            actor=user,
            target=f"user:{user.pk}",
            request=request,
            provider=sociallogin.account.provider,
        )
        return user

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        record(
            AuditEvent.Action.LOGIN_FAILED,
            request=request,
            reason="sso_error",
            provider=getattr(provider, "id", str(provider)),
            error=str(error or "")[:100],
        )

    def _refuse(
        self, request: HttpRequest, provider: str, email: str, reason: str
    ) -> None:
        record(
            AuditEvent.Action.LOGIN_FAILED,
            request=request,
            username=email[:254],
            reason=f"sso_{reason}",
            provider=provider,
        )
        response = render(
            request,
            "accounts/sso_refused.html",
            {"reason": reason, "email": email},
            status=403,
        )
        raise ImmediateHttpResponse(response)


def _is_true(claim: object) -> bool:
    """Some providers send ``email_verified`` as the string "false": only a
    real true (or "true"/"1") counts, or an attacker could link any account."""
    if isinstance(claim, str):
        return claim.strip().lower() in {"true", "1"}
    return claim is True
