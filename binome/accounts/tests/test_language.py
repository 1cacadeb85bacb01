"""The language switch is saved on the account: the next login, from any
browser, and the e-mails follow it."""

from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import User
from binome.programs.models import Enrolment
from binome.programs.services import decide_candidate

PASSWORD = "mot-de-passe-solide"


def _log_in(client: Client, email: str) -> None:
    response = client.post(
        reverse("accounts:login"), {"login": email, "password": PASSWORD}
    )
    assert response.status_code == 302, response.text[:500]


def test_the_switch_saves_the_language_on_the_account(login, people):
    client = login(people["camille"])
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert User.objects.get(email="camille@test.example").language == "en"
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert User.objects.get(email="camille@test.example").language == "fr"


def test_an_unknown_language_changes_nothing(login, people):
    client = login(people["camille"])
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert User.objects.get(email="camille@test.example").language == "fr"


def test_the_next_login_from_another_browser_is_in_english(people):
    first = Client()
    _log_in(first, "camille@test.example")
    first.post(reverse("set_language"), {"language": "en", "next": "/"})

    other = Client()  # another browser: no cookie at all
    assert '<html lang="fr">' in other.get(reverse("accounts:login")).text
    _log_in(other, "camille@test.example")
    home = other.get(reverse("home"))
    assert '<html lang="en">' in home.text and "Log out" in home.text
    # The browser now remembers it, for the login page after logging out.
    assert home.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    other.post(reverse("accounts:logout"))
    assert '<html lang="en">' in other.get(reverse("accounts:login")).text


def test_the_account_wins_over_an_old_cookie_of_the_browser(people):
    User.objects.filter(email="camille@test.example").update(language="en")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"  # chosen long ago
    _log_in(client, "camille@test.example")
    assert '<html lang="en">' in client.get(reverse("home")).text


def test_english_chosen_on_the_login_page_is_saved_at_login(people):
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("accounts:login")).text
    assert User.objects.get(email="camille@test.example").language == "fr"
    _log_in(client, "camille@test.example")
    assert '<html lang="en">' in client.get(reverse("home")).text
    assert User.objects.get(email="camille@test.example").language == "en"
    # Only once: switching back to French afterwards sticks.
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert '<html lang="fr">' in client.get(reverse("home")).text
    assert User.objects.get(email="camille@test.example").language == "fr"


def test_emails_follow_the_language_chosen_with_the_switch(login, people, pilot):
    enrolment = Enrolment.objects.create(
        programme=pilot,
        person=people["camille"],
        role=Enrolment.Role.MENTOR,
        status=Enrolment.Status.VOLUNTEERED,
        consent_at=timezone.now(),
        consent_version="test",
    )
    pilot.require_preparation = False
    pilot.save()
    login(people["camille"]).post(
        reverse("set_language"), {"language": "en", "next": "/"}
    )
    enrolment = Enrolment.objects.get(pk=enrolment.pk)  # as the manager's page
    decide_candidate(enrolment=enrolment, accept=True, by=people["odile"].user)
    (message,) = mail.outbox
    assert message.to == ["camille@test.example"]
    assert message.subject == "Your participation in « Pilote » is confirmed"
    assert "Hello Camille," in message.body
