"""The audit log: one function to record an event, and the hooks that Django
offers for authentication events (its signals are the only way in)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import ApiToken, AuditEvent

# Keys that must never reach the log, whatever a caller passes.
SECRET_KEYS = {"password", "password1", "password2", "token", "secret", "notes"}


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    action: str,
    *,
    actor: Any = None,
    target: str = "",
    request: HttpRequest | None = None,
    **details: Any,
) -> AuditEvent:
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    clean = {k: v for k, v in details.items() if k.lower() not in SECRET_KEYS}
    return AuditEvent.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        target=target[:200],
        ip_address=client_ip(request),
        details=clean,
    )


def attempted_username(request: HttpRequest | None, credentials: Any = None) -> str:
    """The address someone tried to log in with (django-axes counts failures
    per address): allauth passes ``email``, the admin login ``username``."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if not value and request is not None:
        data = getattr(request, "POST", {})
        value = data.get("login") or data.get("username")
    return str(value or "").strip().lower()[:254]


def _login_methods(request: HttpRequest | None) -> dict[str, Any]:
    """How the person authenticated in this session, as allauth recorded it
    (password, single sign-on, second factor), without identifiers."""
    if request is None or not hasattr(request, "session"):
        return {}
    methods = request.session.get("account_authentication_methods") or []
    details: dict[str, Any] = {}
    for method in methods:
        if method.get("method") == "socialaccount":
            details["method"] = "sso"
            details["provider"] = method.get("provider", "")
        elif method.get("method") == "password":
            details.setdefault("method", "password")
        elif method.get("method") == "mfa":
            details["mfa"] = method.get("type", "")
    return details


def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(
        AuditEvent.Action.LOGIN,
        actor=user,
        target=f"user:{user.pk}",
        request=request,
        **_login_methods(request),
    )


def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record(
            AuditEvent.Action.LOGOUT,
            actor=user,
            target=f"user:{user.pk}",
            request=request,
        )


def on_login_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    # The attempted address is kept (it is what an administrator investigates),
    # never the password.
    attempted = credentials.get("email") or credentials.get("username") or ""
    record(
        AuditEvent.Action.LOGIN_FAILED, request=request, username=str(attempted)[:254]
    )


def on_locked_out(
    sender: Any,
    request: HttpRequest | None = None,
    username: str | None = None,
    **kwargs: Any,
) -> None:
    record(
        AuditEvent.Action.LOCKED_OUT, request=request, username=(username or "")[:254]
    )


def on_mfa_failed(
    sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any
) -> None:
    record(
        AuditEvent.Action.LOGIN_FAILED,
        request=request,
        username=str(getattr(user, "email", ""))[:254],
        reason="mfa_reauthentication" if kwargs.get("reauthentication") else "mfa",
    )


def _on_authenticator(change: str) -> Any:
    def handler(
        sender: Any,
        request: HttpRequest | None = None,
        user: Any = None,
        authenticator: Any = None,
        **kwargs: Any,
    ) -> None:
        record(
            AuditEvent.Action.MFA_CHANGE,
            actor=user,
            target=f"user:{getattr(user, 'pk', '')}",
            request=request,
            type=str(getattr(authenticator, "type", "")),
            change=change,
        )

    return handler


on_authenticator_added = _on_authenticator("added")
on_authenticator_removed = _on_authenticator("removed")
on_authenticator_reset = _on_authenticator("reset")


def revoke_api_tokens(
    *, user: Any, request: HttpRequest | None = None, reason: str
) -> list[ApiToken]:
    """Revoke all of ``user``'s API tokens and log each revocation: a new
    password must also shut out whoever minted tokens with the old one."""
    tokens = ApiToken.objects.filter(owner=user).revoke()
    for token in tokens:
        record(
            AuditEvent.Action.API_TOKEN_REVOKED,
            actor=user,
            target=f"api_token:{token.prefix}",
            request=request,
            reason=reason,
        )
    return tokens


def on_password_changed(
    sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any
) -> None:
    revoke_api_tokens(user=user, request=request, reason="password_changed")


def on_password_reset(
    sender: Any, request: HttpRequest | None = None, user: Any = None, **kwargs: Any
) -> None:
    revoke_api_tokens(user=user, request=request, reason="password_reset")
