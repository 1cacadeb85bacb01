"""Every e-mail the platform sends exists in English: rendered for an English
reader, no French is left in it (and the French rendering is French)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from binome.accounts.notifications import render_email

# render_email looks for a text HR wrote in the administration (EmailText).
pytestmark = pytest.mark.django_db

EMAILS = Path(settings.BASE_DIR) / "templates" / "emails"
KINDS = sorted(
    p.name.removesuffix("_subject.txt") for p in EMAILS.glob("*_subject.txt")
)

# Plain ASCII values, so that any French in the output comes from the template.
CONTEXT = {
    "name": "Alex",
    "partner": "Sam Taylor",
    "mentor": "Sam Taylor",
    "mentee": "Alex Martin",
    "by": "Sam Taylor",
    "inviter": "Pat Lee",
    "programme": "Pilot",
    "organisation": "Acme",
    "url": "https://binome.example/x/",
    "days": 14,
    "count": 2,
    "starts_at": "2026-11-23T09:00:00+00:00",
    "due_date": "2026-11-20",
    "action": "Try three prompts",
    "message": "See you soon",
    "todo": ["profile", "assessment", "wishes", "goals", "preparation"],
    "role": "mentor",
    "has_account": True,
    "reminder": True,
}
FRENCH_WORDS = re.compile(
    r"\b(Bonjour|vous|votre|vos|une|des|les|est|pour|avec|dans|sur|séance|"
    r"équipe|merci|Merci|lien|jours?|au|aux|et)\b"
)
ACCENTS = re.compile(r"[àâçéèêëîïôûùœÀÉÈ]")


def test_every_kind_of_email_is_checked():
    assert len(KINDS) >= 18, KINDS


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["mentor", "mentee", "administrator", "manager"])
def test_an_email_for_an_english_reader_has_no_french(kind, role):
    subject, body = render_email(kind, CONTEXT | {"role": role}, "en")
    # Product names: Binôme, and the « café virtuel » (as in the interface).
    text = f"{subject}\n{body}".replace("Binôme", "Binome")
    text = text.replace("café virtuel", "cafe virtuel")
    assert not ACCENTS.findall(text), text
    assert not FRENCH_WORDS.findall(text), text
    french_subject, french_body = render_email(kind, CONTEXT | {"role": role}, "fr")
    assert (french_subject, french_body) != (subject, body)
