"""A new password revokes the person's API tokens, whichever page sets it,
and each revocation is in the audit log."""

from __future__ import annotations

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from binome.accounts.models import ApiToken, AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-solide"  # the cast's password (root conftest)
NEW_PASSWORD = "un-tout-nouveau-secret-2026"


def _tokens(user, count=2):
    for n in range(count):
        ApiToken.issue(owner=user, name=f"t{n}", scopes=["read"], expires_at=None)


def _assert_all_revoked(user, reason):
    tokens = list(ApiToken.objects.filter(owner=user))
    assert tokens and all(t.revoked_at is not None for t in tokens)
    events = AuditEvent.objects.filter(action="api_token_revoked")
    assert sorted(e.target for e in events) == sorted(
        f"api_token:{t.prefix}" for t in tokens
    )
    assert {e.details["reason"] for e in events} == {reason}
    assert {e.actor_id for e in events} == {user.pk}


def test_changing_the_password_revokes_the_tokens(people, client):
    odile = people["odile"].user
    bernard = people["bernard"].user
    _tokens(odile)
    _tokens(bernard, count=1)
    client.force_login(odile)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    _assert_all_revoked(odile, "password_changed")
    # Someone else's tokens are untouched.
    assert ApiToken.objects.get(owner=bernard).revoked_at is None


def test_resetting_the_password_revokes_the_tokens(people, client):
    odile = people["odile"].user
    _tokens(odile)
    uidb64 = urlsafe_base64_encode(force_bytes(odile.pk))
    token = default_token_generator.make_token(odile)
    url = reverse("accounts:password_reset_confirm", args=[uidb64, token])
    set_password = client.get(url)
    assert set_password.status_code == 302  # to the URL without the token
    response = client.post(
        set_password["Location"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_complete")
    _assert_all_revoked(odile, "password_reset")


def test_a_failed_change_revokes_nothing(people, client):
    odile = people["odile"].user
    _tokens(odile)
    client.force_login(odile)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "faux", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="api_token_revoked").exists()


def test_a_password_set_in_the_admin_revokes_the_tokens(people):
    from django.contrib.admin.sites import site

    from binome.accounts.admin import UserAdmin
    from binome.accounts.models import User

    camille = people["camille"].user
    _tokens(camille)
    user_admin = site._registry[User]
    assert isinstance(user_admin, UserAdmin)
    form = user_admin.change_password_form(
        camille,
        {
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )
    assert form.is_valid(), form.errors
    form.save()
    _assert_all_revoked(camille, "password_set_by_admin")
