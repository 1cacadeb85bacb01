from decimal import Decimal

from django.urls import reverse

from binome.pairs import services
from binome.programs.services import save_self_assessment
from binome.skills.models import Assessment, Skill

from .conftest import paris


def test_kpi_progress_as_a_value_or_a_check(login, people, pair, charter):
    from binome.pairs.models import Kpi

    kpi = Kpi.objects.create(
        charter=charter,
        direction="mentee",
        title="Posts",
        kpi="4 posts",
        target_value=Decimal(4),
    )
    client = login(people["bernard"])
    url = reverse("pairs:kpi_progress", args=[pair.pk, kpi.pk])
    response = client.post(
        url, {"current_value": "3", "version": "0"}, headers={"HX-Request": "true"}
    )
    assert 'id="kpi-' in response.content.decode()
    kpi.refresh_from_db()
    assert kpi.percent == 75 and kpi.progress_updated_at is not None
    client.post(url, {"current_value": "3", "done": "on", "version": kpi.version})
    kpi.refresh_from_db()
    assert kpi.percent == 100


def test_the_self_assessment_is_repeated_on_the_same_grid(login, people, pair):
    bernard = people["bernard"]
    skills = list(Skill.objects.active()[:3])
    import datetime

    save_self_assessment(
        person=bernard,
        levels={s.pk: 1 for s in skills},
        today=datetime.date(2026, 9, 1),
    )
    client = login(bernard)
    url = reverse("pairs:reassessment", args=[pair.pk, "midway"])
    form = client.get(url).context["form"]
    assert [s.pk for s in form.skills] == sorted(
        (s.pk for s in skills),
        key=lambda pk: [x.pk for x in services.assessment_grid(bernard)].index(pk),
    )
    data = {form.field_name(s): "3" for s in skills}
    assert client.post(url, data).status_code == 302
    assert Assessment.objects.filter(person=bernard, phase="midway").exists()
    rows = client.get(reverse("pairs:progress", args=[pair.pk])).context["skills"]
    assert {(r.baseline, r.midway, r.change) for r in rows} == {(1, 3, 2)}
    assert (
        client.get(
            reverse("pairs:reassessment", args=[pair.pk, "baseline"])
        ).status_code
        == 404
    )


def test_the_reciprocity_view_shows_what_each_side_learned(
    login, people, pair, meeting
):
    services.log_meeting(meeting=meeting, held=True)
    services.save_notes(
        meeting=meeting,
        data={"mentee_learned": "Écrire un prompt", "mentor_learned": "Lire un P&L"},
    )
    html = (
        login(people["camille"])
        .get(reverse("pairs:progress", args=[pair.pk]))
        .content.decode()
    )
    assert "Écrire un prompt" in html and "Lire un P&amp;L" in html
    assert paris(2026, 9, 14, 10, 0) == meeting.starts_at
