"""Single sign-on with OpenID Connect, end to end against a loopback provider."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from binome.accounts.models import AuditEvent, User

LOGIN_URL = "/compte/oidc/sso/login/"


def sso_login(client, provider, claims, next_url=None):
    """Click the SSO button, let the provider approve, come back: the final
    response of our callback."""
    provider.claims = claims
    data = {"next": next_url} if next_url else {}
    response = client.post(LOGIN_URL, data)
    assert response.status_code == 302, response.content[:500]
    authorize = response["Location"]
    assert authorize.startswith(provider.url + "/authorize?")
    query = parse_qs(urlsplit(authorize).query)
    assert query["code_challenge_method"] == ["S256"]  # PKCE is on
    approved = requests.get(authorize, allow_redirects=False, timeout=5)
    assert approved.status_code == 302
    callback = urlsplit(approved.headers["Location"])
    assert callback.path == "/compte/oidc/sso/login/callback/"
    return client.get(callback.path + "?" + callback.query)


def claims(email, *, verified=True, sub=None, **extra):
    data = {
        "sub": sub or f"sub-{email}",
        "email": email,
        "given_name": "Nora",
        "family_name": "Durand",
    }
    if verified is not None:
        data["email_verified"] = verified
    return {**data, **extra}


def logged_in_user(client):
    return User.objects.filter(pk=client.session.get("_auth_user_id")).first()


def test_login_page_shows_the_sso_button_only_when_configured(client, db, oidc):
    response = client.get(reverse("accounts:login"))
    assert "Se connecter avec Annuaire Test" in response.text
    assert f'action="{LOGIN_URL}"' in response.text


def test_login_page_without_sso_has_no_button(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert "Se connecter avec" not in response.text


def test_first_login_creates_the_account_just_in_time(client, db, oidc):
    response = sso_login(client, oidc, claims("nora@exemple.fr"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(email="nora@exemple.fr")
    assert (user.first_name, user.last_name) == ("Nora", "Durand")
    assert not user.has_usable_password()
    assert logged_in_user(client) == user
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert SocialAccount.objects.get(user=user).uid == "sub-nora@exemple.fr"
    back_channel = [r for r in oidc.requests if r in {"POST /token", "GET /userinfo"}]
    assert back_channel[-2:] == ["POST /token", "GET /userinfo"]
    created = AuditEvent.objects.get(action="account_created")
    assert created.actor == user
    login = AuditEvent.objects.get(action="login")
    assert login.actor == user
    assert login.details == {"method": "sso", "provider": "sso"}


def test_a_second_login_finds_the_same_account(client, db, oidc):
    sso_login(client, oidc, claims("nora@exemple.fr"))
    client.post(reverse("accounts:logout"))
    assert logged_in_user(client) is None
    sso_login(client, oidc, claims("nora@exemple.fr"))
    assert logged_in_user(client).email == "nora@exemple.fr"
    assert User.objects.filter(email="nora@exemple.fr").count() == 1
    assert AuditEvent.objects.filter(action="account_created").count() == 1


def test_an_address_outside_the_allowed_domains_is_refused(client, db, oidc):
    response = sso_login(client, oidc, claims("eve@ailleurs.example"))
    assert response.status_code == 403
    assert "n’appartient pas" in response.text or "n'appartient pas" in response.text
    assert logged_in_user(client) is None
    assert not User.objects.filter(email="eve@ailleurs.example").exists()
    refusal = AuditEvent.objects.get(action="login_failed")
    assert refusal.details == {
        "username": "eve@ailleurs.example",
        "reason": "sso_domain",
        "provider": "sso",
    }


def test_a_lookalike_subdomain_is_refused(client, db, oidc):
    response = sso_login(client, oidc, claims("eve@exemple.fr.ailleurs.example"))
    assert response.status_code == 403
    assert not User.objects.filter(email__startswith="eve@").exists()


def test_no_email_from_the_provider_is_refused(client, db, oidc):
    response = sso_login(client, oidc, {"sub": "anonymous-42"})
    assert response.status_code == 403
    assert logged_in_user(client) is None
    assert User.objects.count() == 0


def test_existing_account_is_linked_when_the_provider_verified_the_address(
    client, people, oidc
):
    camille = people["camille"].user
    response = sso_login(client, oidc, claims("Camille@test.example", verified=True))
    assert response.status_code == 302
    assert logged_in_user(client) == camille
    assert SocialAccount.objects.get(user=camille).provider == "sso"
    camille.refresh_from_db()
    assert camille.has_usable_password()  # the password still works
    assert AuditEvent.objects.get(action="sso_linked").actor == camille
    assert not AuditEvent.objects.filter(action="account_created").exists()


@pytest.mark.parametrize("verified", [False, "false", "False", "", 0, None])
def test_existing_account_is_not_linked_without_a_verified_address(
    client, people, oidc, verified
):
    response = sso_login(
        client, oidc, claims("camille@test.example", verified=verified)
    )
    assert response.status_code == 403
    assert "vérifiée" in response.text
    assert logged_in_user(client) is None
    assert not SocialAccount.objects.exists()
    assert (
        AuditEvent.objects.get(action="login_failed").details["reason"]
        == "sso_unverified"
    )


def test_trusting_the_provider_links_without_the_claim(
    client, people, oidc, sso_settings
):
    sso_settings(oidc.env(SSO_OIDC_TRUST_EMAIL="1"))
    response = sso_login(client, oidc, claims("camille@test.example", verified=None))
    assert response.status_code == 302
    assert logged_in_user(client) == people["camille"].user


def test_a_forged_state_logs_nobody_in(client, db, oidc):
    oidc.claims = claims("nora@exemple.fr")
    client.post(LOGIN_URL)
    response = client.get("/compte/oidc/sso/login/callback/?code=volé&state=inventé")
    assert response.status_code == 401
    # allauth's error page, in our layout and in French.
    assert 'class="site-header"' in response.text
    assert "Erreur" in response.text or "erreur" in response.text
    assert logged_in_user(client) is None
    assert not User.objects.filter(email="nora@exemple.fr").exists()
    assert AuditEvent.objects.get(action="login_failed").details["reason"] == (
        "sso_error"
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_unknown_provider_is_a_404(client, db, oidc, method):
    response = getattr(client, method)("/compte/oidc/inconnu/login/")
    assert response.status_code == 404


def _connect(client, provider, claims_):
    provider.claims = claims_
    response = client.post(LOGIN_URL, {"process": "connect"})
    approved = requests.get(response["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(approved.headers["Location"])
    return client.get(callback.path + "?" + callback.query)


def test_a_logged_in_person_may_attach_only_their_own_identity(client, people, oidc):
    camille = people["camille"].user
    client.force_login(camille)
    refused = _connect(client, oidc, claims("bernard@test.example"))
    assert refused.status_code == 403
    assert not SocialAccount.objects.exists()
    attached = _connect(client, oidc, claims("camille@test.example", verified=False))
    assert attached.status_code == 302
    assert SocialAccount.objects.get().user == camille


def test_a_person_of_the_hr_file_gets_their_record_at_the_first_sso_login(
    client, db, oidc
):
    from binome.people.models import Organisation, Person

    org = Organisation.objects.create(name="Exemple", slug="exemple")
    person = Person.objects.create(
        organisation=org, first_name="Nora", last_name="Durand", email="Nora@exemple.fr"
    )
    sso_login(client, oidc, claims("nora@exemple.fr"))
    person.refresh_from_db()
    assert person.user == User.objects.get(email="nora@exemple.fr")
    assert AuditEvent.objects.filter(action="person_linked").count() == 1


def test_an_unverified_sso_address_does_not_take_an_hr_record(client, db, oidc):
    from binome.people.models import Organisation, Person

    org = Organisation.objects.create(name="Exemple", slug="exemple")
    person = Person.objects.create(
        organisation=org, first_name="Nora", last_name="Durand", email="nora@exemple.fr"
    )
    sso_login(client, oidc, claims("nora@exemple.fr", verified=False))
    person.refresh_from_db()
    assert person.user is None
    assert not AuditEvent.objects.filter(action="person_linked").exists()
