"""The round's progress in the API, and cancelling a round through it."""

import pytest
from django.utils import timezone

from binome.accounts.models import AuditEvent
from binome.matching.models import MatchingRound
from binome.tests.cohorts import two_pair_cohort

URL = "/api/v1/programmes/vague/rounds/1"


@pytest.fixture
def matching_ready(recruiting, people):
    two_pair_cohort(recruiting, people)
    return recruiting


def test_a_running_round_shows_where_the_engine_stands(people, matching_ready, api_as):
    MatchingRound.objects.create(
        programme=matching_ready,
        number=1,
        status=MatchingRound.Status.RUNNING,
        heartbeat_at=timezone.now(),
        progress=59,
        phase="certifying",
        phase_done=4,
        phase_total=8,
        phase_step=1,
    )
    body = api_as(people["odile"], ["read"]).get(URL).json()
    assert body["status"] == "running" and body["progress"] == 59
    assert (body["phase"], body["phase_done"], body["phase_total"]) == (
        "certifying",
        4,
        8,
    )
    assert body["phase_step"] == 1 and body["cancel_requested_at"] is None
    listed = api_as(people["odile"], ["read"]).get(URL[:-2]).json()
    assert listed["items"][0]["phase"] == "certifying"


def test_cancel_a_running_round_then_again(people, matching_ready, api_as):
    MatchingRound.objects.create(
        programme=matching_ready,
        number=1,
        status=MatchingRound.Status.RUNNING,
        heartbeat_at=timezone.now(),
    )
    api = api_as(people["odile"], ["matching"])
    response = api.post(f"{URL}/cancel")
    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "requested"
    assert response.json()["round"]["status"] == "running"
    assert response.json()["round"]["cancel_requested_at"]
    again = api.post(f"{URL}/cancel")
    assert again.status_code == 200 and again.json()["outcome"] == "already"
    event = AuditEvent.objects.get(action=AuditEvent.Action.ROUND_CANCELLED)
    assert event.actor == people["odile"].user


def test_cancel_a_queued_round(people, matching_ready, api_as):
    MatchingRound.objects.create(programme=matching_ready, number=1)
    response = api_as(people["odile"], ["write"]).post(f"{URL}/cancel")
    assert response.json()["outcome"] == "cancelled"
    assert response.json()["round"]["status"] == "cancelled"
    assert response.json()["round"]["cancelled_at"]


def test_cancel_a_finished_round_is_a_conflict(people, matching_ready, api_as):
    MatchingRound.objects.create(
        programme=matching_ready, number=1, status=MatchingRound.Status.DONE
    )
    response = api_as(people["odile"], ["matching"]).post(f"{URL}/cancel")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert MatchingRound.objects.get().status == MatchingRound.Status.DONE


def test_cancel_needs_the_matching_scope_and_the_programme(
    people, matching_ready, api_as
):
    MatchingRound.objects.create(programme=matching_ready, number=1)
    assert api_as(people["odile"], ["read"]).post(f"{URL}/cancel").status_code == 403
    for name in ("victor", "xavier"):
        assert api_as(people[name]).post(f"{URL}/cancel").status_code == 404
    assert MatchingRound.objects.get().status == MatchingRound.Status.QUEUED
