import pytest
from django.db import IntegrityError
from django.urls import reverse

from binome.pairs import services
from binome.skills.models import Resource, Skill
from binome.tests.constraints import violates


@pytest.fixture
def prompt_guide(db):
    resource = Resource.objects.create(
        title="Bien écrire un prompt", kind="article", url="https://example.org/prompt"
    )
    skill = Skill.objects.active().first()
    assert skill is not None
    resource.skills.add(skill)
    return resource, skill


def test_a_resource_needs_a_link_or_a_file(db):
    with pytest.raises(
        IntegrityError, match=violates(Resource, "resource_link_or_file")
    ):
        Resource.objects.create(title="Vide", kind="video")


def test_a_session_suggests_resources_for_the_skills_on_its_agenda(
    prompt_guide, pair, people
):
    resource, skill = prompt_guide
    from binome.pairs.tests.conftest import paris

    [meeting] = services.plan_meetings(
        pair=pair,
        first_at=paris(2026, 12, 14, 10, 0),
    )
    assert services.suggested_resources(meeting) == []
    services.add_agenda_item(
        meeting=meeting,
        by=people["bernard"].user,
        text="Questions",
        kind="topic",
        skill=skill,
    )
    assert services.suggested_resources(meeting) == [resource]


def test_naming_a_skill_in_the_agenda_text_is_enough(prompt_guide, pair, people):
    resource, skill = prompt_guide
    from binome.pairs.tests.conftest import paris

    [meeting] = services.plan_meetings(pair=pair, first_at=paris(2026, 12, 14, 10, 0))
    services.add_agenda_item(
        meeting=meeting,
        by=people["bernard"].user,
        text=f"Parler de {skill.name_fr.lower()} ?",
        kind="question",
    )
    assert services.suggested_resources(meeting) == [resource]


def test_participants_rate_resources_once_each(login, people, pair, prompt_guide):
    resource, _skill = prompt_guide
    url = reverse("pairs:resource_rate", args=[resource.pk])
    for who, rating in (("camille", "5"), ("bernard", "2"), ("bernard", "3")):
        login(people[who]).post(url, {"rating": rating})
    assert sorted(resource.ratings.values_list("rating", flat=True)) == [3, 5]
    page = login(people["bernard"]).get(reverse("pairs:resources"))
    [listed] = page.context["resources"]
    assert (listed.average, listed.votes) == (4.0, 2)
    assert page.context["mine"] == {resource.pk: 3}


def test_people_outside_any_pair_cannot_rate(login, people, pair, prompt_guide):
    resource, _skill = prompt_guide
    url = reverse("pairs:resource_rate", args=[resource.pk])
    assert login(people["ines"]).post(url, {"rating": "5"}).status_code == 404
