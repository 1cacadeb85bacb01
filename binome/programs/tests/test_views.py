import pytest
from django.urls import reverse


def test_manager_sees_the_programme_overview(login, pilot, pair, people):
    response = login(people["odile"]).get(reverse("programs:detail", args=[pilot.slug]))
    assert response.status_code == 200
    assert "30 minutes tous les 14 jours" in response.text
    funnel = {row["status"].value: row for row in response.context["funnel"]}
    assert funnel["accepted"]["mentors"] == 2 and funnel["accepted"]["mentees"] == 1
    assert response.context["active_pairs"] == 1


@pytest.mark.parametrize("who", ["camille", "bernard", "ines", "xavier", "victor"])
def test_everyone_else_gets_404(login, pilot, pair, people, who):
    response = login(people[who]).get(reverse("programs:detail", args=[pilot.slug]))
    assert response.status_code == 404


def test_unknown_and_known_slugs_look_the_same_to_outsiders(login, pilot, people):
    client = login(people["xavier"])
    known = client.get(reverse("programs:detail", args=[pilot.slug]))
    unknown = client.get(reverse("programs:detail", args=["nexiste-pas"]))
    assert known.status_code == unknown.status_code == 404


def test_superuser_sees_every_programme(client, pilot, db):
    from binome.accounts.models import User

    admin = User.objects.create_superuser(email="admin@test.example", password="x" * 12)
    client.force_login(admin)
    assert client.get(reverse("programs:detail", args=[pilot.slug])).status_code == 200


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client, pilot):
    response = client.get(reverse("programs:detail", args=[pilot.slug]))
    assert response.status_code == 302
