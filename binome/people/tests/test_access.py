"""Accounts for the people of the HR file: activation links, « Première
connexion / mot de passe oublié », the first organisation. E-mails leave
through a real SMTP server on loopback and are read back; links are followed
with the test client."""

import datetime
import io
import re

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import AuditEvent, User
from binome.people import access
from binome.people.models import Organisation, Person


@pytest.fixture
def newcomer(org, departments):
    """A person of the HR file, imported, without an account."""
    return Person.objects.create(
        organisation=org,
        employee_id="E100",
        first_name="Nadia",
        last_name="Sow",
        email="nadia.sow@test.example",
        department=departments["data"],
    )


def _path(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _activation_path(text):
    found = re.findall(r"https?://\S+/compte/activer/\S+/", text)
    assert len(found) == 1, text
    return _path(found[0])


def _ask_link(client, email, next_path=""):
    return client.post(
        reverse("people:access_link"), {"email": email, "next": next_path}
    )


@pytest.mark.django_db(transaction=True)
def test_a_person_without_account_activates_it_from_the_email(
    client, newcomer, smtp_server, db_tasks
):
    response = _ask_link(client, "Nadia.Sow@test.example", "/programmes/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert smtp_server.messages == []  # queued, not sent yet
    db_tasks()
    (message,) = smtp_server.to("nadia.sow@test.example")
    assert message["Subject"] == "Activez votre compte Binôme"
    body = smtp_server.body(message)
    assert "Bonjour Nadia" in body
    path = _activation_path(body)

    opened = client.get(path)
    assert opened.status_code == 302  # the token moves to the session
    form_url = opened["Location"]
    assert "activer" in form_url and path not in form_url
    page = client.get(form_url)
    assert "nadia.sow@test.example" in page.text
    weak = client.post(form_url, {"new_password1": "abc", "new_password2": "abc"})
    assert weak.status_code == 200
    assert "trop court" in weak.text
    assert not User.objects.filter(email="nadia.sow@test.example").exists()

    done = client.post(
        form_url,
        {"new_password1": "Un-vrai-secret-42", "new_password2": "Un-vrai-secret-42"},
    )
    assert done.status_code == 302
    assert done["Location"] == "/programmes/"
    newcomer.refresh_from_db()
    user = newcomer.user
    assert user.email == "nadia.sow@test.example"
    assert (user.first_name, user.last_name) == ("Nadia", "Sow")
    assert user.check_password("Un-vrai-secret-42")
    assert EmailAddress.objects.get(user=user).verified
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_CREATED)
    assert event.details == {"method": "activation", "person": newcomer.pk}
    assert client.get(reverse("accounts:profile")).status_code == 200

    # One use only: the same link now says so, in French.
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "Ce lien ne fonctionne plus" in again.text


def test_the_password_rules_describe_the_field(client, newcomer):
    """Django's password help is a list: inside a <p>, the browser closed the
    paragraph before it, so the rules were neither styled as help nor read
    as the field's description (aria-describedby pointed at an empty <p>)."""
    path = _path(access.activation_url(newcomer))
    page = client.get(client.get(path)["Location"])
    assert 'aria-describedby="id_new_password1_helptext"' in page.text
    assert '<div class="help" id="id_new_password1_helptext"><ul>' in page.text


def test_the_link_expires(client, newcomer):
    path = _path(access.activation_url(newcomer))
    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        assert client.get(path).status_code == 410
    assert client.get(path).status_code == 302


def test_the_link_dies_when_hr_changes_the_address(client, newcomer):
    path = _path(access.activation_url(newcomer))
    newcomer.email = "nadia@ailleurs.example"
    newcomer.save()
    assert client.get(path).status_code == 410


def test_a_forged_or_truncated_link_is_refused(client, newcomer):
    path = _path(access.activation_url(newcomer))
    assert client.get(path[:-6] + "AAAAA/").status_code == 410
    assert client.get(reverse("people:activate", args=["x" * 3000])).status_code == 410


def test_two_tabs_cannot_activate_twice(client, newcomer):
    path = _path(access.activation_url(newcomer))
    form_url = client.get(path)["Location"]
    page = client.get(form_url)
    assert page.status_code == 200
    access.activate(person=newcomer, password="Autre-secret-2026")
    second = client.post(
        form_url,
        {"new_password1": "Un-vrai-secret-42", "new_password2": "Un-vrai-secret-42"},
    )
    assert second.status_code == 410
    newcomer.refresh_from_db()
    assert newcomer.user.check_password("Autre-secret-2026")


def test_no_address_enumeration(client, newcomer, people):
    mail.outbox.clear()
    answers = [
        _ask_link(client, email)
        for email in (
            "nadia.sow@test.example",  # HR file, no account: activation
            "camille@test.example",  # an account: a reset link
            "personne@test.example",  # nobody: nothing
        )
    ]
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, reverse("accounts:password_reset_done"))
    }
    assert sorted(m.to[0] for m in mail.outbox) == [
        "camille@test.example",
        "nadia.sow@test.example",
    ]
    reset = next(m for m in mail.outbox if m.to == ["camille@test.example"])
    assert "/compte/mot-de-passe/" in reset.body
    assert reset.subject == "Binôme : choisissez votre mot de passe"


def test_the_reset_link_from_the_email_sets_a_new_password(client, people):
    camille = people["camille"]
    mail.outbox.clear()
    _ask_link(client, "camille@test.example")
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/compte/mot-de-passe/\S+/\S+/", str(message.body))
    assert link, message.body
    form_url = client.get(_path(link.group(0)))["Location"]
    client.post(
        form_url,
        {"new_password1": "Nouveau-secret-77", "new_password2": "Nouveau-secret-77"},
    )
    camille.user.refresh_from_db()
    assert camille.user.check_password("Nouveau-secret-77")


def test_links_are_rate_limited_per_address(client, newcomer):
    mail.outbox.clear()
    for _ in range(5):
        assert _ask_link(client, "nadia.sow@test.example").status_code == 302
    refused = _ask_link(client, "nadia.sow@test.example")
    assert refused.status_code == 200
    assert "Trop de liens" in refused.text
    assert len(mail.outbox) == 5
    # Another address from the same network is still served…
    assert _ask_link(client, "autre@test.example").status_code == 302
    # …and an hour later, the address again.
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=61)):
        assert _ask_link(client, "nadia.sow@test.example").status_code == 302


def test_an_outside_next_is_ignored(client, newcomer):
    mail.outbox.clear()
    _ask_link(client, "nadia.sow@test.example", "https://evil.example/")
    path = _activation_path(mail.outbox[0].body)
    form_url = client.get(path)["Location"]
    done = client.post(
        form_url,
        {"new_password1": "Un-vrai-secret-42", "new_password2": "Un-vrai-secret-42"},
    )
    assert done["Location"] == reverse("home")


def test_a_person_without_address_gets_nothing(client, org):
    person = Person.objects.create(
        organisation=org, first_name="Sans", last_name="Mail"
    )
    assert not access.needs_activation(person)
    assert access.send_access_link(email="") == ""


def test_a_login_links_an_account_to_its_hr_record(client, org):
    user = User.objects.create_user(email="ancien@test.example", password="Secret-99x")
    person = Person.objects.create(
        organisation=org,
        first_name="Paul",
        last_name="Ancien",
        email="Ancien@test.example",
    )
    client.post(
        reverse("accounts:login"),
        {"login": "ancien@test.example", "password": "Secret-99x"},
    )
    person.refresh_from_db()
    assert person.user == user
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PERSON_LINKED).exists()


@pytest.mark.django_db(transaction=True)
def test_first_organisation_on_an_empty_install(client, smtp_server, db_tasks):
    assert not Organisation.objects.exists()
    call_command(
        "create_organisation",
        "Acme Énergie",
        "--admin-email=Rh.Lead@acme.example",
        "--admin-first-name=Léa",
        "--admin-last-name=Martin",
        stdout=io.StringIO(),
    )
    organisation = Organisation.objects.get()
    assert (organisation.slug, organisation.name) == ("acme-energie", "Acme Énergie")
    person = Person.objects.get(organisation=organisation)
    admin = person.user
    assert admin is not None
    assert admin.email == "rh.lead@acme.example"
    assert not admin.has_usable_password()
    assert list(organisation.administrators.all()) == [admin]
    assert not admin.is_staff and not admin.is_superuser

    db_tasks()
    (message,) = smtp_server.to("rh.lead@acme.example")
    path = _activation_path(smtp_server.body(message))
    form_url = client.get(path)["Location"]
    client.post(
        form_url,
        {"new_password1": "Premier-jour-2026", "new_password2": "Premier-jour-2026"},
    )
    admin.refresh_from_db()
    assert admin.check_password("Premier-jour-2026")
    # The HR administrator creates the first programme, in the organisation.
    page = client.get(reverse("programs:create") + "?modele=pilot")
    assert page.status_code == 200
    # Run twice: nothing doubles, the account is not reset (and, being
    # active, it gets no new activation e-mail).
    call_command(
        "create_organisation",
        "Acme Énergie",
        "--admin-email=rh.lead@acme.example",
        "--admin-first-name=Léa",
        "--admin-last-name=Martin",
        stdout=io.StringIO(),
    )
    assert Person.objects.count() == 1
    admin.refresh_from_db()
    assert admin.check_password("Premier-jour-2026")


def test_the_command_refuses_a_bad_address(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not an e-mail address"):
        call_command(
            "create_organisation",
            "Acme",
            "--admin-email=pas-une-adresse",
            "--admin-first-name=A",
            "--admin-last-name=B",
        )
    assert not Organisation.objects.exists()


def test_the_printed_link_works(client, db):
    out = io.StringIO()
    call_command(
        "create_organisation",
        "Acme",
        "--admin-email=rh@acme.example",
        "--admin-first-name=Léa",
        "--admin-last-name=Martin",
        "--print-link",
        stdout=out,
    )
    path = _activation_path(out.getvalue())
    assert client.get(path).status_code == 302


def test_a_second_run_resends_the_activation_not_yet_used(db):
    mail.outbox.clear()
    for _ in range(2):
        call_command(
            "create_organisation",
            "Acme",
            "--admin-email=rh@acme.example",
            "--admin-first-name=Léa",
            "--admin-last-name=Martin",
            stdout=io.StringIO(),
        )
    assert [m.to for m in mail.outbox] == [["rh@acme.example"]] * 2
    assert "administratrice RH de Acme" in mail.outbox[0].body


def test_the_first_login_page_has_no_stray_label(client, db):
    page = client.get(reverse("people:access_link") + "?next=/programmes/")
    assert "Next" not in page.text and "Suivant" not in page.text
    assert 'type="hidden" name="next" value="/programmes/"' in page.text


def test_an_existing_account_is_never_handed_over_by_a_link(client, org):
    """An account without password (an administrator made without one) and an
    HR record of the same address: no activation link may set its password."""
    admin = User.objects.create_superuser(email="boss@test.example", password=None)
    person = Person.objects.create(
        organisation=org, first_name="Faux", last_name="Boss", email="boss@test.example"
    )
    assert access.needs_activation(person)  # no account linked yet
    with pytest.raises(ValidationError) as refused:
        access.activate(person=person, password="Prise-de-controle-1")
    assert refused.value.code == "already_active"
    admin.refresh_from_db()
    assert not admin.has_usable_password()
    person.refresh_from_db()
    assert person.user is None
    # Nor can a role attach it.
    with pytest.raises(ValidationError) as refused:
        access.account_for_role(person, by=None, role="sponsor", programme="X")
    assert refused.value.code == "address_taken"
    person.refresh_from_db()
    assert person.user is None


def test_staff_accounts_never_activate_by_link(org):
    staff = User.objects.create_user(email="it@test.example", is_staff=True)
    person = Person.objects.create(
        organisation=org,
        first_name="I",
        last_name="T",
        email="it@test.example",
        user=staff,
    )
    assert not access.needs_activation(person)


def test_the_account_follows_an_address_corrected_by_hr(client, org):
    person = Person.objects.create(
        organisation=org,
        first_name="Alice",
        last_name="Typo",
        email="alcie@test.example",
    )
    user = access.account_for_role(person, by=None, role="panel", programme="X")
    assert user.email == "alcie@test.example"
    person.refresh_from_db()
    person.email = "alice@test.example"
    person.save()
    access.activate(person=person, password="Alice-secret-2026")
    user.refresh_from_db()
    assert user.email == "alice@test.example"
    mail.outbox.clear()
    # The old address gets nothing from « mot de passe oublié ».
    assert access.send_access_link(email="alcie@test.example") == ""
    assert mail.outbox == []


def test_a_password_account_with_an_unlinked_record_gets_a_reset_link(org):
    User.objects.create_user(email="tech@test.example", password="Secret-tech-99")
    Person.objects.create(
        organisation=org,
        first_name="Tech",
        last_name="Nique",
        email="tech@test.example",
    )
    assert access.send_access_link(email="tech@test.example") == "reset"


def test_activating_a_stale_copy_twice_is_refused(newcomer):
    stale = Person.objects.get(pk=newcomer.pk)
    access.activate(person=newcomer, password="Premier-secret-2026")
    with pytest.raises(ValidationError) as refused:
        access.activate(person=stale, password="Second-secret-2026")
    assert refused.value.code == "already_active"
    newcomer.refresh_from_db()
    assert newcomer.user.check_password("Premier-secret-2026")
    assert User.objects.filter(email="nadia.sow@test.example").count() == 1
