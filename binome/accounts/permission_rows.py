"""Permission-matrix rows of binome.accounts' own URLs (format:
binome/tests/matrix.py). The allauth and two-factor URLs mounted under
/compte/ have their rows in permission_rows_auth.py (owned by the auth work).
"""

from __future__ import annotations

from typing import Any

EVERYONE_OK = {"*": 200}
LOGGED_IN = ("outsider", "mentee", "mentor", "panel", "sponsor", "manager", "superuser")

ROWS: list[dict[str, Any]] = [
    {"url": "accounts:profile", "expect": {"*": 200, "anonymous": "login"}},
    {
        "url": "accounts:profile",
        "method": "POST",
        "expect": {"*": 200, "anonymous": "login"},
    },
    # Already logged-in people are sent home; the form itself is public.
    {"url": "accounts:login", "expect": {"*": 302, "anonymous": 200}},
    {
        "url": "accounts:login",
        "method": "POST",
        "data": {"login": "nobody@test.example", "password": "faux"},
        "expect": {"*": 302, "anonymous": 200},
    },
    {"url": "accounts:logout", "expect": {"*": 405}, "why": "logout is POST only"},
    {
        "url": "accounts:logout",
        "method": "POST",
        "expect": {"*": "login"},
        "not_a_refusal": True,
        "why": "logging out ends on the login page",
    },
    {"url": "accounts:password_reset_done", "expect": EVERYONE_OK},
    {
        "url": "accounts:password_reset_done",
        "method": "POST",
        "expect": {"*": 405},
    },
    {
        "url": "accounts:password_reset_confirm",
        "kwargs": {"uidb64": "uidb64", "token": "reset_token"},
        "expect": {"*": 302},
        "why": "a valid link: the token moves to the session",
    },
    {
        "url": "accounts:password_reset_confirm",
        "method": "POST",
        "kwargs": lambda w: {"uidb64": w["uidb64"], "token": "faux-jeton"},
        "data": {"new_password1": "x", "new_password2": "x"},
        "expect": EVERYONE_OK,
        "why": "a forged token: the page says the link is invalid",
    },
    {"url": "accounts:password_reset_complete", "expect": EVERYONE_OK},
    {
        "url": "accounts:password_reset_complete",
        "method": "POST",
        "expect": {"*": 405},
    },
]
