"""Permission-matrix rows of binome.insights (format: binome/tests/matrix.py).

Results: managers (with names) and sponsors (aggregates only). The closing
page and talent flags: managers. The final survey: the pair's two people.
Certificates: their mentor and the programme's managers.
"""

from __future__ import annotations

from typing import Any

ANON = {"anonymous": "login"}
MANAGERS = ("manager", "superuser")
RESULTS = ("sponsor", "manager", "superuser")
POST_ONLY = {"*": 405, **ANON}


def only(*roles: str, ok: Any = 200, others: Any = 404) -> dict[str, Any]:
    return {"*": others, **ANON, **dict.fromkeys(roles, ok)}


def both(
    url: str, kwargs: Any, get: Any, post: Any, **extra: Any
) -> list[dict[str, Any]]:
    return [
        {"url": url, "kwargs": kwargs, "expect": get, **extra},
        {"url": url, "method": "POST", "kwargs": kwargs, "expect": post, **extra},
    ]


PILOT = {"slug": "programme_slug"}

ROWS: list[dict[str, Any]] = [
    *both("insights:index", {}, only(*RESULTS), only(*RESULTS)),
    {
        "url": "insights:compare",
        "data": lambda w: {"a": w["programme_slug"], "b": w["programme_slug"]},
        "expect": only(*RESULTS),
    },
    {
        "url": "insights:compare",
        "method": "POST",
        "query": lambda w: {"a": w["programme_slug"], "b": w["programme_slug"]},
        "expect": only(*RESULTS),
        "why": "the sponsor may compare the one programme they sponsor",
    },
    *both(
        "insights:survey",
        {"pk": "pair_id"},
        only("mentee", "mentor"),
        only("mentee", "mentor"),
        data={"satisfaction": "9"},
    ),
    *both(
        "insights:certificate",
        {"pk": "certificate_id"},
        only("mentor", *MANAGERS),
        only("mentor", *MANAGERS),
    ),
    *both("insights:dashboard", PILOT, only(*RESULTS), only(*RESULTS)),
    *both("insights:refresh", PILOT, POST_ONLY, only(*MANAGERS, ok=302)),
    *both("insights:report_pdf", PILOT, only(*RESULTS), only(*RESULTS)),
    *both(
        "insights:export_csv",
        lambda w: {"slug": w["programme_slug"], "name": "participation"},
        only(*RESULTS),
        only(*RESULTS),
    ),
    {"url": "insights:closing", "kwargs": PILOT, "expect": only(*MANAGERS)},
    {
        "url": "insights:closing",
        "method": "POST",
        "kwargs": PILOT,
        "expect": only(*MANAGERS),
        "why": "without confirm=1 the closing page only shows its preview",
    },
    {
        "url": "insights:closing",
        "method": "POST",
        "kwargs": PILOT,
        "data": {"confirm": "1"},
        "expect": only(*MANAGERS, ok=302),
    },
    # The pilot runs: reopening sends the manager back to the closing page.
    *both("insights:reopen", PILOT, only(*MANAGERS, ok=302), only(*MANAGERS, ok=302)),
    *both(
        "insights:flag_talent",
        {"slug": "programme_slug", "enrolment_pk": "mentor_enrolment_id"},
        POST_ONLY,
        only(*MANAGERS, ok=302),
    ),
]
