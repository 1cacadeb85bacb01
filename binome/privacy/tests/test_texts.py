"""The sentences of the GDPR pages, as they render in French and English:
no lost placeholder, no words glued together."""

import html
import re

import pytest
from django.urls import reverse

RETENTION = {
    "sessions": 1,
    "login_attempts": 90,
    "audit_log": 365,
    "admin_log": 365,
    "task_results": 30,
    "import_files": 30,
    "sent_reminders": 180,
    "closed_programmes": 730,
    "inactive_accounts": 0,
}


@pytest.fixture(autouse=True)
def _retention(settings):
    settings.PRIVACY_RETENTION_DAYS = RETENTION


def _text(response):
    """What a reader sees: tags removed, entities decoded, spaces collapsed."""
    assert response.status_code == 200
    body = response.content.decode()
    body = body[body.index("<main") :]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def office(client, admin_user):
    client.force_login(admin_user)
    return client


def test_the_retention_caption_keeps_its_placeholder(office):
    response = office.get(reverse("privacy:admin_index"))
    assert "RETENTION_&lt;CATEGORIE&gt;_DAYS" in response.content.decode()
    assert (
        "Réglée par les variables d'environnement RETENTION_<CATEGORIE>_DAYS ; "
        "la commande apply_retention l'applique."
    ) in _text(response)


def test_the_retention_caption_in_english(office):
    office.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = office.get(reverse("privacy:admin_index"))
    assert (
        "Set by the RETENTION_<CATEGORY>_DAYS environment variables; the "
        "apply_retention command applies it."
    ) in _text(response)


def test_the_retention_periods_read_as_sentences(login, people):
    text = _text(login(people["bernard"]).get(reverse("privacy:overview")))
    for sentence in (
        "Sessions de connexion et limites de connexion (cache partagé) : 1 jour, "
        "puis supprimées après leur expiration",
        "Connexions et connexions échouées (verrouillage) : 90 jours, puis supprimées",
        "Journal d'audit : 365 jours, puis supprimé",
        "Fichiers RH importés : 30 jours, puis supprimés",
        "Comptes inutilisés et hors de tout programme en cours : conservation "
        "tant que la plateforme est utilisée",
    ):
        assert sentence in text
    assert "puissupprim" not in text and "puis supprim" in text


def test_the_retention_periods_in_english(client, people):
    client.force_login(people["bernard"].user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = _text(client.get(reverse("privacy:overview")))
    assert "Audit log: 365 days, then deleted" in text
    assert (
        "Login sessions and login limits (shared cache): 1 day, "
        "then deleted after they expire" in text
    )
    assert "thendeleted" not in text
