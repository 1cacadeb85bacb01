import re

import pytest
from django.core import mail
from django.urls import reverse

from binome.programs import services
from binome.programs.models import Invitation, Programme


def _invites_to(text):
    """The programme of the shared invitation link in a text. The token is
    signed with a timestamp: comparing it with a new one fails across a
    second."""
    tokens = re.findall(r"/rejoindre/([^/\s\"'<]+)/", text)
    assert tokens, text
    programmes = {Programme.from_invitation(token) for token in tokens}
    assert len(programmes) == 1
    return programmes.pop()


def _personal_invitation(text):
    """The invitation of the personal link in an e-mail."""
    tokens = re.findall(r"/invitation/([^/\s\"'<]+)/", text)
    assert len(tokens) == 1, text
    invitation = Invitation.from_token(tokens[0])
    assert invitation is not None
    return invitation


def test_manager_sees_the_link_and_invites_people_by_email(login, recruiting, people):
    client = login(people["odile"])
    url = reverse("programs:invitations", args=["vague"])
    page = client.get(url)
    assert _invites_to(page.text) == recruiting
    mail.outbox.clear()
    emails = "camille@test.example; inconnu@ailleurs.example\nBERNARD@test.example"
    # First who will receive it: nothing is sent yet.
    check = client.post(url, {"action": "emails", "emails": emails})
    assert check.status_code == 200
    assert mail.outbox == []
    assert check.context["pending"].sent == [
        "bernard@test.example",
        "camille@test.example",
    ]
    assert "inconnu@ailleurs.example" in check.text
    confirm = {
        "action": "emails",
        "emails": "bernard@test.example, camille@test.example",
        "confirm": "1",
    }
    response = client.post(url, confirm)
    assert response.status_code == 200
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bernard@test.example",
        "camille@test.example",
    ]
    # A second click sends nothing more.
    assert "Déjà invitées" in client.post(url, confirm).text
    assert len(mail.outbox) == 2
    message = mail.outbox[0]
    assert "Vague 2027" in message.subject
    invitation = _personal_invitation(message.body)
    assert invitation.programme == recruiting
    assert invitation.email == message.to[0]
    assert invitation.invited_by == people["odile"].user


def test_people_already_enrolled_are_not_invited_again(login, recruiting, people):
    services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )
    mail.outbox.clear()
    login(people["odile"]).post(
        reverse("programs:invitations", args=["vague"]),
        {"action": "emails", "emails": "camille@test.example", "confirm": "1"},
    )
    assert mail.outbox == []


def test_malformed_addresses_are_refused(login, recruiting, people):
    response = login(people["odile"]).post(
        reverse("programs:invitations", args=["vague"]),
        {"action": "emails", "emails": "pas-une-adresse"},
    )
    assert "Adresses invalides : pas-une-adresse" in response.text


def test_renewing_the_link_revokes_the_old_one(login, recruiting, people):
    old = recruiting.invitation_token()
    old_nonce = recruiting.invitation_nonce
    client = login(people["odile"])
    url = reverse("programs:revoke_invitations", args=["vague"])
    # First the page that says who loses their link: nothing changes yet.
    page = client.post(url)
    assert page.status_code == 200
    recruiting.refresh_from_db()
    assert recruiting.invitation_nonce == old_nonce
    confirm = {"confirm": "1", "link": page.context["link_version"]}
    client.post(url, confirm)
    recruiting.refresh_from_db()
    assert recruiting.invitation_nonce != old_nonce
    # A second click on « Confirm » does not replace the new link.
    new_nonce = recruiting.invitation_nonce
    client.post(url, confirm)
    recruiting.refresh_from_db()
    assert recruiting.invitation_nonce == new_nonce
    assert (
        login(people["camille"]).get(reverse("programs:join", args=[old])).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["camille", "victor"])
def test_only_managers_reach_invitations(login, recruiting, people, who):
    client = login(people[who])
    assert (
        client.get(reverse("programs:invitations", args=["vague"])).status_code == 404
    )
    # Tokens carry a timestamp: compare the key that revocation rotates.
    old = recruiting.invitation_nonce
    url = reverse("programs:revoke_invitations", args=["vague"])
    assert client.post(url).status_code == 404
    assert client.post(url, {"confirm": "1"}).status_code == 404
    recruiting.refresh_from_db()
    assert recruiting.invitation_nonce == old


def test_invitation_email_is_in_english_for_english_speakers(recruiting, people):
    bernard = people["bernard"]
    bernard.user.language = "en"
    bernard.user.save()
    mail.outbox.clear()
    services.invite(
        programme=recruiting, emails=["bernard@test.example"], by=people["odile"].user
    )
    assert mail.outbox[0].subject == "You are invited to join « Vague 2027 »"
