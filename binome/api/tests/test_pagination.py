"""Cursor pagination: walking every page gives every item once, in a stable
order, even while rows are added; cursors are opaque and tamper-proof."""

from __future__ import annotations

import pytest

from binome.people.models import Person
from binome.programs.models import Enrolment

pytestmark = pytest.mark.django_db

URL = "/api/v1/programmes/pilote/enrolments"


def _enrol(pilot, org, n: int, start: int = 0) -> list[int]:
    people = Person.objects.bulk_create(
        Person(
            organisation=org,
            employee_id=f"P{i}",
            first_name=f"P{i}",
            last_name="Test",
            email=f"p{i}@test.example",
        )
        for i in range(start, start + n)
    )
    return [
        e.pk
        for e in Enrolment.objects.bulk_create(
            Enrolment(programme=pilot, person=p, role="mentee") for p in people
        )
    ]


def _walk(api, limit: int, between_pages=None) -> list[int]:
    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": limit, **({"cursor": cursor} if cursor else {})}
        body = api.get(URL, **params).json()
        assert len(body["items"]) <= limit
        seen += [item["id"] for item in body["items"]]
        cursor = body["next"]
        pages += 1
        assert pages < 100
        if cursor is None:
            return seen
        if between_pages:
            between_pages()


def test_walking_all_pages_gives_each_item_once(people, pilot, org, api_as):
    expected = _enrol(pilot, org, 23)
    seen = _walk(api_as(people["odile"]), limit=5)
    assert seen == sorted(expected)
    assert len(set(seen)) == len(seen)


def test_exact_multiple_of_the_page_size_ends_cleanly(people, pilot, org, api_as):
    expected = _enrol(pilot, org, 10)
    api = api_as(people["odile"])
    first = api.get(URL, limit=10).json()
    assert [i["id"] for i in first["items"]] == expected
    assert first["next"] is None


def test_pages_are_stable_under_inserts(people, pilot, org, api_as):
    original = _enrol(pilot, org, 12)
    added: list[int] = []

    def insert() -> None:
        added.extend(_enrol(pilot, org, 2, start=1000 + len(added)))

    seen = _walk(api_as(people["odile"]), limit=4, between_pages=insert)
    assert len(seen) == len(set(seen)), "no duplicate"
    assert set(original) <= set(seen), "nothing that existed is skipped"
    assert seen == sorted(seen), "stable order"


def test_limit_is_bounded(people, pilot, api_as):
    api = api_as(people["odile"])
    for limit in (0, 101, -1):
        response = api.get(URL, limit=limit)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "invalid_request"


@pytest.mark.parametrize(
    "cursor", ["garbage", "eyJhZnRlciI6Mn0", "eyJhZnRlciI6Mn0:1xVJHT:forged"]
)
def test_forged_cursor_is_400(people, pilot, api_as, cursor):
    response = api_as(people["odile"]).get(URL, cursor=cursor)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_cursor_cannot_be_rewound_by_editing_it(people, pilot, org, api_as):
    import base64
    import json

    _enrol(pilot, org, 3)
    api = api_as(people["odile"])
    cursor = api.get(URL, limit=1).json()["next"]
    assert api.get(URL, cursor=cursor).status_code == 200
    payload, *signature = cursor.split(":")
    assert not payload.isdigit()
    rewound = base64.urlsafe_b64encode(json.dumps({"after": 0}).encode()).decode()
    edited = ":".join([rewound.rstrip("="), *signature])
    response = api.get(URL, cursor=edited)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"
