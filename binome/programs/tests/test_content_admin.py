"""HR edits the mentors' module and the goal examples in the administration;
the pages show what HR wrote."""

import pytest
from django.urls import reverse

from binome.accounts.models import User
from binome.programs import services
from binome.programs.models import GoalExample, PreparationChoice, PreparationStep


@pytest.fixture
def hr_admin(client, db):
    user = User.objects.create_superuser(email="rh@test.example", password="x")
    client.force_login(user)
    return client


def _step_form(step, answers):
    """The admin change form's POST data for ``step`` with these answers:
    (pk or None, position, text_fr, text_en, is_correct, delete)."""
    data = {
        "position": step.position,
        "is_active": "on",
        "title_fr": step.title_fr,
        "title_en": step.title_en,
        "body_fr": step.body_fr,
        "body_en": step.body_en,
        "question_fr": "Nouvelle question ?",
        "question_en": "New question?",
        "explanation_fr": step.explanation_fr,
        "explanation_en": step.explanation_en,
        "answers-TOTAL_FORMS": len(answers),
        "answers-INITIAL_FORMS": sum(1 for a in answers if a[0]),
        "answers-MIN_NUM_FORMS": 2,
        "answers-MAX_NUM_FORMS": 1000,
    }
    for i, (pk, position, fr, en, correct, delete) in enumerate(answers):
        prefix = f"answers-{i}-"
        data |= {
            prefix + "id": pk or "",
            prefix + "step": step.pk,
            prefix + "position": position,
            prefix + "text_fr": fr,
            prefix + "text_en": en,
        }
        if correct:
            data[prefix + "is_correct"] = "on"
        if delete:
            data[prefix + "DELETE"] = "on"
    return data


def _url(step):
    return reverse("admin:programs_preparationstep_change", args=[step.pk])


def test_hr_edits_a_step_its_question_and_answers(hr_admin):
    step = PreparationStep.objects.all()[0]
    old = list(step.answers.all())
    answers: list[tuple[int | None, int, str, str, bool, bool]] = [
        (a.pk, a.position, a.text_fr, a.text_en, False, True) for a in old
    ]
    answers += [
        (None, 1, "Oui <b>", "Yes <b>", True, False),
        (None, 2, "Non 🙂", "No 🙂", False, False),
    ]
    response = hr_admin.post(_url(step), _step_form(step, answers))
    assert response.status_code == 302, response.context["errors"]
    step.refresh_from_db()
    assert step.question_fr == "Nouvelle question ?"
    assert [(a.text_fr, a.is_correct) for a in step.answers.all()] == [
        ("Oui <b>", True),
        ("Non 🙂", False),
    ]


@pytest.mark.parametrize(
    ("rights", "count", "error"),
    [
        (2, 2, "Cochez une seule bonne réponse."),
        (0, 3, "Cochez une seule bonne réponse."),
        (1, 1, "Donnez au moins deux réponses."),
    ],
)
def test_a_self_check_without_one_right_answer_is_refused(
    hr_admin, rights, count, error
):
    step = PreparationStep.objects.all()[0]
    old = [(a.pk, a.position, a.text_fr, a.text_en) for a in step.answers.all()]
    answers = [(*a, i < rights, i >= count) for i, a in enumerate(old)]
    response = hr_admin.post(_url(step), _step_form(step, answers))
    assert response.status_code == 200
    assert error in response.text
    assert step.answers.filter(is_correct=True).count() == 1
    assert step.answers.count() == len(old)


def test_an_empty_answer_is_refused_next_to_the_field(hr_admin):
    step = PreparationStep.objects.all()[0]
    old = [(a.pk, a.position, a.text_fr, a.text_en) for a in step.answers.all()]
    answers = [(*a, a[0] == old[0][0], False) for a in old]
    answers[1] = (old[1][0], old[1][1], "", old[1][3], False, False)
    response = hr_admin.post(_url(step), _step_form(step, answers))
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.text
    assert PreparationChoice.objects.get(pk=old[1][0]).text_fr == old[1][2]


def test_the_admin_lists_and_searches_the_module(hr_admin):
    url = reverse("admin:programs_preparationstep_changelist")
    html = hr_admin.get(url).text
    assert "Expliquer sans jargon" in html and "Préparer une séance" in html
    html = hr_admin.get(url + "?q=hotline").text
    assert "ni hotline" in html and "Expliquer sans jargon" not in html


def test_goal_examples_come_from_the_database_in_both_languages(
    hr_admin, login, recruiting, people
):
    assert GoalExample.objects.filter(is_active=True).count() == 4
    mentee = services.volunteer(
        programme=recruiting, person=people["bernard"], role="mentee", consent=True
    )
    example = GoalExample.objects.get(kpi_en="Automate 3 tasks with Zapier")
    example.kpi_fr = "Automatiser 4 tâches avec Power Automate"
    example.kpi_en = "Automate 4 tasks with Power Automate"
    example.target_value = 4
    example.save()
    GoalExample.objects.filter(title_en="Be visible on LinkedIn").update(
        is_active=False
    )
    client = login(people["bernard"])
    url = reverse("programs:goals", args=[mentee.pk])
    html = client.get(url).text
    assert "Automatiser 4 tâches avec Power Automate" in html
    assert "Publier un post LinkedIn" not in html
    form = client.get(url + "?exemple=0").context["form"]
    assert form.initial["kpi"] == "Automatiser 4 tâches avec Power Automate"
    assert form.initial["target_value"] == 4
    assert form.initial["skill"].code == "automation"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Automate 4 tasks with Power Automate" in client.get(url).text
    # An index past the end, or not a number, prefills nothing.
    for bad in ("9", "-1", "x"):
        assert client.get(url + f"?exemple={bad}").context["form"].initial == {}


def test_the_goal_examples_admin(hr_admin):
    url = reverse("admin:programs_goalexample_changelist")
    html = hr_admin.get(url + "?q=Zapier").text
    assert "Automatiser les tâches répétitives" in html
    assert "Être visible sur LinkedIn" not in html
    add = reverse("admin:programs_goalexample_add")
    response = hr_admin.post(
        add,
        {
            "position": 5,
            "is_active": "on",
            "title_fr": "",
            "title_en": "x",
            "kpi_fr": "y",
            "kpi_en": "y",
        },
    )
    assert response.status_code == 200
    assert not GoalExample.objects.filter(title_en="x").exists()


def test_the_glossary_and_resources_are_edited_and_searched_in_the_admin(hr_admin):
    from binome.pairs.models import GlossaryTerm

    GlossaryTerm.objects.create(
        term="Prompt",
        kind="tech",
        status="approved",
        definition_fr="La question posée à l'assistant.",
        definition_en="The question asked to the assistant.",
    )
    url = reverse("admin:pairs_glossaryterm_changelist")
    html = hr_admin.get(url + "?q=assistant&programme__isempty=1").text
    assert "Prompt" in html and "La question posée" in html
    html = hr_admin.get(reverse("admin:skills_resource_changelist")).text
    assert "Évolution" not in html
    assert hr_admin.get(url).status_code == 200
