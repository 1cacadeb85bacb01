"""Permission-matrix rows for the API and the token page (format:
binome/tests/matrix.py). The matrix client logs in with the session,
so these rows check the session path; tokens are covered by tests/."""

from typing import Any

ANON = 401  # the API answers 401 in JSON, never a login redirect

# Programme endpoints for managers only (enrolments, import, rounds).
MANAGERS = {"*": 404, "anonymous": ANON, "manager": 200, "superuser": 200}
# Results: managers and sponsors.
RESULTS = {**MANAGERS, "sponsor": 200}
# Any logged-in user.
LOGGED_IN = {"*": 200, "anonymous": ANON}
EVERYONE = {"*": 200}
NOT_ALLOWED = {"*": 405}

PILOT = {"slug": "programme_slug"}
DRY_RUN = {
    "people": [{"employee_id": "M1", "first_name": "Marie", "last_name": "Curie"}]
}


def _row(
    url: str, method: str, expect: dict[str, Any], why: str, **extra: Any
) -> dict[str, Any]:
    return {"url": url, "method": method, "expect": expect, "why": why, **extra}


ROWS = [
    # Schema and docs: public, read-only.
    _row("api:openapi-json", "GET", EVERYONE, "the schema is public"),
    _row("api:openapi-json", "POST", NOT_ALLOWED, "read-only"),
    _row("api:openapi-view", "GET", EVERYONE, "the docs page is public"),
    _row("api:openapi-view", "POST", NOT_ALLOWED, "read-only"),
    _row("api:api-root", "GET", {"*": 404}, "no page at the root"),
    _row("api:api-root", "POST", {"*": 404}, "no page at the root"),
    # Anything else under /api/v1/: the JSON 404.
    _row("^api/v1/", "GET", {"*": 404}, "unknown API URL", path="/api/v1/nothing/"),
    _row("^api/v1/", "POST", {"*": 404}, "unknown API URL", path="/api/v1/nothing/"),
    # Who am I.
    _row("api:me", "GET", LOGGED_IN, "any authenticated user"),
    _row("api:me", "POST", NOT_ALLOWED, "GET only"),
    # Programmes: the list is filtered (empty for others), a programme is 404.
    _row("api:list_programmes", "GET", LOGGED_IN, "filtered to managed/sponsored"),
    _row("api:list_programmes", "POST", NOT_ALLOWED, "GET only"),
    _row(
        "api:get_programme",
        "GET",
        RESULTS,
        "programs.view_results",
        kwargs=PILOT,
    ),
    _row("api:get_programme", "POST", NOT_ALLOWED, "GET only", kwargs=PILOT),
    # Enrolments.
    _row(
        "api:list_enrolments",
        "GET",
        MANAGERS,
        "programs.manage_programme",
        kwargs=PILOT,
    ),
    _row("api:list_enrolments", "POST", NOT_ALLOWED, "GET only", kwargs=PILOT),
    _row(
        "api:get_enrolment",
        "GET",
        MANAGERS,
        "manage_programme, then view_enrolment",
        kwargs={"slug": "programme_slug", "enrolment_id": "mentor_enrolment_id"},
    ),
    _row(
        "api:get_enrolment",
        "POST",
        NOT_ALLOWED,
        "GET only",
        kwargs={"slug": "programme_slug", "enrolment_id": "mentor_enrolment_id"},
    ),
    # HRIS import: a dry run writes nothing.
    _row(
        "api:import_people",
        "POST",
        MANAGERS,
        "programs.manage_programme; dry run",
        kwargs=PILOT,
        json=DRY_RUN,
    ),
    _row("api:import_people", "GET", NOT_ALLOWED, "POST only", kwargs=PILOT),
    # Matching rounds. Both names reverse to the same route (GET list, POST start).
    *[
        row
        for name in ("api:get_matching_settings", "api:set_matching_settings")
        for row in (
            _row(name, "GET", MANAGERS, "manage_programme", kwargs=PILOT),
            _row(
                name,
                "POST",
                MANAGERS,
                "manage_programme; an empty body changes nothing",
                kwargs=PILOT,
                json={},
            ),
        )
    ],
    *[
        row
        for name in ("api:list_rounds", "api:start_round")
        for row in (
            _row(name, "GET", MANAGERS, "manage_programme", kwargs=PILOT),
            _row(
                name,
                "POST",
                {**MANAGERS, "manager": 202, "superuser": 202},
                "manage_programme; queues a round of the recruiting programme",
                kwargs={"slug": "recruiting_slug"},
            ),
        )
    ],
    _row(
        "api:get_round",
        "GET",
        MANAGERS,
        "manage_programme",
        kwargs={"slug": "programme_slug", "number": "round_number"},
    ),
    _row(
        "api:get_round",
        "POST",
        NOT_ALLOWED,
        "GET only",
        kwargs={"slug": "programme_slug", "number": "round_number"},
    ),
    _row(
        "api:publish_round",
        "POST",
        {**MANAGERS, "manager": 409, "superuser": 409},
        "manage_programme; the world's round has no pair: 409 conflict",
        kwargs={"slug": "programme_slug", "number": "round_number"},
    ),
    _row(
        "api:publish_round",
        "GET",
        NOT_ALLOWED,
        "POST only",
        kwargs={"slug": "programme_slug", "number": "round_number"},
    ),
    # Aggregate indicators: managers and sponsors, never names.
    _row(
        "api:get_indicators",
        "GET",
        RESULTS,
        "programs.view_results",
        kwargs=PILOT,
    ),
    _row("api:get_indicators", "POST", NOT_ALLOWED, "GET only", kwargs=PILOT),
    # The token page of the account area: any logged-in user, for themself.
    _row("api_tokens", "GET", {"*": 200, "anonymous": "login"}, "one's own tokens"),
    _row(
        "api_tokens",
        "POST",
        {"*": 200, "anonymous": "login"},
        # The matrix's users have no password, so allauth has no way to ask
        # them again (reauthentication is tested in binome/api/tests).
        "creates a token for oneself",
        data={"name": "matrice", "scopes": ["read"], "lifetime": "30"},
    ),
    _row(
        "api_token_revoke",
        "POST",
        {"*": 404, "anonymous": "login"},
        "only one's own tokens (this pk exists for nobody)",
        kwargs=lambda w: {"pk": 999999},
    ),
    _row(
        "api_token_revoke",
        "GET",
        {"*": 405, "anonymous": "login"},
        "POST only",
        kwargs=lambda w: {"pk": 999999},
    ),
]
