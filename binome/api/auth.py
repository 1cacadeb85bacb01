"""How API requests authenticate: a personal access token (``Authorization:
Bearer bnm_…``) or the browser session, with CSRF for writes.

Either way the request acts as its user, with the same object permissions as
the pages. A token is further limited to its scopes; the session is not (it
is the user at the keyboard).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthorizationError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie

from binome.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """Personal access token in the Authorization header."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = ApiToken.authenticate(token.strip())
        if api_token is None:
            return None
        request.api_token = api_token  # type: ignore[attr-defined]
        # Object permissions are checked against request.user, as in the pages.
        request.user = api_token.owner
        return api_token.owner


class SessionAuth(APIKeyCookie):
    """The browser session (the API docs page uses it). Writes need the CSRF
    token, checked by the parent class."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        # A request that sent a token is judged on that token alone, and a
        # request without a session gets 401, not a CSRF failure.
        if "Authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)  # checks CSRF on writes

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        request.api_token = None  # type: ignore[attr-defined]
        return request.user


def require_scope(request: HttpRequest, scope: str) -> None:
    """403 insufficient_scope when a token lacks the scope; sessions pass."""
    token: ApiToken | None = getattr(request, "api_token", None)
    if token is not None and not token.grants(scope):
        raise ScopeError(scope)


class ScopeError(AuthorizationError):
    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__(403, scope)
