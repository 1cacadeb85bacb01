"""Personal access tokens: hash-only storage, refusal when revoked, expired
or unknown, scopes, and the account page that manages them."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from allauth.account import app_settings as allauth_settings
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import ApiToken, AuditEvent, Scope

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def test_only_the_hash_of_the_secret_is_stored(people, make_token):
    clear = make_token(people["odile"])
    token = ApiToken.objects.get()
    assert clear.startswith(token.prefix + "_")
    assert token.secret_hash == hashlib.sha256(clear.encode()).hexdigest()
    secret = clear.removeprefix(token.prefix + "_")
    assert len(secret) >= 40
    for value in (token.prefix, token.name, token.secret_hash, str(token.scopes)):
        assert secret not in value


def test_valid_token_authenticates_as_its_owner(people, make_token):
    response = ApiClient(make_token(people["odile"])).get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["email"] == "odile@test.example"
    assert response.json()["auth"] == "token"


def test_last_use_is_recorded(people, make_token):
    clear = make_token(people["odile"])
    assert ApiToken.objects.get().last_used_at is None
    ApiClient(clear).get("/api/v1/me")
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer bnm_00000000_nope",
        "Basic b2RpbGU6eA==",
        "Bearer not-a-token",
    ],
)
def test_missing_or_unknown_token_is_401(people, make_token, client, header):
    make_token(people["odile"])
    headers = {"Authorization": header} if header else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_wrong_secret_with_a_real_prefix_is_401(people, make_token):
    clear = make_token(people["odile"])
    forged = clear[:-4] + ("aaaa" if not clear.endswith("aaaa") else "bbbb")
    assert ApiClient(forged).get("/api/v1/me").status_code == 401


def test_revoked_token_is_refused(people, make_token):
    clear = make_token(people["odile"])
    api = ApiClient(clear)
    assert api.get("/api/v1/me").status_code == 200
    ApiToken.objects.get().revoke()
    response = api.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_expired_token_is_refused(people, make_token):
    clear = make_token(people["odile"], expires_in=datetime.timedelta(days=1))
    api = ApiClient(clear)
    assert api.get("/api/v1/me").status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert api.get("/api/v1/me").status_code == 401


def test_token_of_a_deactivated_user_is_refused(people, make_token):
    clear = make_token(people["odile"])
    user = people["odile"].user
    user.is_active = False
    user.save()
    assert ApiClient(clear).get("/api/v1/me").status_code == 401


def test_a_bad_token_does_not_fall_back_to_the_session(people, client):
    client.force_login(people["odile"].user)
    assert client.get("/api/v1/me").status_code == 200
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer bnm_x"})
    assert response.status_code == 401


def test_read_scope_cannot_write(people, pilot, api_as):
    api = api_as(people["odile"], [Scope.READ])
    assert api.get("/api/v1/programmes/pilote").status_code == 200
    response = api.post("/api/v1/programmes/pilote/rounds")
    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "insufficient_scope",
        "message": response.json()["error"]["message"],
        "details": [{"required_scope": "matching"}],
    }


def test_import_scope_alone_cannot_read(people, pilot, api_as):
    api = api_as(people["odile"], [Scope.PEOPLE_IMPORT])
    response = api.get("/api/v1/programmes/pilote")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_write_scope_implies_import_and_matching():
    token = ApiToken(scopes=[Scope.WRITE])
    assert token.grants(Scope.PEOPLE_IMPORT)
    assert token.grants(Scope.MATCHING)
    assert not token.grants(Scope.READ)
    assert not ApiToken(scopes=[Scope.MATCHING]).grants(Scope.PEOPLE_IMPORT)


def test_missing_scope_reveals_nothing_about_objects(people, other_programme, api_as):
    # The scope is checked first: the same 403 whether the programme exists
    # out of reach or not at all.
    api = api_as(people["odile"], [Scope.READ])
    first = api.post("/api/v1/programmes/autre/rounds")
    second = api.post("/api/v1/programmes/does-not-exist/rounds")
    assert first.status_code == second.status_code == 403


# --- The account page ----------------------------------------------------------


PASSWORD = "mot-de-passe-solide"  # the cast's password (root conftest)


def _reauthenticated(client, person):
    """Log in, then type the password again on allauth's reauthentication page,
    as someone creating a token does."""
    client.force_login(person.user)
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302
    return client


def test_creating_a_token_asks_for_the_password_then_creates_it(people, client):
    client.force_login(people["odile"].user)
    url = reverse("api_tokens")
    assert client.get(url).status_code == 200
    data = {"name": "SIRH", "scopes": ["people:import"], "lifetime": "30"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.exists()
    # The password typed again replays the suspended POST: the page shows
    # the new secret.
    response = client.post(response["Location"], {"password": PASSWORD}, follow=False)
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert response.context["clear"].startswith(token.prefix)
    assert token.name == "SIRH"


def test_an_old_authentication_cannot_create_a_token(people, client):
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        _reauthenticated(client, people["odile"])
    later = now + datetime.timedelta(
        seconds=allauth_settings.REAUTHENTICATION_TIMEOUT + 60
    )
    with time_machine.travel(later, tick=False):
        response = client.post(
            reverse("api_tokens"),
            {"name": "volé", "scopes": ["write"], "lifetime": "365"},
        )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action="api_token_created").exists()


def test_account_page_creates_a_token_shown_once(people, client):
    _reauthenticated(client, people["odile"])
    url = reverse("api_tokens")
    response = client.post(
        url, {"name": "SIRH", "scopes": ["people:import"], "lifetime": "30"}
    )
    assert response.status_code == 200
    clear = response.context["clear"]
    token = ApiToken.objects.get()
    assert clear.startswith(token.prefix)
    assert clear in response.content.decode()
    assert token.scopes == ["people:import"]
    assert token.owner == people["odile"].user
    assert token.expires_at is not None
    assert response["Cache-Control"].startswith("max-age=0")
    # Shown once: the next visit lists the token without its secret.
    again = client.get(url).content.decode()
    assert token.prefix in again
    assert clear not in again
    event = AuditEvent.objects.get(action="api_token_created")
    assert event.actor == people["odile"].user
    assert event.target == f"api_token:{token.prefix}"
    assert clear not in str(event.details)


def test_account_page_refuses_a_token_without_scope(people, client):
    _reauthenticated(client, people["odile"])
    response = client.post(reverse("api_tokens"), {"name": "x", "lifetime": "30"})
    assert response.status_code == 200
    assert response.context["form"].errors["scopes"]
    assert not ApiToken.objects.exists()


def test_the_list_shows_scope_labels_not_codes(people, client, make_token):
    make_token(people["odile"], scopes=["people:import"])
    client.force_login(people["odile"].user)
    html = client.get(reverse("api_tokens")).content.decode()
    label = str(Scope.PEOPLE_IMPORT.label)
    assert label in html
    assert "people:import" not in html.split("<tbody>")[1]


def test_revoking_from_the_account_page(people, client, make_token):
    clear = make_token(people["odile"])
    token = ApiToken.objects.get()
    client.force_login(people["odile"].user)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert ApiClient(clear).get("/api/v1/me").status_code == 401
    assert AuditEvent.objects.filter(
        action="api_token_revoked", target=f"api_token:{token.prefix}"
    ).exists()


def test_nobody_revokes_someone_elses_token(people, client, make_token):
    make_token(people["odile"])
    token = ApiToken.objects.get()
    client.force_login(people["xavier"].user)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_account_page_needs_login(client):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302


def test_admin_revokes_tokens(people, client, make_token):
    from binome.accounts.models import User

    make_token(people["odile"])
    token = ApiToken.objects.get()
    admin = User.objects.create_superuser(email="ada@test.example", password="x")
    client.force_login(admin)
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    page = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert page.status_code == 200
    assert token.secret_hash not in page.content.decode()
