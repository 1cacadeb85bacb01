"""SSO is configured by environment variables only, and refuses half a setup."""

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from binome.accounts.sso import providers_from_env

ROOT = Path(__file__).resolve().parents[3]
OIDC = {
    "SSO_OIDC_SERVER_URL": "https://login.exemple.fr/realms/groupe",
    "SSO_OIDC_CLIENT_ID": "binome",
    "SSO_OIDC_CLIENT_SECRET": "s3cret",
    "SSO_ALLOWED_DOMAINS": "exemple.fr",
}
SAML = {
    "SSO_SAML_IDP_ENTITY_ID": "https://idp.exemple.fr/saml",
    "SSO_SAML_IDP_SSO_URL": "https://idp.exemple.fr/saml/sso",
    "SSO_SAML_IDP_X509_CERT": "-----BEGIN CERTIFICATE-----\nMIIB\nabcd\n"
    "-----END CERTIFICATE-----",
    "SSO_ALLOWED_DOMAINS": "exemple.fr",
}


def test_no_variables_no_sso():
    assert providers_from_env({}) == {}


def test_oidc_from_the_environment():
    app = providers_from_env(OIDC)["openid_connect"]["APPS"][0]
    assert app["provider_id"] == "sso"
    assert app["client_id"] == "binome"
    assert app["secret"] == "s3cret"
    assert app["settings"]["server_url"] == OIDC["SSO_OIDC_SERVER_URL"]
    assert app["settings"]["oauth_pkce_enabled"] is True
    assert "verified_email" not in app["settings"]  # trust is opt-in


def test_saml_from_the_environment():
    app = providers_from_env({**SAML, "SSO_SAML_ATTR_EMAIL": "mail,email"})["saml"][
        "APPS"
    ][0]
    assert app["client_id"] == "sso"
    idp = app["settings"]["idp"]
    assert idp["x509cert"] == "MIIBabcd"
    assert idp["sso_url"] == SAML["SSO_SAML_IDP_SSO_URL"]
    assert app["settings"]["attribute_mapping"]["email"] == ["mail", "email"]
    assert app["settings"]["advanced"]["reject_idp_initiated_sso"] is True


def test_trusting_addresses_needs_a_single_tenant():
    trusting = {**OIDC, "SSO_OIDC_TRUST_EMAIL": "1"}
    app = providers_from_env(trusting)["openid_connect"]["APPS"][0]
    assert app["settings"]["verified_email"] is True
    for tenant in ("common", "organizations", "consumers"):
        url = f"https://login.microsoftonline.com/{tenant}/v2.0"
        with pytest.raises(ImproperlyConfigured, match="tenant"):
            providers_from_env({**trusting, "SSO_OIDC_SERVER_URL": url})


@pytest.mark.parametrize(
    "env",
    [
        {"SSO_OIDC_SERVER_URL": "https://login.exemple.fr"},
        {"SSO_OIDC_CLIENT_ID": "binome"},
        {"SSO_SAML_IDP_ENTITY_ID": "https://idp.exemple.fr/saml"},
        {**OIDC, "SSO_ALLOWED_DOMAINS": ""},
        {**SAML, "SSO_ALLOWED_DOMAINS": " , "},
        {**OIDC, "SSO_OIDC_TRUST_EMAIL": "peut-être"},
    ],
)
def test_half_a_configuration_is_a_clear_error(env):
    with pytest.raises(ImproperlyConfigured):
        providers_from_env(env)


def test_deploy_check_stays_clean_with_sso_and_mfa_variables():
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "binome.exemple.fr",
        "DATABASE_URL": "sqlite:///:memory:",
        "MFA_REQUIRED_FOR_STAFF": "1",
        **OIDC,
        **SAML,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
