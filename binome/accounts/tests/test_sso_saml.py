"""Single sign-on with SAML 2.0: configured from the SSO_SAML_* variables, and a
full round trip with a response signed by a test identity provider."""

import base64
import datetime
import uuid
import zlib
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.urls import reverse
from lxml import etree
from onelogin.saml2.constants import OneLogin_Saml2_Constants as SAML
from onelogin.saml2.utils import OneLogin_Saml2_Utils

from binome.accounts.models import AuditEvent, User

IDP = "https://idp.exemple.fr/saml/metadata"
IDP_SSO = "https://idp.exemple.fr/saml/sso"
HOST = "binome.exemple.fr"  # python3-saml refuses single-label hosts (testserver)
SP = f"http://{HOST}/compte/saml/sso/metadata/"
ACS = f"http://{HOST}/compte/saml/sso/acs/"


@pytest.fixture(scope="module")
def idp_keys():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "idp.exemple.fr")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


@pytest.fixture
def saml(client, settings, sso_settings, idp_keys):
    settings.ALLOWED_HOSTS = [HOST]
    client.defaults["HTTP_HOST"] = HOST  # browsers always send it
    sso_settings(
        {
            "SSO_SAML_NAME": "Annuaire SAML",
            "SSO_SAML_IDP_ENTITY_ID": IDP,
            "SSO_SAML_IDP_SSO_URL": IDP_SSO,
            # As some platforms store multi-line variables: literal "\n".
            "SSO_SAML_IDP_X509_CERT": idp_keys[1].replace("\n", "\\n"),
            "SSO_SAML_ATTR_EMAIL": "mail",
            "SSO_ALLOWED_DOMAINS": "exemple.fr",
        }
    )
    return idp_keys


def _instant(delta_minutes=0):
    moment = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        minutes=delta_minutes
    )
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"


def _attribute(name, value):
    return (
        f'<saml:Attribute Name="{name}">'
        f"<saml:AttributeValue>{value}</saml:AttributeValue></saml:Attribute>"
    )


def signed_response(keys, request_id, email, *, uid="nora-42", issuer=IDP):
    """What the identity provider posts back: a response signed with its key."""
    in_response_to = f' InResponseTo="{request_id}"' if request_id else ""
    xml = f"""<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"
 xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_{uuid.uuid4().hex}"
 Version="2.0" IssueInstant="{_instant()}" Destination="{ACS}"{in_response_to}>
<saml:Issuer>{issuer}</saml:Issuer>
<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>
</samlp:Status>
<saml:Assertion ID="_{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_instant()}">
<saml:Issuer>{issuer}</saml:Issuer>
<saml:Subject>
<saml:NameID Format="{PERSISTENT}">{uid}</saml:NameID>
<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
<saml:SubjectConfirmationData NotOnOrAfter="{_instant(5)}" Recipient="{ACS}"
 {in_response_to}/>
</saml:SubjectConfirmation>
</saml:Subject>
<saml:Conditions NotBefore="{_instant(-1)}" NotOnOrAfter="{_instant(5)}">
<saml:AudienceRestriction><saml:Audience>{SP}</saml:Audience></saml:AudienceRestriction>
</saml:Conditions>
<saml:AuthnStatement AuthnInstant="{_instant()}" SessionIndex="_session">
<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:Password</saml:AuthnContextClassRef></saml:AuthnContext>
</saml:AuthnStatement>
<saml:AttributeStatement>
{_attribute("mail", email)}
{_attribute("givenName", "Nora")}
{_attribute("sn", "Durand")}
</saml:AttributeStatement>
</saml:Assertion>
</samlp:Response>"""
    key_pem, cert_pem = keys
    signed = OneLogin_Saml2_Utils.add_sign(
        xml,
        key_pem,
        cert_pem,
        sign_algorithm=SAML.RSA_SHA256,
        digest_algorithm=SAML.SHA256,
    )
    return signed if isinstance(signed, bytes) else signed.encode()


def start_login(client):
    """Click the SAML button: the AuthnRequest id and the relay state."""
    response = client.post("/compte/saml/sso/login/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == IDP_SSO
    query = parse_qs(location.query)
    request_xml = zlib.decompress(base64.b64decode(query["SAMLRequest"][0]), -15)
    request = etree.fromstring(request_xml)
    assert request.get("AssertionConsumerServiceURL") == ACS
    return request.get("ID"), query.get("RelayState", [""])[0]


def post_to_acs(client, response_xml, relay_state=""):
    posted = client.post(
        "/compte/saml/sso/acs/",
        {
            "SAMLResponse": base64.b64encode(response_xml).decode(),
            "RelayState": relay_state,
        },
    )
    assert posted.status_code == 302
    return client.get(posted["Location"])


def test_metadata_is_built_from_the_environment(client, db, saml):
    response = client.get("/compte/saml/sso/metadata/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    root = etree.fromstring(response.content)
    assert root.get("entityID") == SP
    ns = {"md": "urn:oasis:names:tc:SAML:2.0:metadata"}
    acs = root.find(".//md:AssertionConsumerService", ns)
    assert acs.get("Location") == ACS


def test_the_login_page_offers_the_saml_button(client, db, saml):
    response = client.get(reverse("accounts:login"))
    assert "Se connecter avec Annuaire SAML" in response.text
    assert 'action="/compte/saml/sso/login/"' in response.text


def test_without_saml_variables_the_endpoints_do_not_exist(client, db, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert client.get("/compte/saml/sso/metadata/").status_code == 404
    assert client.post("/compte/saml/sso/login/").status_code == 404


def test_a_signed_response_logs_in_and_creates_the_account(client, db, saml):
    request_id, relay_state = start_login(client)
    response = post_to_acs(
        client, signed_response(saml, request_id, "nora@exemple.fr"), relay_state
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(email="nora@exemple.fr")
    assert (user.first_name, user.last_name) == ("Nora", "Durand")
    assert client.session["_auth_user_id"] == str(user.pk)
    login = AuditEvent.objects.get(action="login")
    assert login.details == {"method": "sso", "provider": IDP}


def test_a_tampered_response_is_refused(client, db, saml):
    request_id, relay_state = start_login(client)
    forged = signed_response(saml, request_id, "nora@exemple.fr").replace(
        b"nora@exemple.fr", b"odile@exemple.fr"
    )
    response = post_to_acs(client, forged, relay_state)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 401
    assert not User.objects.exists()


def test_a_response_signed_by_another_key_is_refused(client, db, saml):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    other_pem = other.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    request_id, relay_state = start_login(client)
    response = post_to_acs(
        client,
        signed_response((other_pem, saml[1]), request_id, "nora@exemple.fr"),
        relay_state,
    )
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    assert response.status_code == 401


def test_an_unsolicited_response_is_refused(client, db, saml):
    response = post_to_acs(client, signed_response(saml, None, "nora@exemple.fr"))
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    assert response.status_code == 401


def test_an_address_outside_the_allowed_domains_is_refused(client, db, saml):
    request_id, relay_state = start_login(client)
    response = post_to_acs(
        client, signed_response(saml, request_id, "eve@ailleurs.example"), relay_state
    )
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="login_failed").details["reason"] == (
        "sso_domain"
    )
