"""The pages about a person of the HR file are the privacy office's
(superusers) alone: everyone else gets a 404, whether the person exists or not."""

import pytest
from django.urls import reverse

from binome.accounts.models import AuditEvent, User
from binome.people.models import Organisation, Person
from binome.programs.models import Programme

from .conftest import GASPARD_EMAIL

PAGES = ("overview", "report", "json", "pdf", "erase")


def _urls(person_id):
    return [reverse(f"privacy:admin_person_{n}", args=[person_id]) for n in PAGES]


@pytest.fixture
def roles(people, pilot):
    """A participant, the pilot's sponsor, its manager, and a programme
    manager of another organisation."""
    sponsor = people["victor"].user
    pilot.sponsors.add(sponsor)
    elsewhere = Organisation.objects.create(name="Autre Groupe", slug="autre-groupe")
    manager = User.objects.create_user(email="mona@autre.example", password=None)
    Person.objects.create(
        organisation=elsewhere, user=manager, first_name="Mona", last_name="Autre"
    )
    Programme.objects.create(
        organisation=elsewhere, name="Ailleurs", slug="ailleurs"
    ).managers.add(manager)
    return {
        "participant": people["camille"].user,
        "sponsor": sponsor,
        "manager of the programme": people["odile"].user,
        "manager in another organisation": manager,
    }


@pytest.mark.parametrize(
    "role",
    [
        "participant",
        "sponsor",
        "manager of the programme",
        "manager in another organisation",
    ],
)
def test_other_roles_get_404_and_change_nothing(client, roles, gaspard, role):
    client.force_login(roles[role])
    person = gaspard["person"]
    for url in [*_urls(person.pk), *_urls(999_999), reverse("privacy:admin_index")]:
        assert client.get(url, {"q": "gaspard"}).status_code == 404, url
    erase = reverse("privacy:admin_person_erase", args=[person.pk])
    assert client.post(erase, {"confirm": GASPARD_EMAIL}).status_code == 404
    person.refresh_from_db()
    assert person.first_name == "Gaspard" and person.email == GASPARD_EMAIL
    assert not AuditEvent.objects.filter(action__in=["export", "erasure"]).exists()


def test_anonymous_is_sent_to_login(client, gaspard):
    for url in _urls(gaspard["person"].pk):
        response = client.get(url)
        assert (
            response.status_code == 302
            and "/compte/connexion/" in (response["Location"])
        )


def test_the_person_herself_uses_her_own_pages_not_these(client, people):
    # Bernard has an account: his own data are under /compte/donnees/.
    client.force_login(people["bernard"].user)
    assert client.get(_urls(people["bernard"].pk)[0]).status_code == 404
    assert client.get(reverse("privacy:overview")).status_code == 200


def test_a_superuser_gets_404_for_an_unknown_person(client, admin_user):
    client.force_login(admin_user)
    for url in _urls(999_999):
        assert client.get(url).status_code == 404
