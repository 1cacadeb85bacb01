"""Skills and goals in the pair workspace (issue 15): each skill's level
descriptors on the reassessments, « not rated » apart from every level, a KPI
that meets its target is « Atteint », and a goal without a number or a date
gets a SMART suggestion without being refused."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from binome.matching.adapter import _latest_levels
from binome.pairs import services
from binome.pairs.models import Kpi
from binome.programs.models import Goal
from binome.programs.services import save_self_assessment
from binome.skills.models import Skill

START = datetime.date(2026, 9, 1)


def _baseline(person, levels):
    codes = {s.code: s.pk for s in Skill.objects.filter(code__in=levels)}
    return save_self_assessment(
        person=person,
        levels={codes[code]: level for code, level in levels.items()},
        today=START,
    )


# --- Descriptors on the reassessments ---------------------------------------


@pytest.mark.parametrize("phase", ["midway", "final"])
def test_the_reassessments_show_each_skills_own_descriptors(login, people, pair, phase):
    _baseline(people["camille"], {"negotiation": 1, "crcn-3-4": 2})
    html = (
        login(people["camille"])
        .get(reverse("pairs:reassessment", args=[pair.pk, phase]))
        .text
    )
    negotiation = html[html.index("<legend>Négociation</legend>") :]
    negotiation = negotiation[: negotiation.index("</fieldset>")]
    assert "2 – En pratique" in negotiation
    assert "j&#x27;écoute les intérêts de l&#x27;autre partie" in negotiation
    assert "CRCN" not in negotiation
    # The digital skill's levels: the default scale, described at the top.
    assert "Je me débrouille seul sur des tâches courantes" in html
    programming = html[html.index("<legend>Programmer</legend>") :]
    programming = programming[: programming.index("</fieldset>")]
    assert "2 – Indépendant" in programming
    assert "Non évalué" in negotiation and "Non évalué" in programming


def test_the_reassessment_descriptors_are_english_for_an_english_reader(
    login, people, pair
):
    _baseline(people["camille"], {"negotiation": 1})
    client = login(people["camille"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("pairs:reassessment", args=[pair.pk, "final"])).text
    assert "4 – Role model" in html
    assert "I negotiate complex agreements between several parties" in html
    assert "Not rated" in html


# --- Not rated ---------------------------------------------------------------


def test_not_rated_is_shown_as_such_and_never_as_a_level(login, people, pair):
    bernard = people["bernard"]
    _baseline(bernard, {"linkedin": None, "generative-ai": 1, "dataviz": 2})
    client = login(bernard)
    url = reverse("pairs:reassessment", args=[pair.pk, "midway"])
    form = client.get(url).context["form"]
    ids = {s.code: form.field_name(s) for s in form.skills}
    # Every skill of the baseline is on the grid, the not-rated one too.
    assert set(ids) == {"linkedin", "generative-ai", "dataviz"}
    response = client.post(
        url,
        {ids["linkedin"]: "2", ids["generative-ai"]: "not-rated", ids["dataviz"]: "3"},
    )
    assert response.status_code == 302
    page = client.get(reverse("pairs:progress", args=[pair.pk]))
    rows = {r.skill.code: r for r in page.context["skills"]}
    assert (rows["linkedin"].baseline, rows["linkedin"].midway) == (None, 2)
    assert rows["linkedin"].not_rated == {"baseline"}
    assert rows["linkedin"].change is None  # not « +1 » from a made-up 1
    assert (rows["generative-ai"].baseline, rows["generative-ai"].midway) == (1, None)
    assert rows["generative-ai"].change is None  # not « 0 » nor « -1 »
    assert rows["dataviz"].change == 1
    html = page.text
    linkedin = html[html.index("LinkedIn et personal branding") :]
    linkedin = linkedin[: linkedin.index("</tr>")]
    assert "non évalué" in linkedin
    assert linkedin.count("—") == 2  # the end not done, no change


def test_a_final_not_rated_leaves_no_change_even_with_a_midway_level(people):
    bernard = people["bernard"]
    _baseline(bernard, {"linkedin": 1})
    skill = Skill.objects.get(code="linkedin")
    save_self_assessment(
        person=bernard,
        levels={skill.pk: 3},
        phase="midway",
        today=START + datetime.timedelta(days=60),
    )
    save_self_assessment(
        person=bernard,
        levels={skill.pk: None},
        phase="final",
        today=START + datetime.timedelta(days=120),
    )
    (row,) = services.skills_progress(bernard)
    assert (row.baseline, row.midway, row.final) == (1, 3, None)
    assert row.change is None


def test_the_grid_requires_an_answer_but_not_rated_is_one(login, people, pair):
    _baseline(people["camille"], {"negotiation": 2})
    client = login(people["camille"])
    url = reverse("pairs:reassessment", args=[pair.pk, "final"])
    (skill,) = client.get(url).context["form"].skills
    response = client.post(url, {})
    assert response.status_code == 200
    assert "ou « non évalué »" in response.text
    assert client.post(url, {f"skill_{skill.pk}": "not-rated"}).status_code == 302
    (row,) = services.skills_progress(people["camille"])
    assert row.final is None and row.not_rated == {"final"}


def test_matching_leaves_a_not_rated_skill_out(people):
    _baseline(people["bernard"], {"linkedin": None, "dataviz": 3})
    levels = _latest_levels([people["bernard"].pk])
    assert levels[people["bernard"].pk] == {"dataviz": 3}


# --- « Atteint » --------------------------------------------------------------


def _kpi(charter, **fields):
    defaults = {"direction": "mentee", "title": "Posts", "kpi": "4 posts LinkedIn"}
    return Kpi.objects.create(charter=charter, **{**defaults, **fields})


def test_a_kpi_is_reached_when_its_value_meets_its_target_or_when_ticked(charter):
    full = _kpi(charter, target_value=Decimal(4), current_value=Decimal(4))
    beyond = _kpi(charter, target_value=Decimal(4), current_value=Decimal(5))
    ticked = _kpi(charter, done=True)
    halfway = _kpi(charter, target_value=Decimal(4), current_value=Decimal(2))
    untouched = _kpi(charter, target_value=Decimal(4))
    check = _kpi(charter)
    assert [k.is_reached for k in (full, beyond, ticked)] == [True] * 3
    assert [k.is_reached for k in (halfway, untouched, check)] == [False] * 3
    assert (full.percent, halfway.percent, untouched.percent) == (100, 50, None)
    # The dashboards count with the same rule.
    assert set(Kpi.objects.reached()) == {full, beyond, ticked}


def test_a_kpi_at_100_percent_shows_atteint_on_progress_workspace_and_charter(
    login, people, pair, charter
):
    _kpi(charter, title="Posts", target_value=Decimal(4), current_value=Decimal(4))
    _kpi(charter, title="Pitch", target_value=Decimal(4), current_value=Decimal(1))
    client = login(people["bernard"])
    for name in ("progress", "workspace", "charter"):
        html = client.get(reverse(f"pairs:{name}", args=[pair.pk])).text
        posts = html[
            html.index("<strong>Posts</strong>" if name != "charter" else "<td>Posts") :
        ]
        posts = posts[: posts.index("</li>" if name != "charter" else "</tr>")]
        assert '<span class="badge badge-reached">Atteint</span>' in posts, name
        assert "100 %" not in posts
        pitch = html[html.index("Pitch") :]
        pitch = pitch[: pitch.index("</li>" if name != "charter" else "</tr>")]
        assert "badge-reached" not in pitch and "25 %" in pitch, name


def test_saving_a_value_that_meets_the_target_answers_atteint(
    login, people, pair, charter
):
    kpi = _kpi(charter, target_value=Decimal(3))
    response = login(people["bernard"]).post(
        reverse("pairs:kpi_progress", args=[pair.pk, kpi.pk]),
        {"current_value": "3", "version": kpi.version},
        headers={"HX-Request": "true"},
    )
    assert "Atteint" in response.text and "100 %" not in response.text
    kpi.refresh_from_db()
    assert kpi.is_reached and not kpi.done


# --- SMART suggestions ---------------------------------------------------------


def test_a_kpi_without_number_or_date_is_kept_with_a_suggestion(
    login, people, pair, charter
):
    client = login(people["bernard"])
    response = client.post(
        reverse("pairs:kpi_add", args=[pair.pk]),
        {"title": "Être plus visible", "kpi": "publier sur LinkedIn"},
        follow=True,
    )
    kpi = Kpi.objects.get(title="Être plus visible")  # accepted, not refused
    assert kpi.target_value is None and kpi.due_date is None
    html = response.text
    assert "L&#x27;indicateur est ajouté à la charte." in html
    row = html[html.index("<td>Être plus visible") :]
    row = row[: row.index("</tr>")]
    assert (
        "Ajoutez une cible chiffrée pour le mesurer : par exemple 3 publications" in row
    )
    assert "Ajoutez une échéance : par exemple dans un mois" in row
    progress = client.get(reverse("pairs:progress", args=[pair.pk])).text
    assert f'id="kpi-{kpi.pk}-hint-target_value"' in progress
    assert f'id="kpi-{kpi.pk}-hint-due_date"' in progress


def test_a_smart_kpi_gets_no_suggestion(login, people, pair, charter):
    login(people["bernard"]).post(
        reverse("pairs:kpi_add", args=[pair.pk]),
        {
            "title": "Posts",
            "kpi": "un post par semaine",
            "target_value": "4",
            "unit": "posts",
            "due_date": "2026-12-31",
        },
    )
    kpi = Kpi.objects.get(title="Posts")
    assert kpi.smart_hints == {}
    html = login(people["bernard"]).get(reverse("pairs:charter", args=[pair.pk])).text
    assert "Ajoutez une cible chiffrée" not in html
    # Only the date missing: only the date is suggested.
    kpi.due_date = None
    assert list(kpi.smart_hints) == ["due_date"]


def test_a_goal_without_a_number_shows_the_suggestion_in_english_too(enrolments):
    goal = Goal.objects.create(
        enrolment=enrolments["bernard"],
        title="LinkedIn",
        kpi="publier plus",
        due_date=datetime.date(2026, 10, 31),
    )
    assert list(goal.smart_hints) == ["target_value"]
    from django.utils import translation

    with translation.override("en"):
        assert goal.smart_hints["target_value"].startswith("Add a target number")
