"""The audit log: one function to record an event, and the hooks that Django
offers for authentication events (its signals are the only way in)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import AuditEvent

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


def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    record(
        AuditEvent.Action.LOGIN, actor=user, target=f"user:{user.pk}", request=request
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
    record(
        AuditEvent.Action.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", ""))[:254],
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
