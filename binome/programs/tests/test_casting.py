import pytest
from django.core import mail
from django.urls import reverse

from binome.programs import services
from binome.programs.models import CastingReview, Enrolment, PreparationStep

GRID = {
    "expertise": 4,
    "teaching": 3,
    "communication": 3,
    "posture": 2,
    "availability": 3,
    "posture_comment": "Un peu directive",
    "comment": "Très motivée",
}


@pytest.fixture
def candidate(recruiting, people):
    return services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )


def test_manager_sees_candidates_with_preparation_and_score(login, candidate, people):
    response = login(people["odile"]).get(reverse("programs:casting", args=["vague"]))
    assert response.status_code == 200
    assert "Camille Rivière" in response.text
    row = response.context["rows"][0]
    assert (row["prepared"], row["score"]) == (False, None)


@pytest.mark.parametrize("who", ["camille", "bernard", "ines", "victor", "xavier"])
def test_only_the_programmes_managers_and_panel_see_the_casting(
    login, candidate, people, who, other_programme
):
    client = login(people[who])
    assert client.get(reverse("programs:casting", args=["vague"])).status_code == 404
    url = reverse("programs:casting_review", args=["vague", candidate.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, GRID).status_code == 404
    assert not CastingReview.objects.exists()


def test_panel_member_fills_in_a_grid_but_cannot_decide(
    login, candidate, people, recruiting
):
    recruiting.panel.add(people["victor"].user)
    client = login(people["victor"])
    url = reverse("programs:casting_review", args=["vague", candidate.pk])
    assert client.post(url, GRID).status_code == 302
    review = CastingReview.objects.get()
    assert review.reviewer == people["victor"].user
    assert review.score == pytest.approx(3.0)
    decision = reverse("programs:casting_decision", args=["vague", candidate.pk])
    assert client.post(decision, {"decision": "accept"}).status_code == 404
    assert Enrolment.objects.get(pk=candidate.pk).status == "volunteered"


def test_grids_from_several_assessors_average_into_the_teaching_score(
    login, candidate, people, recruiting
):
    recruiting.panel.add(people["victor"].user)
    url = reverse("programs:casting_review", args=["vague", candidate.pk])
    login(people["odile"]).post(url, GRID)
    login(people["victor"]).post(url, GRID | {"expertise": 2, "teaching": 1})
    # Odile edits her own grid rather than adding a second one.
    login(people["odile"]).post(url, GRID | {"posture": 4})
    assert CastingReview.objects.count() == 2
    assert services.teaching_scores(recruiting) == {
        candidate.pk: pytest.approx(
            ((4 + 3 + 3 + 4 + 3) / 5 + (2 + 1 + 3 + 2 + 3) / 5) / 2
        )
    }


def test_grid_validation_errors_are_in_french(login, candidate, people):
    url = reverse("programs:casting_review", args=["vague", candidate.pk])
    response = login(people["odile"]).post(url, GRID | {"teaching": 9})
    assert response.status_code == 200
    assert "teaching" in response.context["form"].errors
    assert not CastingReview.objects.exists()


def test_manager_accepts_a_candidate_who_is_told(login, candidate, people):
    mail.outbox.clear()
    decision = reverse("programs:casting_decision", args=["vague", candidate.pk])
    response = login(people["odile"]).post(
        decision, {"decision": "accept", "confirm": "1"}
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(pk=candidate.pk).status == "accepted"
    assert len(mail.outbox) == 1 and "confirmée" in mail.outbox[0].subject


def test_required_preparation_blocks_acceptance(login, candidate, people, recruiting):
    recruiting.require_preparation = True
    recruiting.save()
    decision = reverse("programs:casting_decision", args=["vague", candidate.pk])
    client = login(people["odile"])
    response = client.post(
        decision, {"decision": "accept", "confirm": "1"}, follow=True
    )
    assert "pas encore terminé le module de préparation" in response.text
    assert Enrolment.objects.get(pk=candidate.pk).status == "volunteered"
    for step in PreparationStep.objects.all():
        services.answer_preparation_step(
            person=people["camille"], step=step, choice=step.correct_choice
        )
    client.post(decision, {"decision": "accept", "confirm": "1"})
    assert Enrolment.objects.get(pk=candidate.pk).status == "accepted"


def test_decision_needs_post(login, candidate, people):
    decision = reverse("programs:casting_decision", args=["vague", candidate.pk])
    assert login(people["odile"]).get(decision).status_code == 405
