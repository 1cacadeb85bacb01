import pytest
from django.urls import reverse

from binome.programs.models import Programme


def _form_data(**overrides):
    data = {
        "name": "Pilote finance",
        "slug": "pilote-finance",
        "description": "",
        "start_date": "2027-01-04",
        "end_date": "2027-04-02",
        "session_minutes": 30,
        "cadence_days": 14,
        "format": "hybrid",
        "mentor_capacity": 1,
        "shortlist_size": 3,
        "is_pilot": "on",
        "rule_forbid_reporting_line": "on",
        "rule_require_common_language": "on",
        "rule_require_format": "on",
        "rule_min_common_slots": 1,
        "rule_seniority": "strict",
        "rule_same_department": "penalise",
        "rule_objective": "coverage",
        "rule_min_score": 0,
    }
    data |= {
        f"weight_{k}": 1
        for k in (
            "complementarity",
            "reciprocity",
            "teaching",
            "affinity",
            "availability",
            "silo",
            "feedback",
        )
    }
    return data | overrides


def test_manager_creates_a_pilot_from_the_template(login, pilot, people):
    client = login(people["odile"])
    page = client.get(reverse("programs:create") + "?modele=pilot")
    form = page.context["form"]
    assert form.initial["is_pilot"] is True and form.initial["coffee_enabled"] is True
    response = client.post(reverse("programs:create"), _form_data(modele="pilot"))
    programme = Programme.objects.get(slug="pilote-finance")
    assert response["Location"] == reverse("programs:detail", args=["pilote-finance"])
    assert programme.status == "draft" and programme.is_pilot
    assert programme.rules()["same_department"] == "penalise"
    assert programme.weights()["silo"] == 1
    assert list(programme.managers.all()) == [people["odile"].user]


def test_settings_errors_are_shown_in_french(login, pilot, people):
    response = login(people["odile"]).post(
        reverse("programs:edit", args=[pilot.slug]),
        _form_data(slug=pilot.slug, end_date="2026-01-01", rule_min_common_slots=-1),
    )
    errors = response.context["form"].errors
    assert errors["end_date"] == ["La date de fin précède la date de début."]
    assert "rule_min_common_slots" in errors
    pilot.refresh_from_db()
    assert pilot.name == "Pilote"


def test_all_weights_at_zero_are_refused(login, pilot, people):
    data = _form_data(slug=pilot.slug) | {
        k: 0 for k in _form_data() if k.startswith("weight_")
    }
    response = login(people["odile"]).post(
        reverse("programs:edit", args=[pilot.slug]), data
    )
    assert "Au moins une pondération" in response.text


def test_clone_a_pilot_into_a_scale_up(login, pilot, people):
    pilot.matching_rules = {"same_department": "allow"}
    pilot.save()
    response = login(people["odile"]).post(reverse("programs:clone", args=[pilot.slug]))
    copy = Programme.objects.exclude(pk=pilot.pk).get()
    assert response["Location"] == reverse("programs:edit", args=[copy.slug])
    assert copy.cloned_from == pilot and copy.status == "draft" and not copy.is_pilot
    assert copy.rules()["same_department"] == "allow"
    assert copy.invitation_nonce != pilot.invitation_nonce
    assert not copy.enrolments.exists()


def test_status_moves_along_the_lifecycle(login, pilot, people):
    client = login(people["odile"])
    # A running programme offers its closing page, not a « Clôturé » status button.
    page = client.get(reverse("programs:detail", args=[pilot.slug])).text
    assert reverse("insights:closing", args=[pilot.slug]) in page
    assert 'value="closed"' not in page
    # Closing has its own flow (survey, certificates): the button leads there.
    response = client.post(
        reverse("programs:status", args=[pilot.slug]),
        {"status": "closed", "confirm": "1"},
    )
    assert response["Location"] == reverse("insights:closing", args=[pilot.slug])
    pilot.refresh_from_db()
    assert pilot.status == "running"
    response = client.post(
        reverse("programs:status", args=[pilot.slug]),
        {"status": "draft", "confirm": "1"},
        follow=True,
    )
    assert "ne peut pas passer" in response.text


@pytest.mark.parametrize("who", ["camille", "victor", "xavier"])
def test_only_managers_reach_the_settings(login, pilot, people, other_programme, who):
    client = login(people[who])
    assert client.get(reverse("programs:edit", args=[pilot.slug])).status_code == 404
    assert client.post(reverse("programs:clone", args=[pilot.slug])).status_code == 404
    status = client.post(
        reverse("programs:status", args=[pilot.slug]), {"status": "closed"}
    )
    assert status.status_code == 404
    pilot.refresh_from_db()
    assert pilot.status == "running" and Programme.objects.count() == 2


def test_participants_cannot_create_programmes(login, pilot, people):
    assert login(people["camille"]).get(reverse("programs:create")).status_code == 404
