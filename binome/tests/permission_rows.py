"""Permission-matrix rows for the project's own URLs (binome/urls.py), the
language switch and the Django admin. The admin rows are generated from the
admin's URL patterns: only superusers (is_staff) get past its login, and the
whole admin answers the same way to every other role.
"""

from __future__ import annotations

from typing import Any

LOGGED_IN_OK = {"*": 200, "anonymous": "login"}
MANAGERS_ONLY = {"*": 404, "anonymous": "login", "manager": 200, "superuser": 200}
POST_ONLY = {"*": 405, "anonymous": "login"}

ROWS: list[dict[str, Any]] = [
    {"url": "home", "expect": LOGGED_IN_OK},
    {"url": "home", "method": "POST", "expect": LOGGED_IN_OK},
    {
        "url": "publish_round",
        "kwargs": {"slug": "programme_slug", "number": "round_number"},
        "expect": MANAGERS_ONLY,
        "why": "the confirmation page: the pairs, who is e-mailed, any refusal",
    },
    {
        "url": "publish_round",
        "method": "POST",
        "kwargs": {"slug": "programme_slug", "number": "round_number"},
        "expect": MANAGERS_ONLY,
        "why": "without confirm=1, the confirmation page again: nothing is written",
    },
    {
        "url": "publish_round",
        "method": "POST",
        "kwargs": {"slug": "programme_slug", "number": "round_number"},
        "data": {"confirm": "1"},
        "expect": {**MANAGERS_ONLY, "manager": 302, "superuser": 302},
        "why": "managers publish; a round without pairs is refused with a message",
    },
    {
        "url": "programme_health",
        "kwargs": {"slug": "programme_slug"},
        "expect": MANAGERS_ONLY,
    },
    {
        "url": "programme_health",
        "method": "POST",
        "kwargs": {"slug": "programme_slug"},
        "expect": MANAGERS_ONLY,
    },
    # Django's language switch: anyone, POST only; GET redirects back.
    {"url": "set_language", "expect": {"*": 302}},
    {
        "url": "set_language",
        "method": "POST",
        "data": {"language": "en", "next": "/"},
        "expect": {"*": 302},
    },
]


# --- The admin -------------------------------------------------------------------


def _admin_rows() -> list[dict[str, Any]]:
    """One GET and one POST row for every admin URL pattern. Everyone but the
    superuser is sent to the admin's login page; the superuser's answers
    depend on the page (see SUPERUSER).

    The admin guards every page with the same check (``AdminSite.admin_view``),
    so the other roles are played on a sample of each kind of page (ADMIN_SAMPLE:
    the index, the login and logout, one model's list, add, change, delete and
    history pages) and the superuser on every page."""
    from binome.tests.matrix import pattern_keys, url_patterns

    patterns = url_patterns()
    keys = pattern_keys(patterns)
    rows = []
    for pattern in patterns:
        if not pattern.route.startswith("admin/"):
            continue
        key = pattern.name if pattern.name in keys else pattern.route
        for method in ("GET", "POST"):
            row = {
                "url": key,
                "method": method,
                "kwargs": _admin_kwargs(pattern),
                "expect": _admin_expect(pattern, key, method),
            }
            if key == "admin:logout" and method == "POST":
                row["not_a_refusal"] = True
            if key not in ADMIN_SAMPLE:
                row["roles"] = ("superuser",)
            rows.append(row)
    return rows


def _model_label(route: str) -> str | None:
    parts = route.split("/")
    if len(parts) >= 3 and parts[1] and parts[2] and "<" not in parts[1]:
        return f"{parts[1]}.{parts[2]}"
    return None


def _admin_kwargs(pattern: Any) -> Any:
    label = _model_label(pattern.route)

    def kwargs(world: Any) -> dict[str, Any]:
        values: dict[str, Any] = {}
        route = pattern.route
        if "<path:object_id>" in route and label:
            values["object_id"] = world.keys.get(f"admin:{label}", 0)
        if "<id>" in route or "<int:id>" in route or "<path:id>" in route:
            values["id"] = world.keys.get(f"admin:{label}", 0)
        if "app_label" in route:
            values["app_label"] = "programs"
        if "content_type_id" in route:
            values["content_type_id"] = world["admin:content_type_id"]
            values["object_id"] = world["admin:object_id"]
        if "(?P<url>" in route:
            values["url"] = "nexiste-pas/"
        return values

    return kwargs


def _superuser(pattern: Any, key: str, method: str, world: Any) -> Any:
    """What the superuser gets, by the kind of admin page."""
    route = pattern.route
    if (key, method) in SUPERUSER:
        return SUPERUSER[(key, method)]
    if key == "admin:login":
        return 302 if method == "GET" else 200  # logged in: to the index
    if key == "admin:logout":
        return 405 if method == "GET" else "login"
    if key in ("admin:jsi18n", "admin:password_change_done") and method == "POST":
        return 405
    if key == "admin:autocomplete":
        return 403 if method == "GET" else 405  # no field named: refused
    if key == "admin:view_on_site":
        return 404  # the world's programme has no public page
    if "(?P<url>" in route:
        return 404
    label = _model_label(route)
    if label and "<path:object_id>" in route:
        if key.endswith("_delete") and label in NO_DELETE:
            return 403  # refused before the object is looked up
        if f"admin:{label}" not in world.keys:
            return 302  # no such object: back to the index with a message
        if not pattern.name:
            return 302  # the old-style change URL redirects
        if key.endswith("_change") and method == "POST" and label in READ_ONLY:
            return 302  # nothing editable: saved as is
    if key.endswith("_add") and label in NO_ADD:
        return 403
    return 200


def _admin_expect(pattern: Any, key: str, method: str) -> Any:
    others: Any = "login"
    if key == "admin:login":
        # allauth's secure_admin_login: everyone logs in through the site's
        # login page (second factor, single sign-on); non-staff get a 403.
        others = 403
    elif key == "admin:logout":
        others = 302  # the admin sends non-staff people to its index

    def expect(world: Any) -> dict[str, Any]:
        roles = ("anonymous", "outsider", "mentee", "mentor", "panel", "sponsor")
        values = dict.fromkeys((*roles, "manager"), others)
        if key == "admin:login":
            values["anonymous"] = "login"
        values["superuser"] = _superuser(pattern, key, method, world)
        return values

    return expect


# Admins that forbid adding, deleting or changing (append-only logs, records
# made by the app itself).
NO_ADD = {
    "accounts.apitoken",
    "accounts.auditevent",
    "axes.accessattempt",
    "axes.accessfailurelog",
    "axes.accesslog",
    "django_tasks_database.dbtaskresult",
    "ops.jobrun",
    "pairs.charter",
    "pairs.charterchange",
    "pairs.pair",
    "pairs.pulsequestion",
    "pairs.reminderpreference",
}
NO_DELETE = {
    "accounts.apitoken",
    "accounts.auditevent",
    "django_tasks_database.dbtaskresult",
    "pairs.pulsequestion",
}
READ_ONLY = {
    "accounts.apitoken",
    "axes.accesslog",
    "ops.jobrun",
    "pairs.charter",
    "pairs.reminderpreference",
}
# The admin pages every role is tried on: one of each kind.
ADMIN_SAMPLE = {
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:app_list",
    "admin:programs_programme_changelist",
    "admin:programs_programme_add",
    "admin:programs_programme_change",
    "admin:programs_programme_delete",
    "admin:programs_programme_history",
    "admin:accounts_auditevent_change",
}
# Exact exceptions found by running the matrix.
SUPERUSER: dict[tuple[str, str], Any] = {
    ("admin:accounts_auditevent_change", "POST"): 403,
}

ROWS += _admin_rows()
