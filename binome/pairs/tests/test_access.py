"""Who sees what: the pair sees its workspace; an assistant sees dates only;
HR sees activity, never content; everyone else gets a 404."""

import pytest
from django.urls import reverse

from binome.accounts.models import User
from binome.pairs import services

SECRET = "Bernard hésite à changer de poste"


@pytest.fixture
def noted(meeting, people):
    services.save_notes(
        meeting=meeting, data={"notes": SECRET, "mentee_learned": "Canva"}
    )
    services.add_agenda_item(
        meeting=meeting, by=people["bernard"].user, text="Mon CV", kind="topic"
    )
    return meeting


def _content_urls(pair, meeting):
    return [
        reverse("pairs:workspace", args=[pair.pk]),
        reverse("pairs:charter", args=[pair.pk]),
        reverse("pairs:progress", args=[pair.pk]),
        reverse("pairs:meeting", args=[pair.pk, meeting.pk]),
    ]


def _post_urls(pair, meeting):
    return [
        reverse("pairs:notes", args=[pair.pk, meeting.pk]),
        reverse("pairs:agenda_add", args=[pair.pk, meeting.pk]),
        reverse("pairs:action_add", args=[pair.pk, meeting.pk]),
        reverse("pairs:feedback", args=[pair.pk, meeting.pk]),
        reverse("pairs:log", args=[pair.pk, meeting.pk]),
        reverse("pairs:charter_accept", args=[pair.pk]),
    ]


def test_both_people_of_the_pair_see_the_notes(client, pair, noted, people):
    for who in ("camille", "bernard"):
        client.force_login(people[who].user)
        response = client.get(reverse("pairs:meeting", args=[pair.pk, noted.pk]))
        assert SECRET in response.content.decode()


@pytest.mark.parametrize("who", ["ines", "odile", "victor"])
def test_outsiders_and_hr_get_404_on_the_workspace_and_notes(
    client, pair, noted, people, who
):
    client.force_login(people[who].user)
    for url in [*_content_urls(pair, noted), reverse("pairs:schedule", args=[pair.pk])]:
        assert client.get(url).status_code == 404, url
    for url in _post_urls(pair, noted):
        assert client.post(url, {"notes": "pirate"}).status_code == 404, url
    noted.refresh_from_db()
    assert noted.notes == SECRET


def test_not_even_a_superuser_reads_the_notes(client, pair, noted):
    admin = User.objects.create_superuser(email="root@test.example", password="x" * 12)
    client.force_login(admin)
    assert (
        client.get(reverse("pairs:meeting", args=[pair.pk, noted.pk])).status_code
        == 404
    )
    admin_page = client.get(
        reverse("admin:pairs_meeting_change", args=[noted.pk])
    ).content.decode()
    assert SECRET not in admin_page


def test_hr_sees_activity_but_no_content(login, people, pair, noted):
    services.log_meeting(meeting=noted, held=True, minutes=30)
    client = login(people["odile"])
    response = client.get(reverse("pairs:activity", args=[pair.programme.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    row = response.context["rows"][0]
    assert (row.held, row.planned) == (1, 6)
    assert SECRET not in html and "Mon CV" not in html and "Canva" not in html


def test_a_manager_of_another_programme_gets_404_on_activity(login, people, pair):
    client = login(people["victor"])
    url = reverse("pairs:activity", args=[pair.programme.slug])
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, pair, meeting):
    response = client.get(reverse("pairs:meeting", args=[pair.pk, meeting.pk]))
    assert response.status_code == 302
    assert "/compte/connexion/" in response["Location"]


def test_an_assistant_sees_and_moves_dates_but_never_content(
    client, pair, noted, people, enrolments
):
    services.set_assistant(pair=pair, email="xavier@test.example")
    client.force_login(people["xavier"].user)
    schedule = client.get(reverse("pairs:schedule", args=[pair.pk]))
    assert schedule.status_code == 200
    assert SECRET not in schedule.content.decode()
    assert "Mon CV" not in schedule.content.decode()
    move = reverse("pairs:meeting_move", args=[pair.pk, noted.pk])
    assert client.post(move, {"starts_at": "2026-11-24T16:00"}).status_code == 302
    ics = client.get(reverse("pairs:meeting_ics", args=[pair.pk, noted.pk]))
    assert ics.status_code == 200 and SECRET.encode() not in ics.content
    for url in _content_urls(pair, noted):
        assert client.get(url).status_code == 404, url
    for url in _post_urls(pair, noted):
        assert client.post(url, {"notes": "x"}).status_code == 404, url


def test_only_the_mentee_chooses_an_assistant(camille, pair):
    response = camille.post(
        reverse("pairs:assistant", args=[pair.pk]), {"email": "xavier@test.example"}
    )
    assert response.status_code == 404


def test_the_mentee_gives_and_removes_assistant_access(login, people, pair):
    client = login(people["bernard"])
    url = reverse("pairs:assistant", args=[pair.pk])
    client.post(url, {"email": "XAVIER@test.example"})
    assert pair.assistant.user == people["xavier"].user
    client.post(url, {"remove": "1"})
    client.force_login(people["xavier"].user)
    assert client.get(reverse("pairs:schedule", args=[pair.pk])).status_code == 404


def test_an_agenda_item_is_added_in_place_with_htmx(login, people, pair, meeting):
    client = login(people["bernard"])
    url = reverse("pairs:agenda_add", args=[pair.pk, meeting.pk])
    response = client.post(
        url,
        {"kind": "question", "text": "Comment écrire un prompt ?"},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="agenda"')
    assert "Comment écrire un prompt ?" in html
    response = client.post(url, {"kind": "topic", "text": "Sans JavaScript"})
    assert response.status_code == 302
    assert meeting.agenda_items.count() == 2


def test_action_items_with_and_without_htmx(login, people, pair, meeting, enrolments):
    client = login(people["camille"])
    url = reverse("pairs:action_add", args=[pair.pk, meeting.pk])
    data = {"text": "Créer un compte Canva", "owner": enrolments["bernard"].pk}
    response = client.post(
        url, data | {"due_date": "2026-11-30"}, headers={"HX-Request": "true"}
    )
    assert 'id="actions"' in response.content.decode()
    assert client.post(url, data).status_code == 302
    item = meeting.action_items.first()
    toggle = reverse("pairs:action_toggle", args=[pair.pk, meeting.pk, item.pk])
    client.post(toggle)
    item.refresh_from_db()
    assert item.done_at is not None
    outsider = {"text": "x", "owner": enrolments["ines"].pk}
    client.post(url, outsider)
    assert meeting.action_items.count() == 2
