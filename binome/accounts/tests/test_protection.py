"""Login protection and the audit log."""

import datetime

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse

from binome.accounts.models import AuditEvent

LOGIN = "accounts:login"


def _try(client, email, password):
    return client.post(reverse(LOGIN), {"login": email, "password": password})


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client, people, settings
):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        _try(client, "camille@test.example", "mauvais-mot-de-passe")
    response = _try(client, "camille@test.example", "mot-de-passe-solide")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.text
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action="locked_out").exists()


def test_a_success_before_the_limit_resets_the_counter(client, people, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _try(client, "camille@test.example", "mauvais")
    _try(client, "camille@test.example", "mauvais")
    assert (
        _try(client, "camille@test.example", "mot-de-passe-solide").status_code == 302
    )
    client.post(reverse("accounts:logout"))
    for _ in range(2):
        _try(client, "camille@test.example", "mauvais")
    assert (
        _try(client, "camille@test.example", "mot-de-passe-solide").status_code == 302
    )


def test_logins_and_failures_are_audited_without_the_password(client, people):
    _try(client, "camille@test.example", "un-secret-essaye")
    _try(client, "camille@test.example", "mot-de-passe-solide")
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["login_failed", "login"]
    failed = AuditEvent.objects.get(action="login_failed")
    assert failed.details == {"username": "camille@test.example"}
    assert "un-secret-essaye" not in str(AuditEvent.objects.values_list("details"))
    assert AuditEvent.objects.get(action="login").actor == people["camille"].user


def test_audit_log_is_append_only(people):
    event = AuditEvent.objects.create(action="export", target="programme:pilote")
    event.target = "autre"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(target="x")
    assert AuditEvent.objects.get().target == "programme:pilote"


def test_outsiders_denials_are_audited(login, pilot, people):
    login(people["camille"]).get(reverse("programs:detail", args=[pilot.slug]))
    denial = AuditEvent.objects.get(action="denied")
    assert denial.actor == people["camille"].user
    assert denial.target == reverse("programs:detail", args=[pilot.slug])


def test_idle_session_expires(client, people, settings):
    settings.SESSION_IDLE_TIMEOUT = 1800
    start = datetime.datetime(2026, 11, 22, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        _try(client, "camille@test.example", "mot-de-passe-solide")
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=20), tick=False):
        assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=55), tick=False):
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert reverse(LOGIN) in response["Location"]


def test_absolute_session_limit_even_when_active(client, people, settings):
    settings.SESSION_ABSOLUTE_TIMEOUT = 3600
    start = datetime.datetime(2026, 11, 22, 9, 0, tzinfo=datetime.UTC)
    for minutes in (0, 20, 40, 59):
        with time_machine.travel(
            start + datetime.timedelta(minutes=minutes), tick=False
        ):
            if minutes == 0:
                _try(client, "camille@test.example", "mot-de-passe-solide")
            assert client.get(reverse("home")).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        assert client.get(reverse("home")).status_code == 302


def test_deactivating_an_account_ends_its_sessions(client, people):
    _try(client, "camille@test.example", "mot-de-passe-solide")
    assert client.get(reverse("home")).status_code == 200
    user = people["camille"].user
    user.is_active = False
    user.save()
    assert client.get(reverse("home")).status_code == 302
    assert Session.objects.exists()  # the cookie is useless: the user is refused


def test_password_policy_needs_twelve_characters_and_refuses_common_ones(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        validate_password("court")
    assert [e.code for e in excinfo.value.error_list] == ["password_too_short"]
    with pytest.raises(ValidationError) as excinfo:
        validate_password("password1234")
    assert [e.code for e in excinfo.value.error_list] == ["password_too_common"]
    validate_password("mentorat inversé au quotidien")  # no composition rule


def test_lockout_is_per_account_not_for_everyone_on_the_address(
    client, people, settings
):
    settings.AXES_FAILURE_LIMIT = 2
    for _ in range(2):
        _try(client, "camille@test.example", "mauvais")
    assert (
        _try(client, "bernard@test.example", "mot-de-passe-solide").status_code == 302
    )
