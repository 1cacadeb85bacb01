import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError
from django.test import RequestFactory

from binome.accounts.models import User


@pytest.mark.django_db
def test_email_is_stored_lower_case_and_used_to_log_in():
    User.objects.create_user(
        email="Camille.Riviere@Test.Example", password="un-long-secret"
    )
    user = authenticate(
        RequestFactory().post("/"),
        username="camille.riviere@test.example",
        password="un-long-secret",
    )
    assert user is not None
    assert user.email == "camille.riviere@test.example"


@pytest.mark.django_db
def test_login_ignores_the_case_of_the_email():
    User.objects.create_user(email="odile@test.example", password="un-long-secret")
    assert authenticate(
        RequestFactory().post("/"),
        username="ODILE@test.example",
        password="un-long-secret",
    )


@pytest.mark.django_db
def test_two_accounts_cannot_share_an_email_whatever_the_case():
    User.objects.create_user(email="odile@test.example")
    # A unique field, not a named constraint: PostgreSQL names it
    # accounts_user_email_key.
    with pytest.raises(
        IntegrityError,
        match=r'violates unique constraint "accounts_user_email_key"'
        r"|UNIQUE constraint failed: accounts_user\.email$",
    ):
        User.objects.create_user(email="Odile@Test.example")


@pytest.mark.django_db
def test_superuser_is_staff():
    admin = User.objects.create_superuser(email="admin@test.example", password="x" * 12)
    assert admin.is_staff and admin.is_superuser
    assert not hasattr(admin, "username") or admin.username is None


def test_password_hashing_uses_argon2_outside_tests():
    from django.conf import settings as django_settings
    from django.test import override_settings

    # The autouse fixture swaps hashers for speed; the real setting starts with Argon2.
    import binome.settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        from django.contrib.auth.hashers import make_password

        assert make_password("mentorat-inverse").startswith("argon2$")
    assert django_settings.LANGUAGE_CODE == "fr"
