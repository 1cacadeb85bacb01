import datetime

import pytest
import time_machine
from django.urls import reverse

from binome.programs import services
from binome.skills.models import Assessment, Skill


@pytest.fixture
def volunteer(recruiting, people):
    return services.volunteer(
        programme=recruiting, person=people["bernard"], role="mentee", consent=True
    )


def _grid(level_for=lambda skill: 2):
    return {f"skill_{s.pk}": level_for(s) for s in Skill.objects.active()}


def test_grid_shows_every_area_and_the_scale(login, volunteer, people):
    response = login(people["bernard"]).get(
        reverse("programs:assessment", args=[volunteer.pk])
    )
    html = response.text
    for area in (
        "Informations et données",
        "Protection et sécurité",
        "Leadership et entreprise",
    ):
        assert area in html
    assert "Indépendant" in html and "Je me débrouille seul" in html
    # Five levels and « not rated » per skill.
    assert html.count('type="radio"') == Skill.objects.active().count() * 6


def test_answers_are_saved_as_a_dated_self_assessment(login, volunteer, people):
    url = reverse("programs:assessment", args=[volunteer.pk])
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)):
        login(people["bernard"]).post(url, _grid(lambda s: 1))
    with time_machine.travel(datetime.datetime(2027, 2, 2, 10, tzinfo=datetime.UTC)):
        # Months later: a new session.
        response = login(people["bernard"]).post(url, _grid(lambda s: 3))
    assert response.status_code == 302
    history = list(
        Assessment.objects.filter(person=people["bernard"]).order_by("assessed_on")
    )
    assert [a.assessed_on for a in history] == [
        datetime.date(2026, 11, 2),
        datetime.date(2027, 2, 2),
    ]
    assert all(a.assessor is None for a in history)
    assert set(history[0].levels().values()) == {1}
    assert set(history[1].levels().values()) == {3}


def test_same_day_answers_replace_that_days_assessment(login, volunteer, people):
    url = reverse("programs:assessment", args=[volunteer.pk])
    client = login(people["bernard"])
    client.post(url, _grid(lambda s: 1))
    client.post(url, _grid(lambda s: 4))
    assessment = Assessment.objects.get(person=people["bernard"])
    assert set(assessment.levels().values()) == {4}


def test_every_skill_must_be_rated(login, volunteer, people):
    grid = _grid()
    grid.pop(next(iter(grid)))
    response = login(people["bernard"]).post(
        reverse("programs:assessment", args=[volunteer.pk]), grid
    )
    assert response.status_code == 200
    assert (
        "Choisissez un niveau, 0 si vous n&#x27;en avez aucun, ou « non évalué »."
        in response.text
    )
    assert not Assessment.objects.exists()


def test_a_level_outside_the_scale_is_refused(login, volunteer, people):
    response = login(people["bernard"]).post(
        reverse("programs:assessment", args=[volunteer.pk]), _grid(lambda s: 7)
    )
    assert response.status_code == 200
    assert not Assessment.objects.exists()


def test_a_participant_never_sees_another_participants_assessment(
    login, volunteer, people
):
    url = reverse("programs:assessment", args=[volunteer.pk])
    login(people["bernard"]).post(url, _grid())
    for who in ("camille", "ines", "odile"):
        assert login(people[who]).get(url).status_code == 404


def test_an_empty_catalogue_is_explained_not_a_crash(login, volunteer, people):
    Skill.objects.update(is_active=False)
    url = reverse("programs:assessment", args=[volunteer.pk])
    client = login(people["bernard"])
    assert "aucune compétence active" in client.get(url).text
    assert client.post(url, {}).status_code == 200
    assert not Assessment.objects.exists()


def test_leadership_skills_show_their_own_descriptors_not_the_crcn_bands(
    login, volunteer, people
):
    html = (
        login(people["bernard"])
        .get(reverse("programs:assessment", args=[volunteer.pk]))
        .text
    )
    negotiation = html[html.index("<legend>Négociation</legend>") :]
    negotiation = negotiation[: negotiation.index("</fieldset>")]
    assert "3 – Confirmé" in negotiation
    assert "je crée des options gagnant-gagnant" in negotiation
    assert "CRCN" not in negotiation and "Novice" not in negotiation
    # A digital skill keeps the CRCN bands.
    programming = html[html.index("<legend>Programmer</legend>") :]
    programming = programming[: programming.index("</fieldset>")]
    assert "1 – Novice" in programming and "Découverte" not in programming


def test_leadership_descriptors_follow_the_readers_language(login, volunteer, people):
    client = login(people["bernard"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("programs:assessment", args=[volunteer.pk])).text
    assert "I lead high-stakes negotiations" in html
    assert "2 – Practising" in html


def test_not_rated_is_saved_as_no_level_and_shown_again(login, volunteer, people):
    url = reverse("programs:assessment", args=[volunteer.pk])
    negotiation = Skill.objects.get(code="negotiation")
    grid = _grid(lambda s: 1)
    grid[f"skill_{negotiation.pk}"] = "not-rated"
    client = login(people["bernard"])
    assert client.post(url, grid).status_code == 302
    assessment = Assessment.objects.get(person=people["bernard"])
    levels = assessment.levels()
    assert levels["negotiation"] is None
    assert set(levels.values()) == {1, None}
    form = client.get(url).context["form"]
    assert form[f"skill_{negotiation.pk}"].initial == "not-rated"
