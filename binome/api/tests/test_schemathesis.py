"""Property-based tests of the API against its own OpenAPI schema
(schemathesis, in-process through WSGI): no 5xx, and every response matches
the schema. Authenticated with a real token of the pilot's manager, on a
seeded world (a programme in each state, enrolments, a finished round)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from binome.accounts.models import ApiToken, Scope
from binome.api.api import api
from binome.wsgi import application

PREFIX = "/api/v1/"
# Every case run, for the report (per process under xdist).
CASES: list[tuple[str, int]] = []


# The schema the app serves at /api/v1/openapi.json (a test below checks that
# it is the same), built without a request: schemathesis's lazy loader from a
# fixture does not work with pytest 9. The calls go to the WSGI app itself.
def _schema() -> dict[str, Any]:
    # Through JSON, as served (lazy translations become strings).
    schema: dict[str, Any] = json.loads(
        json.dumps(api.get_openapi_schema(path_prefix=PREFIX), default=str)
    )
    return schema


# Bounded and deterministic: a fixed seed, few examples per operation.
CONFIG = SchemathesisConfig.from_str(
    """
seed = 20261123

[generation]
max-examples = 10
deterministic = true

# The coverage phase (boundary and invalid values) tries one unexpected
# method per operation, not all seven: each must answer 405.
[phases.coverage]
unexpected-methods = ["DELETE"]

# Most cases go to the seeded programmes (managed, other), not to random
# slugs that would all end in 404 before reaching the code under test.
[dictionaries.slugs]
values = ["pilote", "vague", "autre"]

[parameters]
"path.slug" = { dictionary = "slugs", probability = 0.8 }
"path.number" = 1

# Any string is a schema-valid cursor, but only the API's own (signed)
# cursors are accepted: 400 invalid_cursor, documented, is the right answer.
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409"]

# The import also applies rules no schema can state (an unknown manager, a
# hire year in the future, two people with one address…): 422 import_rejected.
[[operations]]
include-name = "POST /api/v1/programmes/{slug}/people/import"

[operations.checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422"]
"""
)
schema = schemathesis.openapi.from_dict(_schema(), config=CONFIG)
schema.app = application


@pytest.fixture
def in_process(settings):
    # schemathesis's WSGI client calls the app as « localhost ».
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    # As Django's test client does: the real WSGI handler would otherwise
    # close the database connection, and the test's transaction with it.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_the_served_schema_is_the_tested_one(client):
    assert client.get(PREFIX + "openapi.json").json() == _schema()


@pytest.fixture
def world(in_process, people, pilot, enrolments, pair, recruiting, other_programme):
    from binome.matching.models import MatchingRound

    pilot.sponsors.add(people["victor"].user)
    MatchingRound.objects.create(
        programme=pilot,
        number=1,
        status=MatchingRound.Status.DONE,
        progress=100,
        result={
            "pairs": [
                {
                    "mentor": enrolments["camille"].pk,
                    "mentee": enrolments["bernard"].pk,
                    "score": 0.5,
                    "components": {},
                    "reasons": ["silo_crossing"],
                    "locked": False,
                }
            ],
            "unmatched": [],
            "totals": {"pairs": 1, "mentees": 1, "match_rate": 1.0},
        },
    )
    _token, clear = ApiToken.issue(
        owner=people["odile"].user,
        name="schemathesis",
        scopes=[Scope.READ, Scope.WRITE],
        expires_at=None,
    )
    return {"Authorization": f"Bearer {clear}"}


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_schema(case, world):
    response = case.call_and_validate(headers=world)
    CASES.append((case.operation.label, response.status_code))
