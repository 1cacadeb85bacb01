import pytest
from django.urls import reverse

from binome.programs import services
from binome.programs.models import (
    PreparationCompletion,
    PreparationStep,
    preparation_done,
)


@pytest.fixture
def mentor(recruiting, people):
    return services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )


def test_default_module_has_steps_with_a_self_check_in_both_languages(db):
    steps = list(PreparationStep.objects.filter(is_active=True))
    assert len(steps) >= 4
    titles = " ".join(s.title_fr for s in steps)
    assert "jargon" in titles and "30 minutes" in titles and "hotline" in titles
    for step in steps:
        step.full_clean()
        assert len(step.choices_fr) == len(step.choices_en) >= 2


def test_a_wrong_answer_does_not_complete_the_step(login, mentor, people):
    step = PreparationStep.objects.first()
    assert step is not None
    wrong = (step.correct_choice + 1) % len(step.choices_fr)
    response = login(people["camille"]).post(
        reverse("programs:preparation", args=[mentor.pk]),
        {"step": step.pk, "choice": wrong},
    )
    assert response.status_code == 200
    assert "Pas tout à fait" in response.text
    assert not PreparationCompletion.objects.exists()


def test_answering_every_step_completes_the_module(login, mentor, people):
    client = login(people["camille"])
    url = reverse("programs:preparation", args=[mentor.pk])
    assert not preparation_done(people["camille"])
    for step in PreparationStep.objects.filter(is_active=True):
        response = client.post(url, {"step": step.pk, "choice": step.correct_choice})
        assert response.status_code == 302
    assert preparation_done(people["camille"])
    assert "Vous avez terminé la préparation" in client.get(url).text
    steps = {s.key: s.done for s in services.journey(mentor)}
    assert steps["preparation"] is True


def test_a_new_step_reopens_the_module(login, mentor, people):
    for step in PreparationStep.objects.all():
        services.answer_preparation_step(
            person=people["camille"], step=step, choice=step.correct_choice
        )
    assert preparation_done(people["camille"])
    PreparationStep.objects.create(
        title_fr="Nouveau",
        title_en="New",
        body_fr="x",
        body_en="x",
        question_fr="?",
        question_en="?",
        choices_fr=["a", "b"],
        choices_en=["a", "b"],
        correct_choice=0,
    )
    assert not preparation_done(people["camille"])


def test_mentees_have_no_preparation_module(login, recruiting, people):
    mentee = services.volunteer(
        programme=recruiting, person=people["bernard"], role="mentee", consent=True
    )
    url = reverse("programs:preparation", args=[mentee.pk])
    assert login(people["bernard"]).get(url).status_code == 404
    assert "preparation" not in [s.key for s in services.journey(mentee)]
