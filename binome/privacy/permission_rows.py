"""Rows of the permission matrix for the GDPR pages (format:
binome/tests/matrix.py). ``user_id`` is the mentee's account: only
the mentee themself and a superuser may export or erase it; everyone else
gets a 404. ``person_id`` is the mentee's HR profile: the pages about a
person of the HR file (account or not) are the superuser's alone, the
mentee included gets a 404 there (their own pages are under /compte/)."""

from typing import Any

LOGGED_IN = {"*": 200, "anonymous": "login"}
SELF_OR_SUPERUSER = {"*": 404, "anonymous": "login", "mentee": 200, "superuser": 200}
SUPERUSER = {"*": 404, "anonymous": "login", "superuser": 200}
NO_POST = {"*": 405}
WHOSE = {"user_id": "user_id"}


def _mentee_person(world: Any) -> dict[str, int]:
    return {"person_id": world.users["mentee"].person.pk}


ROWS: list[dict[str, Any]] = []

for name in ("overview", "report", "json", "pdf"):
    ROWS += [
        {
            "url": f"privacy:{name}",
            "expect": LOGGED_IN,
            "why": "everyone sees and exports their own data",
        },
        {"url": f"privacy:{name}", "method": "POST", "expect": NO_POST},
        {
            "url": f"privacy:admin_{name}",
            "kwargs": WHOSE,
            "expect": SELF_OR_SUPERUSER,
            "why": "the person or a superuser acting for them",
        },
        {
            "url": f"privacy:admin_{name}",
            "kwargs": WHOSE,
            "method": "POST",
            "expect": NO_POST,
        },
        {
            "url": f"privacy:admin_person_{name}",
            "kwargs": _mentee_person,
            "expect": SUPERUSER,
            "why": "a person of the HR file, account or not: superusers only",
        },
        {
            "url": f"privacy:admin_person_{name}",
            "kwargs": _mentee_person,
            "method": "POST",
            "expect": NO_POST,
        },
    ]

ROWS += [
    {"url": "privacy:erase", "expect": LOGGED_IN, "why": "the confirmation page"},
    {
        "url": "privacy:erase",
        "method": "POST",
        "data": {"confirm": "not-the-address@example.invalid"},
        "expect": LOGGED_IN,
        "why": "a wrong confirmation shows the form again and erases nothing",
    },
    {"url": "privacy:admin_erase", "kwargs": WHOSE, "expect": SELF_OR_SUPERUSER},
    {
        "url": "privacy:admin_erase",
        "kwargs": WHOSE,
        "method": "POST",
        "data": {"confirm": "not-the-address@example.invalid"},
        "expect": SELF_OR_SUPERUSER,
    },
    {
        "url": "privacy:admin_erase",
        "kwargs": WHOSE,
        "method": "POST",
        "data": lambda w: {"confirm": w.users["mentee"].email},
        "expect": {
            "*": 404,
            "anonymous": "login",
            "mentee": 302,
            "superuser": 302,
        },
        "why": "the erasure itself: the person or a superuser only",
    },
    {
        "url": "privacy:admin_person_erase",
        "kwargs": _mentee_person,
        "expect": SUPERUSER,
    },
    {
        "url": "privacy:admin_person_erase",
        "kwargs": _mentee_person,
        "method": "POST",
        "data": {"confirm": "not-the-address@example.invalid"},
        "expect": SUPERUSER,
        "why": "a wrong confirmation shows the form again and erases nothing",
    },
    {
        "url": "privacy:admin_person_erase",
        "kwargs": _mentee_person,
        "method": "POST",
        "data": lambda w: {"confirm": w.users["mentee"].person.email},
        "expect": {"*": 404, "anonymous": "login", "superuser": 302},
        "why": "erasing a person of the HR file: superusers only",
    },
    {"url": "privacy:erased", "expect": {"*": 200}, "why": "a goodbye page"},
    {"url": "privacy:erased", "method": "POST", "expect": NO_POST},
    {"url": "privacy:admin_index", "expect": SUPERUSER},
    {
        "url": "privacy:admin_index",
        "data": {"q": "a"},
        "expect": SUPERUSER,
        "why": "searching the HR file and the accounts is for superusers only",
    },
    {
        "url": "privacy:admin_index",
        "query": {"q": "Bernard <b>é😀"},
        "expect": SUPERUSER,
        "why": "a query with accents, HTML and emoji: found or not, no error",
        "roles": ("anonymous", "manager", "superuser"),
    },
    {"url": "privacy:admin_index", "method": "POST", "expect": NO_POST},
]
