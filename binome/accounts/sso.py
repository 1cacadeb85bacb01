"""Single sign-on configuration, read from environment variables only.

``settings.py`` calls :func:`providers_from_env` once; nothing is stored in the
database (no ``SocialApp`` rows), so a deployment is configured entirely by its
environment. Each variable is documented in the README (« Connexion unique »).

This module must stay importable from ``settings.py``: no Django model imports.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

# The ids that appear in the URLs: /compte/oidc/<OIDC_ID>/login/ and
# /compte/saml/<SAML_ID>/acs/ — what administrators give to their identity provider.
OIDC_ID = "sso"
SAML_ID = "sso"

_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non", ""}

# Common attribute names for each field (Entra ID / ADFS, then LDAP-style OIDs,
# then plain names as Keycloak and others send them).
SAML_DEFAULT_ATTRIBUTES = {
    "uid": ["urn:oasis:names:tc:SAML:attribute:subject-id"],
    "email": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        "urn:oid:0.9.2342.19200300.100.1.3",
        "email",
        "mail",
    ],
    "email_verified": ["email_verified"],
    "first_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        "urn:oid:2.5.4.42",
        "givenName",
        "first_name",
    ],
    "last_name": [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
        "urn:oid:2.5.4.4",
        "sn",
        "last_name",
    ],
}


def _get(env: Mapping[str, str], name: str) -> str:
    return env.get(name, "").strip()


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = _get(env, name).lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0), got {value!r}")


def _list(env: Mapping[str, str], name: str) -> list[str]:
    return [item.strip() for item in _get(env, name).split(",") if item.strip()]


def _pem_body(value: str) -> str:
    """Accept a certificate as PEM (with or without line breaks, or with
    literal ``\\n`` as some platforms store multi-line variables) or as its
    base64 body; python3-saml wants the body."""
    value = value.replace("\\n", "\n")
    lines = [
        line.strip()
        for line in value.splitlines()
        if line.strip() and "CERTIFICATE-----" not in line
    ]
    return "".join(lines).replace(" ", "")


# Entra ID endpoints shared by every tenant.
_MULTI_TENANT = ("common", "organizations", "consumers")


def allowed_domains(env: Mapping[str, str]) -> list[str]:
    return [domain.lower().lstrip("@") for domain in _list(env, "SSO_ALLOWED_DOMAINS")]


def oidc_app(env: Mapping[str, str]) -> dict[str, Any] | None:
    server_url = _get(env, "SSO_OIDC_SERVER_URL")
    client_id = _get(env, "SSO_OIDC_CLIENT_ID")
    if not server_url and not client_id:
        return None
    if not server_url or not client_id:
        raise ImproperlyConfigured(
            "OpenID Connect needs both SSO_OIDC_SERVER_URL and SSO_OIDC_CLIENT_ID."
        )
    app_settings: dict[str, Any] = {
        "server_url": server_url,
        "oauth_pkce_enabled": _bool(env, "SSO_OIDC_PKCE", True),
    }
    scopes = _list(env, "SSO_OIDC_SCOPES")
    if scopes:
        app_settings["scope"] = scopes
    if _bool(env, "SSO_OIDC_TRUST_EMAIL", False):
        # For identity providers that never send email_verified although
        # they manage the addresses themselves (Entra ID, ADFS). Never on a
        # multi-tenant endpoint: any tenant could then claim anyone's address.
        path = urlsplit(server_url).path.lower()
        if any(f"/{tenant}" in path for tenant in _MULTI_TENANT):
            raise ImproperlyConfigured(
                "SSO_OIDC_TRUST_EMAIL=1 needs your own tenant in "
                "SSO_OIDC_SERVER_URL, not /common, /organizations or /consumers."
            )
        app_settings["verified_email"] = True
    return {
        "provider_id": OIDC_ID,
        "name": _get(env, "SSO_OIDC_NAME") or "SSO",
        "client_id": client_id,
        "secret": _get(env, "SSO_OIDC_CLIENT_SECRET"),
        "settings": app_settings,
    }


def saml_app(env: Mapping[str, str]) -> dict[str, Any] | None:
    entity_id = _get(env, "SSO_SAML_IDP_ENTITY_ID")
    sso_url = _get(env, "SSO_SAML_IDP_SSO_URL")
    cert = _get(env, "SSO_SAML_IDP_X509_CERT")
    metadata_url = _get(env, "SSO_SAML_IDP_METADATA_URL")
    if not (entity_id or sso_url or cert or metadata_url):
        return None
    idp: dict[str, str] = {"entity_id": entity_id}
    if metadata_url:
        idp["metadata_url"] = metadata_url
    else:
        if not (entity_id and sso_url and cert):
            raise ImproperlyConfigured(
                "SAML needs SSO_SAML_IDP_ENTITY_ID, SSO_SAML_IDP_SSO_URL and "
                "SSO_SAML_IDP_X509_CERT (or SSO_SAML_IDP_METADATA_URL)."
            )
        idp.update(sso_url=sso_url, x509cert=_pem_body(cert))
        slo_url = _get(env, "SSO_SAML_IDP_SLO_URL")
        if slo_url:
            idp["slo_url"] = slo_url
    if not entity_id:
        raise ImproperlyConfigured("SAML needs SSO_SAML_IDP_ENTITY_ID.")
    mapping = {}
    for field, defaults in SAML_DEFAULT_ATTRIBUTES.items():
        configured = _list(env, f"SSO_SAML_ATTR_{field.upper()}")
        mapping[field] = configured or defaults
    app_settings: dict[str, Any] = {
        "idp": idp,
        "attribute_mapping": mapping,
        # Fall back to the NameID when it is the email address.
        "use_nameid_for_email": _bool(env, "SSO_SAML_NAMEID_IS_EMAIL", False),
        # python3-saml always requires a signature (on the response or on the
        # assertion); these ask for one in a given place.
        "advanced": {
            "want_assertion_signed": _bool(
                env, "SSO_SAML_WANT_ASSERTION_SIGNED", False
            ),
            "want_message_signed": _bool(env, "SSO_SAML_WANT_MESSAGE_SIGNED", False),
            "reject_idp_initiated_sso": True,
        },
    }
    sp_entity_id = _get(env, "SSO_SAML_SP_ENTITY_ID")
    if sp_entity_id:
        app_settings["sp"] = {"entity_id": sp_entity_id}
    if _bool(env, "SSO_SAML_TRUST_EMAIL", False):
        app_settings["verified_email"] = True
    return {
        "provider_id": entity_id,
        "name": _get(env, "SSO_SAML_NAME") or "SSO",
        "client_id": SAML_ID,
        "settings": app_settings,
    }


def providers_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The ``SOCIALACCOUNT_PROVIDERS`` setting for the configured providers
    (empty without SSO). Refuses a half-configured provider, and SSO without
    SSO_ALLOWED_DOMAINS: just-in-time accounts must stay within the company."""
    providers: dict[str, Any] = {}
    oidc = oidc_app(env)
    if oidc:
        providers["openid_connect"] = {"APPS": [oidc]}
    saml = saml_app(env)
    if saml:
        providers["saml"] = {"APPS": [saml]}
    if providers and not allowed_domains(env):
        raise ImproperlyConfigured(
            "SSO is configured but SSO_ALLOWED_DOMAINS is empty: list the email "
            "domains whose people may log in (e.g. SSO_ALLOWED_DOMAINS=exemple.fr)."
        )
    return providers
