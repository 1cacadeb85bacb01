import pytest
from django.urls import reverse

from binome.programs import services
from binome.programs.models import Goal, SkillWish
from binome.skills.models import Skill


@pytest.fixture
def mentee(recruiting, people):
    return services.volunteer(
        programme=recruiting, person=people["bernard"], role="mentee", consent=True
    )


@pytest.fixture
def mentor(recruiting, people):
    return services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )


def test_learning_runs_both_ways(mentee, mentor):
    assert {s.area.kind for s in services.skills_for(mentee, "learn")} == {"digital"}
    assert {s.area.kind for s in services.skills_for(mentee, "teach")} == {"leadership"}
    assert {s.area.kind for s in services.skills_for(mentor, "teach")} == {"digital"}
    assert {s.area.kind for s in services.skills_for(mentor, "learn")} == {"leadership"}


def test_mentee_picks_skills_with_a_priority_and_what_they_offer(login, mentee, people):
    linkedin, ai = (
        Skill.objects.get(code="linkedin"),
        Skill.objects.get(code="generative-ai"),
    )
    speaking = Skill.objects.get(code="public-speaking")
    response = login(people["bernard"]).post(
        reverse("programs:wishes", args=[mentee.pk]),
        {f"learn_{linkedin.pk}": 3, f"learn_{ai.pk}": 1, f"teach_{speaking.pk}": "on"},
    )
    assert response.status_code == 302
    wishes = {(w.intent, w.skill.code): w.priority for w in SkillWish.objects.all()}
    assert wishes == {
        ("learn", "linkedin"): 3,
        ("learn", "generative-ai"): 1,
        ("teach", "public-speaking"): 2,
    }


def test_at_least_one_wish_is_needed(login, mentee, people):
    response = login(people["bernard"]).post(
        reverse("programs:wishes", args=[mentee.pk]), {}
    )
    assert "Choisissez au moins une compétence" in response.text
    assert not SkillWish.objects.exists()


def test_a_mentor_cannot_be_slipped_a_leadership_skill_to_teach(login, mentor, people):
    speaking = Skill.objects.get(code="public-speaking")
    seo = Skill.objects.get(code="seo")
    login(people["camille"]).post(
        reverse("programs:wishes", args=[mentor.pk]),
        {f"teach_{speaking.pk}": "on", f"teach_{seo.pk}": "on"},
    )
    assert list(SkillWish.objects.values_list("skill__code", flat=True)) == ["seo"]


def _goal(**kw):
    return {
        "title": "Être visible sur LinkedIn",
        "kpi": "Publier un post LinkedIn par semaine",
        "target_value": "4",
        "unit": "posts",
        "due_date": "2027-03-01",
        "skill": Skill.objects.get(code="linkedin").pk,
    } | kw


def test_goal_without_javascript_redirects(login, mentee, people):
    url = reverse("programs:goals", args=[mentee.pk])
    response = login(people["bernard"]).post(url, _goal())
    assert response.status_code == 302 and response["Location"] == url
    goal = Goal.objects.get()
    assert goal.skill is not None
    assert (goal.kpi, goal.skill.code, str(goal.due_date)) == (
        "Publier un post LinkedIn par semaine",
        "linkedin",
        "2027-03-01",
    )


def test_goal_with_htmx_returns_the_list_and_a_fresh_form(login, mentee, people):
    url = reverse("programs:goals", args=[mentee.pk])
    response = login(people["bernard"]).post(url, _goal(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.text
    assert html.lstrip().startswith('<section id="goal-list"')
    assert "Publier un post LinkedIn par semaine" in html
    assert 'hx-swap-oob="true"' in html
    assert "<html" not in html


def test_invalid_goal_with_htmx_shows_errors_in_the_form(login, mentee, people):
    url = reverse("programs:goals", args=[mentee.pk])
    response = login(people["bernard"]).post(
        url, _goal(kpi="", due_date=""), HTTP_HX_REQUEST="true"
    )
    assert response["HX-Retarget"] == "#goal-form"
    assert response["HX-Reswap"] == "outerHTML"
    assert response.text.count("Ce champ est obligatoire.") == 2
    assert not Goal.objects.exists()


def test_invalid_goal_without_javascript_shows_errors(login, mentee, people):
    url = reverse("programs:goals", args=[mentee.pk])
    response = login(people["bernard"]).post(url, _goal(target_value="-2"))
    assert response.status_code == 200
    assert "target_value" in response.context["form"].errors
    assert not Goal.objects.exists()


def test_an_example_prefills_the_goal_form(login, mentee, people):
    url = reverse("programs:goals", args=[mentee.pk])
    response = login(people["bernard"]).get(url + "?exemple=1")
    form = response.context["form"]
    assert form.initial["kpi"] == "Automatiser 3 tâches avec Zapier"
    assert form.initial["skill"].code == "automation"


def test_goal_delete_both_ways(login, mentee, people):
    client = login(people["bernard"])
    url = reverse("programs:goals", args=[mentee.pk])
    client.post(url, _goal())
    client.post(url, _goal(title="Deuxième"))
    first, second = Goal.objects.order_by("pk")
    response = client.post(reverse("programs:goal_delete", args=[mentee.pk, first.pk]))
    assert response.status_code == 302
    response = client.post(
        reverse("programs:goal_delete", args=[mentee.pk, second.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response.text == ""
    assert not Goal.objects.exists()


def test_a_participant_never_sees_or_deletes_another_participants_goals(
    login, mentee, people
):
    login(people["bernard"]).post(reverse("programs:goals", args=[mentee.pk]), _goal())
    goal = Goal.objects.get()
    client = login(people["camille"])
    assert client.get(reverse("programs:goals", args=[mentee.pk])).status_code == 404
    response = client.post(reverse("programs:goal_delete", args=[mentee.pk, goal.pk]))
    assert response.status_code == 404
    assert Goal.objects.exists()
