"""The « café virtuel » invitation: times from both people's availability,
a calendar file by e-mail, contact details shared only once accepted."""

import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from binome.programs import services
from binome.programs.models import CoffeeChat

PARIS = ZoneInfo("Europe/Paris")


def _at(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=PARIS)


def _request(client, mentee, mentor, **data):
    return client.post(
        reverse("matching:coffee_request", args=[mentee.pk]),
        {"mentor": mentor.pk, **data},
    )


def test_slots_are_the_common_half_days_of_the_next_two_weeks(cohort, people):
    camille, bernard = people["camille"], people["bernard"]
    camille.availability = ["mon-am", "thu-pm", "fri-am"]
    bernard.availability = ["tue-pm", "mon-am", "thu-pm"]
    # Monday 23 November 2026, 11:00: this morning's coffee is already past.
    with time_machine.travel(_at(23, 11), tick=False):
        slots = services.coffee_slots(mentee=bernard, mentor=camille)
    december = [
        datetime.datetime(2026, 12, d, h, tzinfo=PARIS) for d, h in [(3, 14), (7, 10)]
    ]
    assert slots == [
        _at(26, 14),  # Thursday afternoon
        _at(30, 10),  # Monday morning
        *december,
    ]
    # Thursday 10 December is more than two weeks ahead: not proposed.


def test_the_page_offers_the_common_times(login, cohort, people):
    with time_machine.travel(_at(22, 10), tick=False):
        html = (
            login(people["bernard"])
            .get(reverse("matching:coffee", args=[cohort["bernard"].pk]))
            .text
        )
    assert "lundi 23 novembre · 10:00" in html
    assert "jeudi 26 novembre · 14:00" in html
    assert "Un autre moment" in html
    assert "aucune demi-journée en commun" not in html


def test_no_common_half_day_says_so_and_takes_a_free_proposal(
    login, cohort, people, recruiting
):
    # This programme does not require common half-days to shortlist a mentor.
    recruiting.matching_rules = {"min_common_slots": 0}
    recruiting.save()
    camille = people["camille"]
    camille.availability = ["fri-pm"]
    camille.save()
    bernard, mentor = cohort["bernard"], cohort["camille"]
    client = login(people["bernard"])
    with time_machine.travel(_at(22, 10), tick=False):
        assert services.coffee_slots(mentee=bernard.person, mentor=camille) == []
        html = unescape(client.get(reverse("matching:coffee", args=[bernard.pk])).text)
        assert "Vous n'avez aucune demi-journée en commun" in html
        response = _request(
            client, bernard, mentor, slot="other", other_time="2026-11-27T12:30"
        )
    assert response.status_code == 302
    chat = CoffeeChat.objects.get()
    assert chat.starts_at == _at(27, 12, 30)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"slot": "other", "other_time": "2026-11-20T10:00"},
            "Choisissez un moment à venir.",
        ),
        (
            {"slot": "other", "other_time": ""},
            "Indiquez le jour et l'heure que vous proposez.",
        ),
        (
            {"slot": "other", "other_time": "2027-03-01T10:00"},
            "dans les deux prochains mois",
        ),
        ({}, "Choisissez un créneau, ou proposez-en un autre."),
        ({"slot": "2026-11-24T09:00:00+00:00"}, "Ce créneau n'est plus disponible"),
    ],
)
def test_a_bad_time_is_refused_next_to_the_field(login, cohort, people, data, error):
    bernard, mentor = cohort["bernard"], cohort["camille"]
    with time_machine.travel(_at(22, 10), tick=False):
        response = _request(login(people["bernard"]), bernard, mentor, **data)
    assert response.status_code == 200
    assert error in unescape(response.text)
    assert 'class="field-error"' in response.text
    assert not CoffeeChat.objects.exists()


def test_the_invitation_reaches_the_mentor_with_a_calendar_file(
    login, cohort, people, smtp_server
):
    bernard, mentor = cohort["bernard"], cohort["camille"]
    with time_machine.travel(_at(22, 10), tick=False):
        _request(
            login(people["bernard"]),
            bernard,
            mentor,
            slot=_at(26, 14).isoformat(),
            message="Avec plaisir",
        )
    (message,) = smtp_server.to("camille@test.example")
    body = smtp_server.body(message)
    assert "jeudi 26 novembre 2026, 14:00" in body
    assert "Avec plaisir" in body
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == "cafe-virtuel.ics"
    content = attachment.get_content()
    event = Calendar.from_ical(
        content if isinstance(content, bytes) else content.encode()
    ).walk("VEVENT")[0]
    assert event.decoded("dtstart") == _at(26, 14)
    assert event.decoded("dtend") == _at(26, 14, 15)
    assert str(event["status"]) == "TENTATIVE"
    assert "Bernard Lemoine" in str(event["summary"])
    # Accepted: Bernard gets the confirmed event.
    chat = CoffeeChat.objects.get()
    login(people["camille"]).post(
        reverse("matching:coffee_answer", args=[mentor.pk, chat.pk]),
        {"answer": "accept"},
    )
    (accepted,) = smtp_server.to("bernard@test.example")
    (attachment,) = list(accepted.iter_attachments())
    content = attachment.get_content()
    event = Calendar.from_ical(
        content if isinstance(content, bytes) else content.encode()
    ).walk("VEVENT")[0]
    assert str(event["status"]) == "CONFIRMED"
    # It links to Bernard's own coffee page, not to Camille's.
    assert str(event["url"]).endswith(
        reverse("matching:coffee", args=[cohort["bernard"].pk])
    )
    assert str(event["uid"]) == f"coffee-{chat.pk}@binome"


def test_contact_details_are_shown_only_after_acceptance(login, cohort, people):
    camille, bernard = people["camille"], people["bernard"]
    camille.phone = "06 12 34 56 78"
    camille.save()
    chat = CoffeeChat.objects.create(
        mentee=cohort["bernard"], mentor=cohort["camille"], starts_at=_at(26, 14)
    )
    mentee_page = reverse("matching:coffee", args=[cohort["bernard"].pk])
    mentor_page = reverse("matching:coffee", args=[cohort["camille"].pk])
    before = login(bernard).get(mentee_page).text
    assert "camille@test.example" not in before
    assert "06 12 34 56 78" not in before
    assert "Les coordonnées sont partagées une fois le café accepté." in before
    assert "bernard@test.example" not in login(camille).get(mentor_page).text
    chat.status = CoffeeChat.Status.ACCEPTED
    chat.save()
    after = login(bernard).get(mentee_page).text
    assert 'href="mailto:camille@test.example"' in after
    assert 'href="tel:06 12 34 56 78"' in after
    mentor_view = login(camille).get(mentor_page).text
    assert 'href="mailto:bernard@test.example"' in mentor_view
    assert "Téléphone" not in mentor_view  # Bernard gave no phone
    # A declined coffee shares nothing.
    chat.status = CoffeeChat.Status.DECLINED
    chat.save()
    assert "camille@test.example" not in login(bernard).get(mentee_page).text


def test_double_submit_sends_once(login, cohort, people):
    bernard, mentor = cohort["bernard"], cohort["camille"]
    mail.outbox.clear()
    with time_machine.travel(_at(22, 10), tick=False):
        client = login(people["bernard"])
        for _ in range(2):
            _request(client, bernard, mentor, slot=_at(26, 14).isoformat())
    assert CoffeeChat.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["camille@test.example"]]
    chat = CoffeeChat.objects.get()
    mentor_client = login(people["camille"])
    url = reverse("matching:coffee_answer", args=[mentor.pk, chat.pk])
    for _ in range(2):
        mentor_client.post(url, {"answer": "accept"})
    assert [m.to for m in mail.outbox[1:]] == [["bernard@test.example"]]
