"""The optional second factor (TOTP with recovery codes), through the real
login flow: Odile, who runs the pilot, protects her account."""

import datetime
import re

import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.urls import reverse

from binome.accounts.models import AuditEvent

START = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)
LOGIN = "accounts:login"


def totp(secret, at):
    """The code an authenticator app shows at that time (RFC 6238, 30 s)."""
    return format_hotp_value(hotp_value(secret, int(at.timestamp()) // 30))


def password_login(client, email="odile@test.example"):
    return client.post(
        reverse(LOGIN), {"login": email, "password": "mot-de-passe-solide"}
    )


def logged_in(client):
    return "_auth_user_id" in client.session


def assert_csp_safe(response):
    """No inline script or style: our CSP would block them."""
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "img-src 'self' data:" in policy
    html = response.text
    assert " style=" not in html
    assert "<style" not in html
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or "application/json" in tag, tag


def activate_totp(client, on_commit):
    """Odile logs in with her password and activates an authenticator app;
    returns its secret. allauth sends its signals once the transaction
    commits: ``on_commit`` is pytest-django's capture fixture."""
    with time_machine.travel(START, tick=False):
        assert password_login(client).status_code == 302
        # Changing security settings asks for the password again.
        asked = client.get(reverse("mfa_activate_totp"))
        assert asked.status_code == 302
        assert asked["Location"].startswith(reverse("account_reauthenticate"))
        reauth = client.get(asked["Location"])
        assert reauth.status_code == 200
        assert_csp_safe(reauth)
        confirmed = client.post(asked["Location"], {"password": "mot-de-passe-solide"})
        assert confirmed["Location"] == reverse("mfa_activate_totp")
        page = client.get(reverse("mfa_activate_totp"))
        assert page.status_code == 200
        assert_csp_safe(page)
        assert 'src="data:image/svg+xml;base64,' in page.text
        secret = client.session["mfa.totp.secret"]
        wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
        assert wrong.status_code == 200
        assert not Authenticator.objects.exists()
        with on_commit(execute=True):
            response = client.post(
                reverse("mfa_activate_totp"), {"code": totp(secret, START)}
            )
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_view_recovery_codes")
        client.post(reverse("accounts:logout"))
    return secret


def test_the_account_page_offers_the_second_factor(client, people):
    client.force_login(people["odile"].user)
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 200
    assert "Double authentification" in response.text
    assert reverse("mfa_activate_totp") in response.text
    assert_csp_safe(response)


def test_activation_needs_a_valid_code_and_is_audited(
    client, people, django_capture_on_commit_callbacks
):
    activate_totp(client, django_capture_on_commit_callbacks)
    odile = people["odile"].user
    types = set(Authenticator.objects.filter(user=odile).values_list("type", flat=True))
    assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}
    changes = AuditEvent.objects.filter(action="mfa_change", actor=odile)
    assert {e.details["type"] for e in changes} >= {"totp"}
    assert all(e.details["change"] == "added" for e in changes)


def test_login_then_requires_a_valid_code(
    client, people, django_capture_on_commit_callbacks
):
    secret = activate_totp(client, django_capture_on_commit_callbacks)
    later = START + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        response = password_login(client)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
        assert not logged_in(client)  # the password alone is not enough
        assert client.get(reverse("home")).status_code == 302

        page = client.get(reverse("mfa_authenticate"))
        assert page.status_code == 200
        assert_csp_safe(page)
        assert '<html lang="fr">' in page.text

        wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
        assert wrong.status_code == 200
        assert "incorrect" in wrong.text.lower()
        assert not logged_in(client)
        failure = AuditEvent.objects.filter(action="login_failed").get()
        assert failure.details == {"username": "odile@test.example", "reason": "mfa"}

        right = client.post(reverse("mfa_authenticate"), {"code": totp(secret, later)})
        assert right.status_code == 302
        assert right["Location"] == reverse("home")
        assert logged_in(client)
    login = AuditEvent.objects.filter(action="login").latest("id")
    assert login.details == {"method": "password", "mfa": "totp"}


def test_a_code_from_another_time_window_is_refused(
    client, people, django_capture_on_commit_callbacks
):
    secret = activate_totp(client, django_capture_on_commit_callbacks)
    later = START + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        password_login(client)
        stale = totp(secret, later - datetime.timedelta(minutes=2))
        client.post(reverse("mfa_authenticate"), {"code": stale})
        assert not logged_in(client)


def test_a_recovery_code_works_once(client, people, django_capture_on_commit_callbacks):
    activate_totp(client, django_capture_on_commit_callbacks)
    odile = people["odile"].user
    recovery = Authenticator.objects.get(
        user=odile, type=Authenticator.Type.RECOVERY_CODES
    )
    code = RecoveryCodes(recovery).get_unused_codes()[0]
    later = START + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        password_login(client)
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == 302
        assert logged_in(client)
        client.post(reverse("accounts:logout"))
        password_login(client)
        again = client.post(reverse("mfa_authenticate"), {"code": code})
        assert again.status_code == 200
        assert not logged_in(client)


def test_people_without_a_second_factor_log_in_with_their_password(client, people):
    response = password_login(client, "camille@test.example")
    assert response["Location"] == reverse("home")
    assert logged_in(client)


def test_staff_must_enrol_when_the_setting_requires_it(client, people, settings):
    odile = people["odile"].user
    odile.is_staff = True
    odile.save()
    client.force_login(odile)
    assert client.get(reverse("home")).status_code == 200
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # What they need to comply stays reachable.
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.post(reverse("accounts:logout")).status_code == 302


def test_the_requirement_does_not_concern_other_people(client, people, settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.force_login(people["camille"].user)
    assert client.get(reverse("home")).status_code == 200


def test_staff_with_a_second_factor_go_through(
    client, people, django_capture_on_commit_callbacks, settings
):
    activate_totp(client, django_capture_on_commit_callbacks)
    odile = people["odile"].user
    odile.is_staff = True
    odile.save()
    settings.MFA_REQUIRED_FOR_STAFF = True
    client.force_login(odile)
    assert client.get(reverse("home")).status_code == 200


def test_the_admin_login_cannot_skip_the_second_factor(
    client, people, django_capture_on_commit_callbacks
):
    activate_totp(client, django_capture_on_commit_callbacks)
    odile = people["odile"].user
    odile.is_staff = True
    odile.save()
    response = client.post(
        reverse("admin:login"),
        {"username": "odile@test.example", "password": "mot-de-passe-solide"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse(LOGIN) + "?next=")
    assert not logged_in(client)
