"""Every endpoint, for the people who may use it and for outsiders (404,
never a hint that the object exists)."""

from __future__ import annotations

from typing import Any

import pytest

from binome.accounts.models import AuditEvent
from binome.matching.models import MatchingRound
from binome.pairs.models import Pair
from binome.people.models import Person
from binome.programs.models import Enrolment, PeopleImport, Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def sponsored(pilot, people):
    pilot.sponsors.add(people["victor"].user)
    return pilot


# --- Programmes ------------------------------------------------------------------


def test_manager_lists_the_programmes_they_manage(people, pilot, recruiting, api_as):
    body = api_as(people["odile"]).get("/api/v1/programmes").json()
    assert {p["slug"] for p in body["items"]} == {"pilote", "vague"}
    assert {p["your_role"] for p in body["items"]} == {"manager"}
    assert body["next"] is None


def test_sponsor_sees_the_programme_as_sponsor(people, sponsored, api_as):
    api = api_as(people["victor"])
    body = api.get("/api/v1/programmes").json()
    assert [(p["slug"], p["your_role"]) for p in body["items"]] == [
        ("pilote", "sponsor")
    ]
    assert api.get("/api/v1/programmes/pilote").json()["your_role"] == "sponsor"


def test_participant_and_outsider_see_no_programme(people, enrolments, api_as):
    for name in ("camille", "xavier"):
        api = api_as(people[name])
        assert api.get("/api/v1/programmes").json()["items"] == []
        response = api.get("/api/v1/programmes/pilote")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_outsider_cannot_tell_a_hidden_programme_from_a_missing_one(
    people, other_programme, api_as
):
    api = api_as(people["odile"])
    hidden = api.get("/api/v1/programmes/autre")
    missing = api.get("/api/v1/programmes/nope")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_superuser_sees_every_programme(people, pilot, other_programme, api_as):
    user = people["xavier"].user
    user.is_superuser = True
    user.save()
    body = api_as(people["xavier"]).get("/api/v1/programmes").json()
    assert {p["slug"] for p in body["items"]} == {"pilote", "autre"}


# --- Enrolments --------------------------------------------------------------------


def test_manager_lists_and_reads_enrolments(people, enrolments, api_as):
    api = api_as(people["odile"])
    body = api.get("/api/v1/programmes/pilote/enrolments").json()
    assert [e["person"]["first_name"] for e in body["items"]] == [
        "Camille",
        "Bernard",
        "Inès",
    ]
    camille = enrolments["camille"]
    one = api.get(f"/api/v1/programmes/pilote/enrolments/{camille.pk}").json()
    assert one["role"] == "mentor"
    assert one["person"]["email"] == "camille@test.example"


def test_enrolments_filter_by_role(people, enrolments, api_as):
    api = api_as(people["odile"])
    body = api.get("/api/v1/programmes/pilote/enrolments", role="mentee").json()
    assert [e["person"]["first_name"] for e in body["items"]] == ["Bernard"]
    bad = api.get("/api/v1/programmes/pilote/enrolments", role="boss")
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize("name", ["victor", "camille", "xavier"])
def test_enrolments_are_for_managers_only(people, sponsored, enrolments, api_as, name):
    api = api_as(people[name])
    assert api.get("/api/v1/programmes/pilote/enrolments").status_code == 404
    pk = enrolments["bernard"].pk
    assert api.get(f"/api/v1/programmes/pilote/enrolments/{pk}").status_code == 404


def test_enrolment_of_another_programme_is_404(
    people, enrolments, other_programme, api_as
):
    stranger = Enrolment.objects.create(
        programme=other_programme, person=people["xavier"], role="mentor"
    )
    api = api_as(people["odile"])
    assert (
        api.get(f"/api/v1/programmes/pilote/enrolments/{stranger.pk}").status_code
        == 404
    )


# --- People import -----------------------------------------------------------------

PEOPLE = [
    {
        "employee_id": "E100",
        "first_name": "Alice",
        "last_name": "Martin",
        "email": "alice@test.example",
        "department": "DSI",
        "level": 2,
        "languages": ["fr", "en"],
        "role": "mentor",
    },
    {
        "employee_id": "E200",
        "first_name": "Paul",
        "last_name": "Durand",
        "department": "Nouvelle direction",
        "level": 5,
        "manager_id": "E100",
        "role": "mentee",
    },
]


def test_import_dry_run_writes_nothing(people, pilot, api_as):
    before = Person.objects.count()
    response = api_as(people["odile"], ["read", "people:import"]).post(
        "/api/v1/programmes/pilote/people/import", {"people": PEOPLE}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["dry_run"] is True and body["applied"] is False
    assert body["counts"] == {"create": 2, "update": 0, "unchanged": 0, "reject": 0}
    assert body["new_departments"] == ["Nouvelle direction"]
    assert Person.objects.count() == before
    assert not PeopleImport.objects.exists()


def test_import_applies_then_is_idempotent(people, pilot, api_as):
    api = api_as(people["odile"], ["people:import"])
    url = "/api/v1/programmes/pilote/people/import"
    first = api.post(url, {"people": PEOPLE, "dry_run": False})
    assert first.status_code == 200, first.json()
    assert first.json()["applied"] is True
    alice = Person.objects.get(employee_id="E100")
    paul = Person.objects.get(employee_id="E200")
    assert paul.manager == alice
    assert alice.languages == ["fr", "en"]
    assert set(pilot.enrolments.values_list("person__employee_id", "role")) >= {
        ("E100", "mentor"),
        ("E200", "mentee"),
    }
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert event.actor == people["odile"].user
    assert event.details["create"] == 2
    assert event.details["file"].startswith("api-bnm_")
    # The HRIS sends the same people again, one with a new job title.
    again = [dict(PEOPLE[0], job_title="Data analyst"), PEOPLE[1]]
    second = api.post(url, {"people": again, "dry_run": False}).json()
    assert second["counts"] == {"create": 0, "update": 1, "unchanged": 1, "reject": 0}
    assert Person.objects.filter(employee_id__in=["E100", "E200"]).count() == 2
    assert Person.objects.get(employee_id="E100").job_title == "Data analyst"


def test_import_reports_warnings_and_imports_the_row(people, pilot, api_as):
    person = dict(PEOPLE[0], email="", languages=["fr", "klingon"])
    response = api_as(people["odile"], ["people:import"]).post(
        "/api/v1/programmes/pilote/people/import",
        {"people": [person], "dry_run": False},
    )
    assert response.status_code == 200, response.json()
    (row,) = response.json()["rows"]
    assert row["action"] == "create" and row["reasons"] == []
    assert row["warnings"] == [
        "pas d'adresse e-mail : cette personne pourra être appariée mais pas invitée",
        "langue inconnue « klingon », ignorée",
    ]
    assert Person.objects.get(employee_id="E100").languages == ["fr"]


def test_import_is_all_or_nothing(people, pilot, api_as):
    before = Person.objects.count()
    bad = [*PEOPLE, {"employee_id": "E300", "first_name": "", "last_name": "X"}]
    bad.append({"employee_id": "E100", "first_name": "Twice", "last_name": "Y"})
    response = api_as(people["odile"], ["people:import"]).post(
        "/api/v1/programmes/pilote/people/import", {"people": bad, "dry_run": False}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "import_rejected"
    rows = {d["index"]: d for d in error["details"]}
    # Both rows of E100 are refused, and so is E200, whose manager is E100.
    assert set(rows) == {0, 1, 2, 3}
    assert rows[2]["employee_id"] == "E300"
    assert any("first_name" in reason for reason in rows[2]["reasons"])
    assert rows[0]["reasons"][0].startswith("ce matricule figure aussi ligne")
    assert rows[3]["reasons"][0].startswith("ce matricule figure aussi ligne")
    assert "E100" in rows[1]["reasons"][0]
    assert Person.objects.count() == before
    assert not PeopleImport.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


def test_import_manager_loop_rolls_everything_back(people, pilot, api_as):
    loop = [
        {"employee_id": "A", "first_name": "A", "last_name": "A", "manager_id": "B"},
        {"employee_id": "B", "first_name": "B", "last_name": "B", "manager_id": "A"},
    ]
    before = Person.objects.count()
    response = api_as(people["odile"], ["people:import"]).post(
        "/api/v1/programmes/pilote/people/import", {"people": loop, "dry_run": False}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "import_rejected"
    assert Person.objects.count() == before
    assert not PeopleImport.objects.exists()


def test_import_body_is_validated(people, pilot, api_as):
    api = api_as(people["odile"], ["people:import"])
    url = "/api/v1/programmes/pilote/people/import"
    body: dict[str, Any]
    for body in (
        {"people": []},
        {"people": [{"employee_id": "E1", "first_name": "A"}]},
        {"people": [dict(PEOPLE[0], level=9)]},
        {"people": [dict(PEOPLE[0], first_name="A\x00B")]},
    ):
        response = api.post(url, body)
        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid_request"
        assert response.json()["error"]["details"]


def test_import_is_for_managers_only(people, sponsored, api_as):
    response = api_as(people["victor"]).post(
        "/api/v1/programmes/pilote/people/import", {"people": PEOPLE}
    )
    assert response.status_code == 404


# --- Matching rounds ---------------------------------------------------------------


@pytest.fixture
def matching_ready(recruiting, people):
    """The recruiting programme with two accepted mentors and two mentees."""
    from conftest import DAY

    for name, role in (
        ("camille", "mentor"),
        ("ines", "mentor"),
        ("bernard", "mentee"),
        ("victor", "mentee"),
    ):
        Enrolment.objects.create(
            programme=recruiting,
            person=people[name],
            role=role,
            status=Enrolment.Status.ACCEPTED,
            consent_at=DAY,
            consent_version="test",
        )
    recruiting.matching_rules = {"same_department": "allow", "seniority": "off"}
    recruiting.save()
    return recruiting


def test_run_read_and_publish_a_round(
    people, matching_ready, api_as, django_capture_on_commit_callbacks
):
    api = api_as(people["odile"], ["read", "matching"])
    with django_capture_on_commit_callbacks(execute=True):
        started = api.post("/api/v1/programmes/vague/rounds")
    assert started.status_code == 202
    assert started.json()["number"] == 1
    assert started.json()["status"] == "queued"
    round_ = api.get("/api/v1/programmes/vague/rounds/1").json()
    assert round_["status"] == "done"
    assert len(round_["pairs"]) == 2
    pair = round_["pairs"][0]
    assert pair["mentor"]["name"] and pair["mentee"]["name"]
    assert all(r["code"] and r["text"] for r in pair["reasons"])
    listed = api.get("/api/v1/programmes/vague/rounds").json()
    assert [r["number"] for r in listed["items"]] == [1]

    published = api.post("/api/v1/programmes/vague/rounds/1/publish")
    assert published.status_code == 200, published.json()
    assert published.json()["pairs_created"] == 2
    assert published.json()["round"]["published_at"]
    assert Pair.objects.filter(mentee__programme=matching_ready).count() == 2
    matching_ready.refresh_from_db()
    assert matching_ready.status == Programme.Status.RUNNING
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.PUBLISH, target="programme:vague"
    ).exists()
    again = api.post("/api/v1/programmes/vague/rounds/1/publish")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_unfinished_round_cannot_be_published(people, matching_ready, api_as):
    api = api_as(people["odile"], ["read", "matching"])
    # Without the commit callbacks the task never runs: the round stays queued.
    assert api.post("/api/v1/programmes/vague/rounds").status_code == 202
    response = api.post("/api/v1/programmes/vague/rounds/1/publish")
    assert response.status_code == 409
    assert not Pair.objects.exists()


def test_rounds_are_for_managers_only(people, matching_ready, api_as):
    MatchingRound.objects.create(programme=matching_ready, number=1)
    matching_ready.panel.add(people["victor"].user)
    for name in ("victor", "xavier", "camille"):
        api = api_as(people[name])
        assert api.get("/api/v1/programmes/vague/rounds").status_code == 404
        assert api.get("/api/v1/programmes/vague/rounds/1").status_code == 404
        assert api.post("/api/v1/programmes/vague/rounds").status_code == 404
        assert api.post("/api/v1/programmes/vague/rounds/1/publish").status_code == 404
    assert MatchingRound.objects.count() == 1


def test_unknown_round_is_404(people, matching_ready, api_as):
    response = api_as(people["odile"]).get("/api/v1/programmes/vague/rounds/7")
    assert response.status_code == 404


# --- Indicators --------------------------------------------------------------------


def test_sponsor_gets_aggregates_without_names(people, sponsored, pair, api_as):
    response = api_as(people["victor"]).get("/api/v1/programmes/pilote/indicators")
    assert response.status_code == 200
    text = response.content.decode()
    for person in people.values():
        assert person.last_name not in text
        assert person.email not in text
    body = response.json()
    # One pair: a group under 5 is hidden, its value withheld.
    assert body["pairs"] == {"value": None, "hidden": True, "display": "masqué"}


def test_indicators_are_for_managers_and_sponsors(people, sponsored, api_as):
    assert (
        api_as(people["odile"]).get("/api/v1/programmes/pilote/indicators").status_code
        == 200
    )
    for name in ("camille", "xavier"):
        api = api_as(people[name])
        assert api.get("/api/v1/programmes/pilote/indicators").status_code == 404


# --- Session authentication ----------------------------------------------------


def test_session_reads_and_writes_need_csrf(people, pilot, client):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["odile"].user)
    assert browser.get("/api/v1/programmes/pilote").status_code == 200
    response = browser.post(
        "/api/v1/programmes/pilote/people/import",
        {"people": PEOPLE},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_anonymous_write_is_401_not_csrf(pilot):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/programmes/pilote/rounds", content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


# --- Errors -------------------------------------------------------------------------


def test_unknown_api_url_is_a_json_404(people, api_as):
    from django.test import Client

    response = api_as(people["odile"]).get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    posted = Client(enforce_csrf_checks=True).post("/api/v1/nothing/here")
    assert posted.status_code == 404
    assert posted.json()["error"]["code"] == "not_found"


def test_malformed_json_is_a_json_error(people, pilot, make_token, client):
    response = client.post(
        "/api/v1/programmes/pilote/people/import",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {make_token(people['odile'])}"},
    )
    assert response.status_code in (400, 422)
    assert response.json()["error"]["code"] == "invalid_request"


def test_error_codes_are_documented_in_the_schema(client):
    from binome.api.errors import CODES

    schema = client.get("/api/v1/openapi.json").json()
    documented = schema["components"]["schemas"]["ErrorBody"]["properties"]["code"]
    assert set(documented["enum"]) == set(CODES)
    for code in CODES:
        assert f"`{code}`" in schema["info"]["description"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/programmes/pilote/enrolments/99999999999999999999999",
        "/api/v1/programmes/pilote/enrolments/0",
        "/api/v1/programmes/pilote/rounds/99999999999",
        "/api/v1/programmes/pil%20ote",
    ],
)
def test_out_of_range_ids_and_bad_slugs_are_422(people, pilot, api_as, path):
    response = api_as(people["odile"]).get(path)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"
