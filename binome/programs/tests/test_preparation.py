import re

import pytest
from django.urls import reverse

from binome.people.models import Person
from binome.programs import services
from binome.programs.models import (
    PreparationChoice,
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
        answers = list(step.answers.all())
        assert len(answers) >= 2
        assert all(a.text_fr and a.text_en for a in answers)
        assert sum(a.is_correct for a in answers) == 1


def test_a_wrong_answer_does_not_complete_the_step(login, mentor, people):
    step = PreparationStep.objects.all()[0]
    assert step is not None
    wrong = step.answers.filter(is_correct=False)[0].pk
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
    )
    assert not preparation_done(people["camille"])


def test_mentees_have_no_preparation_module(login, recruiting, people):
    mentee = services.volunteer(
        programme=recruiting, person=people["bernard"], role="mentee", consent=True
    )
    url = reverse("programs:preparation", args=[mentee.pk])
    assert login(people["bernard"]).get(url).status_code == 404
    assert "preparation" not in [s.key for s in services.journey(mentee)]


def _radio_values(html):
    return re.findall(r'name="choice" value="(\d+)"', html)


def test_answers_are_shuffled_per_person_and_per_question(org, departments):
    """Stored with the right answer second in every step, the answers reach
    each mentor in an order of their own: the right one is not always in
    the same place, for one mentor across the steps nor for one step across
    mentors."""
    steps = list(PreparationStep.objects.filter(is_active=True))
    assert {[a.is_correct for a in s.answers.all()].index(True) for s in steps} == {1}
    mentors = [
        Person.objects.create(
            organisation=org, first_name=f"M{i}", last_name="X", department=None
        )
        for i in range(12)
    ]
    places = {
        (m.pk, s.pk): [a.is_correct for a in s.answers_for(m)].index(True)
        for m in mentors
        for s in steps
    }
    assert set(places.values()) == {0, 1, 2}
    # Across the questions of one mentor (5 steps, rarely all alike)...
    varied = [m for m in mentors if len({places[m.pk, s.pk] for s in steps}) > 1]
    assert len(varied) >= 10
    # ...and for one question across mentors.
    for s in steps:
        assert len({places[m.pk, s.pk] for m in mentors}) > 1
    # The same person, the same question: the same order, every time.
    again = PreparationStep.objects.get(pk=steps[0].pk)
    assert again.answers_for(mentors[0]) == steps[0].answers_for(mentors[0])


def test_the_page_shows_the_answers_in_the_persons_stable_order(login, mentor, people):
    client = login(people["camille"])
    url = reverse("programs:preparation", args=[mentor.pk])
    step = PreparationStep.objects.filter(is_active=True)[0]
    first = _radio_values(client.get(url).text)
    assert first == _radio_values(client.get(url).text)
    assert first == [str(a.pk) for a in step.answers_for(people["camille"])]
    assert sorted(first) == sorted(str(a.pk) for a in step.answers.all())
    # The right answer, wherever it is shown, completes the step.
    response = client.post(url, {"step": step.pk, "choice": step.correct_choice})
    assert response.status_code == 302
    assert PreparationCompletion.objects.filter(step=step).exists()


def test_an_answer_of_another_step_is_refused(login, mentor, people):
    steps = list(PreparationStep.objects.filter(is_active=True))
    response = login(people["camille"]).post(
        reverse("programs:preparation", args=[mentor.pk]),
        {"step": steps[0].pk, "choice": steps[1].correct_choice},
    )
    assert response.status_code == 200
    assert not PreparationCompletion.objects.exists()


def test_answers_edited_by_hr_are_the_ones_shown_in_english(login, mentor, people):
    step = PreparationStep.objects.filter(is_active=True)[0]
    step.answers.all().delete()
    PreparationChoice.objects.create(
        step=step, text_fr="Oui", text_en="Yes indeed", is_correct=True
    )
    PreparationChoice.objects.create(step=step, text_fr="Non", text_en="Not at all")
    client = login(people["camille"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("programs:preparation", args=[mentor.pk])).text
    assert "Yes indeed" in html and "Not at all" in html
