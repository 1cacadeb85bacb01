"""A programme manager gives and removes roles (manager, panel, sponsor) to
people of the HR file, with or without an account; audit-logged."""

from django.core import mail
from django.urls import reverse

from binome.accounts.models import AuditEvent
from binome.people.models import Person


def _grant(client, who, role):
    return client.post(
        reverse("programs:roles", args=["vague"]),
        {"action": "grant", "who": who, "role": role},
    )


def test_a_person_without_account_becomes_sponsor_and_gets_an_activation_email(
    login, recruiting, people, org
):
    zoe = Person.objects.create(
        organisation=org,
        first_name="Zoé",
        last_name="Dir",
        email="zoe@test.example",
        employee_id="Z9",
    )
    mail.outbox.clear()
    response = _grant(login(people["odile"]), "Z9", "sponsor")
    assert response.status_code == 302
    zoe.refresh_from_db()
    assert list(recruiting.sponsors.all()) == [zoe.user]
    assert zoe.user is not None and not zoe.user.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["zoe@test.example"]
    assert "/compte/activer/" in message.body
    assert "sponsor du programme « Vague 2027 »" in message.body
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGE).latest("id")
    assert event.details["role"] == "sponsor"
    assert event.details["change"] == "granted"
    page = login(people["odile"]).get(reverse("programs:roles", args=["vague"]))
    assert "compte pas encore activé" in page.text
    # Another role before the account is activated: a new e-mail says so.
    mail.outbox.clear()
    _grant(login(people["odile"]), "Z9", "panel")
    (again,) = mail.outbox
    assert "jury de casting du programme « Vague 2027 »" in again.body


def test_errors_are_shown_next_to_the_field(login, recruiting, people, org):
    client = login(people["odile"])
    unknown = _grant(client, "personne@ailleurs.example", "panel")
    assert "Personne dans le fichier RH" in unknown.text
    again = _grant(client, "odile@test.example", "manager")
    assert "a déjà ce rôle" in again.text
    Person.objects.create(organisation=org, first_name="Sans", last_name="Mail")
    assert recruiting.panel.count() == 0


def test_the_last_manager_cannot_be_removed(login, recruiting, people):
    client = login(people["odile"])
    response = client.post(
        reverse("programs:roles", args=["vague"]),
        {"action": "revoke", "role": "manager", "user": people["odile"].user.pk},
        follow=True,
    )
    assert "au moins un responsable" in response.text
    assert list(recruiting.managers.all()) == [people["odile"].user]


def test_a_panel_member_is_removed(login, recruiting, people):
    recruiting.panel.add(people["victor"].user)
    client = login(people["odile"])
    client.post(
        reverse("programs:roles", args=["vague"]),
        {"action": "revoke", "role": "panel", "user": people["victor"].user.pk},
    )
    assert recruiting.panel.count() == 0
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.ROLE_CHANGE, details__change="revoked"
    )
    assert event.ip_address == "127.0.0.1"
    assert event.actor == people["odile"].user


def test_people_of_another_organisation_cannot_be_given_a_role(
    login, recruiting, people
):
    from binome.people.models import Organisation

    other = Organisation.objects.create(name="Autre", slug="autre")
    Person.objects.create(
        organisation=other, first_name="E", last_name="X", email="ex@autre.example"
    )
    response = _grant(login(people["odile"]), "ex@autre.example", "panel")
    assert response.status_code == 200
    assert recruiting.panel.count() == 0


def test_an_hr_administrator_manages_every_programme_of_the_organisation(
    login, recruiting, people, org
):
    victor = people["victor"]  # no role on the programme
    client = login(victor)
    url = reverse("programs:roles", args=["vague"])
    assert client.get(url).status_code == 404
    org.administrators.add(victor.user)
    client = login(victor)
    assert client.get(url).status_code == 200
    _grant(client, "bernard@test.example", "sponsor")
    assert list(recruiting.sponsors.all()) == [people["bernard"].user]
    # Not the programmes of another organisation.
    from binome.people.models import Organisation
    from binome.programs.models import Programme

    other = Organisation.objects.create(name="Autre", slug="autre")
    Programme.objects.create(organisation=other, name="Ailleurs", slug="ailleurs")
    assert client.get(reverse("programs:roles", args=["ailleurs"])).status_code == 404
