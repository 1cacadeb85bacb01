"""Invitations that are tracked: the imported people invited in one action
after a preview, personal links (opened, joined, declined), reminders, an
account created from the invitation. The e-mail journey goes through a real
SMTP server and the database task worker."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import AuditEvent
from binome.people.models import Person
from binome.programs import imports, invitations
from binome.programs.models import Enrolment, Invitation

CSV = (
    "matricule;prénom;nom;e-mail;niveau;rôle\n"
    "T1;Nadia;Sow;nadia.sow@test.example;1;mentor\n"
    "T2;Hugo;Lenoir;hugo.lenoir@test.example;4;mentoré\n"
    "T3;Sans;Adresse;;1;mentor\n"
)


def _import(programme, manager):
    upload = imports.store_upload(
        programme=programme,
        content=CSV.encode("utf-8"),
        file_name="rh.csv",
        by=manager.user,
    )
    imports.apply_import(upload=upload)


def _path(text):
    found = re.findall(r"https?://\S+/programmes/invitation/\S+/", text)
    assert len(found) == 1, text
    return "/" + found[0].split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def imported(recruiting, people):
    _import(recruiting, people["odile"])
    return recruiting


def test_the_preview_counts_and_shows_the_email_before_sending(login, imported, people):
    recruiting = imported
    recruiting.invitation_message = "Notre DG compte sur vous <b>!</b>"
    recruiting.save()
    client = login(people["odile"])
    mail.outbox.clear()
    page = client.get(reverse("programs:invitations", args=["vague"]))
    assert page.status_code == 200
    assert "<strong>2</strong> personnes recevront l’invitation" in page.text
    assert "1 sans adresse e-mail" in page.text
    assert "Sans Adresse" in page.text
    # The e-mail itself, escaped, with the personal message.
    assert "Notre DG compte sur vous &lt;b&gt;!&lt;/b&gt;" in page.text
    assert "Vous êtes invité" in page.text or "invite" in page.text
    assert mail.outbox == []

    url = reverse("programs:invitations", args=["vague"])
    client.post(url, {"action": "imported", "expected": "2"})
    assert sorted(m.to[0] for m in mail.outbox) == [
        "hugo.lenoir@test.example",
        "nadia.sow@test.example",
    ]
    assert "Notre DG compte sur vous <b>!</b>" in mail.outbox[0].body
    # A double submit sends nothing more, and says why.
    again = client.post(url, {"action": "imported", "expected": "2"}, follow=True)
    assert len(mail.outbox) == 2
    assert "La liste a changé" in again.text
    assert Invitation.objects.filter(programme=recruiting).count() == 2
    event = AuditEvent.objects.get(action=AuditEvent.Action.INVITATIONS_SENT)
    assert event.details == {"count": 2}
    assert event.ip_address == "127.0.0.1"


def test_a_stale_count_sends_nothing(login, imported, people):
    mail.outbox.clear()
    login(people["odile"]).post(
        reverse("programs:invitations", args=["vague"]),
        {"action": "imported", "expected": "7"},
    )
    assert mail.outbox == []


def test_opening_the_link_is_recorded_and_shows_the_programme(client, imported, people):
    invitations.send(
        programme=imported,
        people=list(Person.objects.filter(employee_id="T1")),
        by=people["odile"].user,
    )
    (message,) = mail.outbox[-1:]
    page = client.get(_path(message.body))
    assert page.status_code == 200
    assert "Vague 2027" in page.text
    assert "Créer mon compte" in page.text
    invitation = Invitation.objects.get()
    assert invitation.opened_at is not None
    assert invitation.state == Invitation.State.OPENED


def test_a_person_without_account_joins_from_the_invitation(client, imported, people):
    nadia = Person.objects.get(employee_id="T1")
    invitations.send(programme=imported, people=[nadia], by=people["odile"].user)
    path = _path(mail.outbox[-1].body)
    weak = client.post(
        path, {"action": "activate", "new_password1": "a", "new_password2": "a"}
    )
    assert weak.status_code == 200
    assert "trop court" in weak.text
    done = client.post(
        path,
        {
            "action": "activate",
            "new_password1": "Un-vrai-secret-42",
            "new_password2": "Un-vrai-secret-42",
        },
    )
    assert done.status_code == 302 and done["Location"] == path
    nadia.refresh_from_db()
    assert nadia.user is not None and nadia.user.check_password("Un-vrai-secret-42")
    # Logged in: the consent notice and the volunteering form.
    join = client.get(path)
    assert "Je me porte volontaire" in join.text
    assert "Avant de vous porter volontaire" in join.text
    client.post(path, {"role": "mentor", "consent": "on"})
    enrolment = Enrolment.objects.get(person=nadia, role="mentor")
    assert enrolment.status == Enrolment.Status.VOLUNTEERED
    invitation = Invitation.objects.get(person=nadia)
    assert invitation.state == Invitation.State.JOINED
    # Opening the link again leads to the programme, not to a second form.
    again = client.get(path)
    assert again.status_code == 302
    assert again["Location"] == reverse("programs:journey", args=[enrolment.pk])
    # The account exists now: the same link no longer offers to create one.
    client.logout()
    assert "Créer mon compte" not in client.get(path).text


def test_declining_stops_the_reminders(client, imported, people):
    hugo = Person.objects.get(employee_id="T2")
    invitations.send(programme=imported, people=[hugo], by=people["odile"].user)
    path = _path(mail.outbox[-1].body)
    answer = client.post(path, {"action": "decline"})
    assert "Vous avez décliné" in answer.text
    invitation = Invitation.objects.get()
    assert invitation.state == Invitation.State.DECLINED
    with time_machine.travel(timezone.now() + datetime.timedelta(days=10)):
        assert list(invitations.reminder_due(imported)) == []


def test_reminders_go_to_those_who_did_not_answer(login, imported, people):
    invitations.send(
        programme=imported,
        people=list(Person.objects.filter(employee_id__in=["T1", "T2"])),
        by=people["odile"].user,
    )
    Enrolment.objects.filter(person__employee_id="T2").delete()
    invitations.decline(Invitation.objects.get(person__employee_id="T2"))
    url = reverse("programs:invitations", args=["vague"])
    assert "Aucune relance à envoyer" in login(people["odile"]).get(url).text
    mail.outbox.clear()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=4)):
        client = login(people["odile"])
        page = client.get(url)
        assert "1 personne n’a pas répondu" in page.text
        client.post(url, {"action": "remind", "expected": "1"})
    (reminder,) = mail.outbox
    assert reminder.to == ["nadia.sow@test.example"]
    assert reminder.subject.startswith("Relance")
    nadia = Invitation.objects.get(person__employee_id="T1")
    assert nadia.send_count == 2
    # The fresh link works; it carries the same invitation.
    assert Invitation.from_token(_path(reminder.body).split("/")[-2]) == nadia


def test_the_personal_link_expires_and_dies_with_the_shared_link(
    client, login, imported, people
):
    nadia = Person.objects.get(employee_id="T1")
    invitations.send(programme=imported, people=[nadia], by=people["odile"].user)
    path = _path(mail.outbox[-1].body)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        assert client.get(path).status_code == 410
    assert client.get(path).status_code == 200
    manager = login(people["odile"])
    renew = reverse("programs:revoke_invitations", args=["vague"])
    page = manager.post(renew)
    assert "Nadia" in page.text  # her personal link dies too: she is named
    manager.post(renew, {"confirm": "1", "link": page.context["link_version"]})
    client.logout()
    assert client.get(path).status_code == 410


def test_someone_else_logged_in_is_told(login, imported, people):
    nadia = Person.objects.get(employee_id="T1")
    invitations.send(programme=imported, people=[nadia], by=people["odile"].user)
    path = _path(mail.outbox[-1].body)
    page = login(people["camille"]).get(path)
    assert page.status_code == 403
    assert "destinée à une autre personne" in page.text


def test_an_anonymous_visitor_of_the_shared_link_sees_the_programme(client, recruiting):
    url = reverse("programs:join", args=[recruiting.invitation_token()])
    page = client.get(url)
    assert page.status_code == 200
    assert "Vague 2027" in page.text
    assert reverse("accounts:login") + "?next=" in page.text
    assert reverse("people:access_link") + "?next=" in page.text


def test_the_list_shows_who_did_what(login, imported, people):
    invitations.send(
        programme=imported,
        people=list(Person.objects.filter(employee_id__in=["T1", "T2"])),
        by=people["odile"].user,
    )
    invitations.decline(Invitation.objects.get(person__employee_id="T2"))
    page = login(people["odile"]).get(reverse("programs:invitations", args=["vague"]))
    assert "Nadia Sow" in page.text and "Hugo Lenoir" in page.text
    assert "Déclinée" in page.text and "Envoyée" in page.text
    assert "Odile Marchand" in page.text


def test_the_personal_message_is_saved_and_validated(login, recruiting, people):
    client = login(people["odile"])
    url = reverse("programs:invitations", args=["vague"])
    client.post(url, {"action": "message", "invitation_message": "Bienvenue 🎉"})
    recruiting.refresh_from_db()
    assert recruiting.invitation_message == "Bienvenue 🎉"
    too_long = client.post(url, {"action": "message", "invitation_message": "x" * 2001})
    assert too_long.status_code == 200
    assert "2000" in too_long.text
    recruiting.refresh_from_db()
    assert recruiting.invitation_message == "Bienvenue 🎉"


@pytest.mark.django_db(transaction=True)
def test_the_invitation_arrives_by_smtp_and_its_link_works(
    client, recruiting, people, smtp_server, db_tasks
):
    _import(recruiting, people["odile"])
    client.force_login(people["odile"].user)
    client.post(
        reverse("programs:invitations", args=["vague"]),
        {"action": "imported", "expected": "2"},
    )
    assert smtp_server.messages == []
    db_tasks()
    (message,) = smtp_server.to("nadia.sow@test.example")
    assert message["Subject"] == "Vous êtes invité·e à rejoindre « Vague 2027 »"
    client.logout()
    path = _path(smtp_server.body(message))
    assert "Créer mon compte" in client.get(path).text


def test_the_home_page_shows_an_invitation_awaiting_an_answer(
    login, recruiting, people
):
    bernard = people["bernard"]
    invitations.send(programme=recruiting, people=[bernard], by=people["odile"].user)
    client = login(bernard)
    home = client.get(reverse("home"))
    assert "Vous êtes invité" in home.text
    link = re.search(r'href="(/programmes/invitation/[^"]+/)"', home.text)
    assert link
    assert "Je me porte volontaire" in client.get(link.group(1)).text
    invitations.decline(Invitation.objects.get())
    assert "/programmes/invitation/" not in client.get(reverse("home")).text


def test_nothing_leaves_before_the_recruitment_opens(login, imported, people):
    imported.status = imported.Status.DRAFT
    imported.save()
    client = login(people["odile"])
    url = reverse("programs:invitations", args=["vague"])
    page = client.get(url)
    assert "<strong>2</strong> personnes recevront" in page.text
    assert "disabled" in page.text
    mail.outbox.clear()
    for data in (
        {"action": "imported", "expected": "2"},
        {"action": "emails", "emails": "nadia.sow@test.example"},
        {"action": "remind", "expected": "0"},
    ):
        answer = client.post(url, data, follow=True)
        assert "ne recrute pas encore" in answer.text
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_the_follow_up_tells_who_joined_then_withdrew(login, imported, people):
    from binome.programs import services

    hugo = Person.objects.get(employee_id="T2")
    invitations.send(programme=imported, people=[hugo], by=people["odile"].user)
    enrolment = services.volunteer(
        programme=imported, person=hugo, role="mentee", consent=True
    )
    client = login(people["odile"])
    url = reverse("programs:invitations", args=["vague"])
    assert "inscrites : 1" in client.get(url).text
    services.withdraw(enrolment=enrolment, erase=False)
    page = client.get(url)
    assert "inscrites : 0" in page.text
    assert "inscrites puis retirées : 1" in page.text
    assert "Inscrite, puis retirée" in page.text


def test_the_invitation_link_no_longer_creates_the_account_once_hr_changed_the_address(
    client, imported, people
):
    nadia = Person.objects.get(employee_id="T1")
    invitations.send(programme=imported, people=[nadia], by=people["odile"].user)
    path = _path(mail.outbox[-1].body)
    nadia.email = "nadia.corrigee@test.example"
    nadia.save()
    page = client.get(path)
    assert "Créer mon compte" not in page.text
    client.post(
        path,
        {
            "action": "activate",
            "new_password1": "Un-vrai-secret-42",
            "new_password2": "Un-vrai-secret-42",
        },
    )
    nadia.refresh_from_db()
    assert nadia.user is None


def test_the_home_invitation_stays_when_someone_else_volunteers(
    login, recruiting, people
):
    from binome.programs import services

    bernard = people["bernard"]
    Enrolment.objects.create(programme=recruiting, person=bernard, role="mentee")
    invitations.send(programme=recruiting, people=[bernard], by=people["odile"].user)
    services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )
    assert "/programmes/invitation/" in login(bernard).get(reverse("home")).text


def test_people_who_cannot_join_are_not_invited(login, recruiting, people):
    # Mentors up to level 2; mentees from level 3 with 40 years in the company.
    recruiting.mentee_min_seniority = 40
    recruiting.save()
    odile = people["odile"]  # level 4: not a mentor; 21 years: not a mentee
    plan = invitations.plan(recruiting, [odile, people["camille"]])
    assert plan.cannot_join == [odile]
    assert plan.to_send == [people["camille"]]
