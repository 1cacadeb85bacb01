import datetime
from decimal import Decimal

from django.urls import reverse

from binome.pairs import services
from binome.pairs.models import CharterChange, Kpi
from binome.programs.models import Goal


def test_a_new_charter_takes_cadence_format_and_kpis_from_the_programme(
    pair, enrolments
):
    Goal.objects.create(
        enrolment=enrolments["bernard"],
        title="LinkedIn",
        kpi="un post par semaine",
        target_value=Decimal(4),
        unit="posts",
        due_date=datetime.date(2026, 10, 31),
    )
    Goal.objects.create(
        enrolment=enrolments["camille"], title="Prise de parole", kpi="un pitch"
    )
    charter = services.get_or_create_charter(pair=pair)
    assert (charter.cadence_days, charter.session_minutes) == (14, 30)
    assert charter.format == "remote"
    assert charter.ground_rules  # the default rules, ready to adapt
    kpis = {k.title: k for k in charter.kpis.all()}
    assert kpis["LinkedIn"].direction == Kpi.Direction.MENTEE
    assert kpis["LinkedIn"].due_date == datetime.date(2026, 10, 31)
    assert kpis["Prise de parole"].direction == Kpi.Direction.MENTOR
    assert services.get_or_create_charter(pair=pair) == charter


def test_the_charter_is_accepted_only_when_both_accept(charter, enrolments):
    services.accept_charter(charter=charter, enrolment=enrolments["camille"])
    charter.refresh_from_db()
    assert charter.mentor_accepted_at is not None
    assert not charter.is_accepted
    services.accept_charter(charter=charter, enrolment=enrolments["bernard"])
    charter.refresh_from_db()
    assert charter.is_accepted


def test_an_outsider_enrolment_cannot_accept(charter, enrolments):
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        services.accept_charter(charter=charter, enrolment=enrolments["ines"])
    assert excinfo.value.code == "not_in_pair"


def test_a_change_is_logged_with_its_author_and_needs_the_partner_s_acceptance(
    charter, enrolments, people
):
    for who in ("camille", "bernard"):
        services.accept_charter(charter=charter, enrolment=enrolments[who])
    change = services.update_charter(
        charter=charter,
        data={"cadence_days": 21, "video_link": "https://visio.example/abc"},
        by=people["bernard"].user,
    )
    charter.refresh_from_db()
    assert not charter.is_accepted
    assert charter.mentee_accepted_at is not None  # Bernard's edit is his
    assert charter.mentor_accepted_at is None
    assert change is not None
    assert change.changed_by == people["bernard"].user
    assert change.changes == {
        "cadence_days": [14, 21],
        "video_link": ["", "https://visio.example/abc"],
    }
    assert (
        services.update_charter(
            charter=charter, data={"cadence_days": 21}, by=people["camille"].user
        )
        is None
    )


def test_both_accept_through_the_pages_and_the_history_shows_it(client, pair, people):
    url = reverse("pairs:charter", args=[pair.pk])
    for who in ("camille", "bernard"):
        client.force_login(people[who].user)
        response = client.post(reverse("pairs:charter_accept", args=[pair.pk]))
        assert response.status_code == 302
    response = client.get(url)
    assert response.context["charter"].is_accepted
    assert CharterChange.objects.filter(changes__has_key="accepted").count() == 2


def test_editing_the_charter_in_the_page_records_who_changed_what(camille, charter):
    url = reverse("pairs:charter", args=[charter.pair_id])
    data = {
        "mentee_objectives": "Publier sur LinkedIn",
        "mentor_objectives": "Comprendre un P&L",
        "cadence_days": 14,
        "session_minutes": 30,
        "format": "remote",
        "video_link": "",
        "location": "",
        "ground_rules": charter.ground_rules,
        "version": charter.version,
    }
    preview = camille.post(url, data)  # first the changes, to confirm
    assert preview.status_code == 200 and not CharterChange.objects.exists()
    data["confirm"] = preview.context["confirm"]
    assert camille.post(url, data).status_code == 302
    change = CharterChange.objects.get()
    assert set(change.changes) == {"mentee_objectives", "mentor_objectives"}
    response = camille.get(url)
    assert change.lines()[0].label in response.content.decode()


def test_a_kpi_added_to_the_charter_withdraws_acceptances(camille, charter, enrolments):
    services.accept_charter(charter=charter, enrolment=enrolments["bernard"])
    response = camille.post(
        reverse("pairs:kpi_add", args=[charter.pair_id]),
        {"title": "Pitch", "kpi": "trois minutes", "unit": "", "target_value": ""},
    )
    assert response.status_code == 302
    kpi = charter.kpis.get()
    assert kpi.direction == Kpi.Direction.MENTOR
    charter.refresh_from_db()
    assert charter.mentee_accepted_at is None
