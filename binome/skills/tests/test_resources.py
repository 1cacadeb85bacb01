import pytest
from django.db import IntegrityError
from django.urls import reverse

from binome.pairs import services
from binome.skills.models import Resource, Skill
from binome.tests.constraints import violates


@pytest.fixture
def prompt_guide(db):
    resource = Resource.objects.create(
        title_fr="Bien écrire un prompt",
        kind="article",
        url="https://example.org/prompt",
    )
    skill = Skill.objects.active().first()
    assert skill is not None
    resource.skills.add(skill)
    return resource, skill


def test_a_resource_needs_a_link_or_a_file(db):
    with pytest.raises(
        IntegrityError, match=violates(Resource, "resource_link_or_file")
    ):
        Resource.objects.create(title_fr="Vide", kind="video")


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


def test_the_resources_page_follows_the_reader(login, people, pair):
    skill = Skill.objects.get(code="leadership")
    feedback = Resource.objects.create(
        title_fr="Donner un feedback utile",
        title_en="Giving useful feedback",
        description_fr="Un fait, son effet, une suite.",
        description_en="A fact, its effect, what next.",
        kind="article",
        url="https://example.org/feedback",
        language="fr",
    )
    feedback.skills.add(skill)
    Resource.objects.create(
        title_fr="Animer une réunion", kind="video", url="https://example.org/r"
    )
    client = login(people["camille"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("pairs:resources")).text
    assert '<a href="https://example.org/feedback" hreflang="fr">' in html
    assert "Giving useful feedback</a>" in html
    assert "<p>A fact, its effect, what next.</p>" in html
    assert "Leadership · in French" in html
    assert "Donner un feedback" not in html and "Un fait, son effet" not in html
    # No English title yet: the French one, marked as such.
    assert 'lang="fr">Animer une réunion</a>' in html

    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    html = client.get(reverse("pairs:resources")).text
    assert "Donner un feedback utile</a>" in html and "Giving" not in html
    assert "en français" not in html and 'lang="fr"' not in html.split("<main")[1]
