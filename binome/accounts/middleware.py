import contextlib
import ipaddress
import time
from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext

from .models import User

# A language chosen with the switch before logging in: saved on the account
# at login (the person chose it just now, on this browser).
CHOSEN_LANGUAGE_SESSION_KEY = "binome_chosen_language"


class ForwardedForMiddleware:
    """Behind the reverse proxy (BEHIND_PROXY=1), the client is the last
    address of X-Forwarded-For, the one the proxy wrote (deploy/nginx/binome.conf
    writes only that one); REMOTE_ADDR is the proxy itself. Without this,
    the audit log would record the proxy's address for everyone, and
    django-axes would lock out an account from every address at once.
    Installed first in MIDDLEWARE, by the settings, only with BEHIND_PROXY."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        client = forwarded.rsplit(",", 1)[-1].strip()
        # No header, or not an address: REMOTE_ADDR stays.
        with contextlib.suppress(ValueError):
            request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(client))
        return self.get_response(request)


class FrenchFirstLocaleMiddleware:
    """Pick the language: the person's explicit choice, then French.

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is ignored:
    Binôme is French first, and a company laptop set to English should not
    switch the whole product for someone who never asked for it.

    Logged in, the account's language decides (the switch saves it there, so
    it follows the person to any browser, and the e-mails use it); a choice
    made on the login page just before logging in is saved on the account.
    The language cookie follows the account, so that the login page keeps
    the person's language after logging out. Anonymous, the cookie decides
    (set by the switch), else LANGUAGE_CODE.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        account = user if isinstance(user, User) and user.is_authenticated else None
        if account is not None:
            chosen = request.session.pop(CHOSEN_LANGUAGE_SESSION_KEY, None)
            if chosen in self.supported:
                account.choose_language(chosen)
            language: str | None = account.language
        else:
            language = cookie
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch = response.headers.get("Vary", "")
        if "Cookie" not in patch:
            response.headers["Vary"] = f"{patch}, Cookie" if patch else "Cookie"
        if (
            account is not None
            and account.language in self.supported
            and cookie != account.language
            and settings.LANGUAGE_COOKIE_NAME not in response.cookies
        ):
            _set_language_cookie(response, account.language)
        return response


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    """The cookie as Django's set_language writes it."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class SessionExpiryMiddleware:
    """Log people out after SESSION_IDLE_TIMEOUT seconds without a request, and
    SESSION_ABSOLUTE_TIMEOUT seconds after they logged in, whatever happens."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            session = request.session
            started = session.setdefault("binome_started", now)
            last = session.get("binome_seen", now)
            idle = now - last > settings.SESSION_IDLE_TIMEOUT
            too_old = now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or too_old:
                logout(request)
                return redirect_to_login(request.get_full_path())
            session["binome_seen"] = now
        return self.get_response(request)


class AuditDenialsMiddleware:
    """Record refusals met by logged-in people (403, and the 404 that our
    access helpers return to outsiders) in the audit log."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from .audit import record
        from .models import AuditEvent

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and isinstance(exception, Http404 | PermissionDenied)
        ):
            record(
                AuditEvent.Action.DENIED,
                request=request,
                target=request.path[:200],
                method=request.method,
            )


class RequireMfaMiddleware:
    """With MFA_REQUIRED_FOR_STAFF, administrators (is_staff) without an
    authenticator app are sent to set one up before anything else."""

    # What they may still reach besides the second-factor pages under
    # mfa_index: reauthentication (asked before activation), logging out,
    # their account page, the language switch.
    ALLOWED_VIEWS = {
        "account_reauthenticate",
        "account_logout",
        "accounts:logout",
        "accounts:profile",
        "set_language",
    }

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.MFA_REQUIRED_FOR_STAFF and self._must_enrol(request):
            messages.warning(
                request,
                gettext(
                    "Administrators must protect their account with an "
                    "authenticator app before going further."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    def _must_enrol(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_staff:
            return False
        if request.path.startswith((reverse("mfa_index"), settings.STATIC_URL)):
            return False
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        if match.view_name in self.ALLOWED_VIEWS:
            return False
        return not Authenticator.objects.filter(
            user_id=user.pk, type=Authenticator.Type.TOTP
        ).exists()
