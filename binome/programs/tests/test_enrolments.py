import pytest
from django.core import mail
from django.urls import reverse

from binome.programs import services
from binome.programs.models import Enrolment


@pytest.fixture
def volunteers(recruiting, people):
    return {
        name: services.volunteer(
            programme=recruiting, person=people[name], role=role, consent=True
        )
        for name, role in [
            ("camille", "mentor"),
            ("bernard", "mentee"),
            ("ines", "mentor"),
        ]
    }


def test_filters_by_role_status_department_and_name(
    login, volunteers, people, departments
):
    client = login(people["odile"])
    url = reverse("programs:enrolments", args=["vague"])

    def names(**params):
        response = client.get(url, params)
        return sorted(
            r["enrolment"].person.first_name for r in response.context["table"]
        )

    assert names() == ["Bernard", "Camille", "Inès"]
    assert names(role="mentee") == ["Bernard"]
    assert names(department=departments["finance"].pk) == ["Bernard"]
    assert names(q="cam") == ["Camille"]
    assert names(complete="yes") == []
    assert names(complete="no") == ["Bernard", "Camille", "Inès"]
    odile = people["odile"].user
    assert odile is not None
    services.decide_candidate(enrolment=volunteers["ines"], accept=True, by=odile)
    assert names(status="accepted") == ["Inès"]


def test_accept_decline_and_remind(login, volunteers, people):
    client = login(people["odile"])
    url = reverse("programs:enrolment_action", args=["vague", volunteers["camille"].pk])
    client.post(url, {"action": "accept", "confirm": "1"})
    assert Enrolment.objects.get(pk=volunteers["camille"].pk).status == "accepted"
    client.post(url, {"action": "decline", "confirm": "1"})
    assert Enrolment.objects.get(pk=volunteers["camille"].pk).status == "declined"
    mail.outbox.clear()
    client.post(url, {"action": "remind"})
    assert len(mail.outbox) == 1 and "étapes" in mail.outbox[0].subject


@pytest.mark.parametrize("who", ["camille", "victor"])
def test_only_managers_manage_volunteers(
    login, volunteers, people, other_programme, who
):
    client = login(people[who])
    assert client.get(reverse("programs:enrolments", args=["vague"])).status_code == 404
    url = reverse("programs:enrolment_action", args=["vague", volunteers["bernard"].pk])
    assert client.post(url, {"action": "decline"}).status_code == 404
    assert Enrolment.objects.get(pk=volunteers["bernard"].pk).status == "volunteered"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("https://evil.example/phish", "/programmes/vague/volontaires/"),
        ("//evil.example/", "/programmes/vague/volontaires/"),
        ("/programmes/vague/volontaires/?status=accepted", None),
    ],
)
def test_after_an_action_only_local_pages_are_followed(
    login, volunteers, people, target, expected
):
    url = reverse("programs:enrolment_action", args=["vague", volunteers["camille"].pk])
    response = login(people["odile"]).post(
        url, {"action": "accept", "next": target, "confirm": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == (expected or target)
