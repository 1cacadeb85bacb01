"""Permission-matrix rows of the login flows that django-allauth adds under
/compte/ (format: binome/tests/matrix.py): second factor, reauthentication,
single sign-on. The matrix runs without SSO_* variables, so the OpenID Connect
and SAML endpoints answer 404 there (their behaviour once configured is
tested in binome/accounts/tests/test_sso_*.py).
"""

from __future__ import annotations

from typing import Any

LOGGED_IN_OK = {"*": 200, "anonymous": "login"}
PUBLIC = {"*": 200}
NO_POST = {"*": 405}
ANYONE_REDIRECTED = {"*": 302}
NOT_CONFIGURED = {"*": 404}
NOT_FOUND = {"*": 404}
NO_PASSWORD = {"*": 403, "anonymous": "login"}
HOME_OR_LOGIN = {"*": 302, "anonymous": "login"}
# No second factor yet: nothing to deactivate, no codes to show.
NOTHING_YET = {"*": 404, "anonymous": "login"}


def oidc_kwargs(w: Any) -> dict[str, str]:
    return {"provider_id": "sso"}


def saml_kwargs(w: Any) -> dict[str, str]:
    return {"organization_slug": "sso"}


def _both(
    url: str, get: dict[str, Any], post: dict[str, Any], **row: Any
) -> list[dict[str, Any]]:
    return [
        {"url": url, "expect": get, **row},
        {"url": url, "method": "POST", "expect": post, **row},
    ]


ROWS: list[dict[str, Any]] = [
    # Paths of allauth's pages that duplicate ours are taken over by redirects
    # (binome/accounts/allauth_urls.py): one login page, one password reset,
    # no self-service address or password for SSO accounts.
    *_both("compte/login/", {"*": "login"}, {"*": "login"}),
    *_both("account_login", {"*": "login"}, {"*": "login"}),
    *_both("compte/password/reset/", ANYONE_REDIRECTED, ANYONE_REDIRECTED),
    *_both("account_reset_password", ANYONE_REDIRECTED, ANYONE_REDIRECTED),
    *_both("compte/email/", ANYONE_REDIRECTED, ANYONE_REDIRECTED),
    *_both("account_email", ANYONE_REDIRECTED, ANYONE_REDIRECTED),
    *_both("compte/password/set/", ANYONE_REDIRECTED, ANYONE_REDIRECTED),
    *_both("account_set_password", ANYONE_REDIRECTED, ANYONE_REDIRECTED),
    # Logging out: a confirmation page, then the login page.
    {"url": "account_logout", "expect": {"*": 200, "anonymous": "login"}},
    {
        "url": "account_logout",
        "method": "POST",
        "expect": {"*": "login"},
        "not_a_refusal": True,
        "why": "logging out ends on the login page (and is audited)",
    },
    *_both("account_inactive", PUBLIC, NO_POST),
    # Signup is closed: accounts come from HR, imports or single sign-on.
    *_both(
        "account_signup",
        {"*": 302, "anonymous": 200},
        {"*": 302, "anonymous": 200},
        why="the page only says that signup is closed",
    ),
    # The world's people have no password (as after single sign-on): there
    # is nothing to re-enter, nothing to change.
    *_both(
        "account_reauthenticate",
        NO_PASSWORD,
        NO_PASSWORD,
        why="only people with a password can re-enter it",
    ),
    *_both("account_email_verification_sent", PUBLIC, NO_POST),
    *_both(
        "account_change_password",
        {"*": 302, "anonymous": "login"},
        {"*": 302, "anonymous": "login"},
        why="without a password: sent to « Mon compte » (no password can be set)",
    ),
    *_both("account_confirm_login_code", HOME_OR_LOGIN, HOME_OR_LOGIN),
    *_both(
        "account_confirm_email",
        PUBLIC,
        NOT_FOUND,
        kwargs=lambda w: {"key": "cle-inventee"},
        why="an invented key: the page says the link is invalid",
    ),
    *_both("account_reset_password_from_key_done", PUBLIC, NO_POST),
    *_both(
        "account_reset_password_from_key",
        PUBLIC,
        PUBLIC,
        kwargs=lambda w: {"uidb36": "zz", "key": "cle-inventee"},
        why="an invented key: the page says the link is invalid",
    ),
    *_both("account_reset_password_done", PUBLIC, NO_POST),
    # The second factor: each person manages their own, nobody else's.
    *_both("mfa_index", LOGGED_IN_OK, {"*": 405, "anonymous": "login"}),
    *_both(
        "mfa_authenticate",
        HOME_OR_LOGIN,
        HOME_OR_LOGIN,
        why="only during a login that waits for its second factor",
    ),
    *_both(
        "mfa_reauthenticate",
        NO_PASSWORD,
        NO_PASSWORD,
        why="reauthentication by code: only with a second factor",
    ),
    *_both(
        "mfa_activate_totp",
        LOGGED_IN_OK,
        LOGGED_IN_OK,
        why="with a password, asks for it again first (tested in test_mfa.py); "
        "an empty code is refused",
    ),
    *_both("mfa_deactivate_totp", NOTHING_YET, NOTHING_YET),
    *_both("mfa_view_recovery_codes", NOTHING_YET, {"*": 405, "anonymous": "login"}),
    *_both("mfa_generate_recovery_codes", LOGGED_IN_OK, LOGGED_IN_OK),
    *_both("mfa_download_recovery_codes", NOTHING_YET, NOTHING_YET),
    # Single sign-on: allauth's generic pages, then the providers.
    *_both("socialaccount_login_cancelled", PUBLIC, NO_POST),
    *_both("socialaccount_login_error", {"*": 401}, NO_POST),
    *_both("socialaccount_signup", {"*": "login"}, {"*": "login"}),
    *_both("socialaccount_connections", LOGGED_IN_OK, LOGGED_IN_OK),
    *_both("compte/social/login/cancelled/", {"*": 302}, {"*": 302}),
    *_both("compte/social/login/error/", {"*": 302}, {"*": 302}),
    *_both("compte/social/signup/", {"*": 302}, {"*": 302}),
    *_both("compte/social/connections/", {"*": 302}, {"*": 302}),
    *_both("openid_connect_login", NOT_CONFIGURED, NOT_CONFIGURED, kwargs=oidc_kwargs),
    *_both(
        "openid_connect_callback", NOT_CONFIGURED, NOT_CONFIGURED, kwargs=oidc_kwargs
    ),
    # The assertion consumer only stashes the posted response and moves on to
    # its "finish" step, which looks the provider up (404 here).
    *_both("saml_acs", {"*": 302}, {"*": 302}, kwargs=saml_kwargs),
    *[
        row
        for name in ("saml_finish_acs", "saml_sls", "saml_metadata", "saml_login")
        for row in _both(name, NOT_CONFIGURED, NOT_CONFIGURED, kwargs=saml_kwargs)
    ],
]
