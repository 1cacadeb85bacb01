"""A manager's friendly reminder to a pair (« relance »): a kind, editable
message, previewed, confirmed once, e-mailed to both members in their
language, never revealing why; audit-logged; the programme's managers only."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from binome.accounts.models import AuditEvent
from binome.pairs import nudges
from binome.pairs.models import Pair, SentReminder


@pytest.fixture(autouse=True)
def _after_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The e-mails leave after the commit: run those callbacks at the end of
    each request, as the commit of a real request would."""
    from django.test import Client

    post = Client.post

    def post_then_commit(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post_then_commit)


@pytest.fixture
def at_risk(pair):
    """Started on 1 October, no session since: at risk on 22 November."""
    Pair.objects.filter(pk=pair.pk).update(started_on=datetime.date(2026, 10, 1))
    pair.refresh_from_db()
    return pair


@pytest.fixture
def odile(login, people):
    return login(people["odile"])


def url(pair):
    return reverse("pairs:nudge", args=[pair.pk])


def form_data(page):
    """The form's fields as the page shows them (hidden and textarea)."""
    html = page.text
    data = dict(
        re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', html)
    )
    for name, text in re.findall(
        r'<textarea name="([a-z_]+)"[^>]*>\n?(.*?)</textarea>', html, re.S
    ):
        data[name] = text.replace("&#x27;", "'").replace("&amp;", "&")
    data.pop("csrfmiddlewaretoken", None)
    return data


def nothing_sent():
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="pair_nudged").exists()
    assert not SentReminder.objects.filter(kind=nudges.KIND).exists()


def test_the_page_offers_a_kind_prefilled_message_and_says_who_gets_it(odile, at_risk):
    mail.outbox.clear()
    page = odile.get(url(at_risk))
    assert page.status_code == 200
    assert "Je prends un moment pour prendre de vos nouvelles" in page.text
    assert "camille@test.example" in page.text
    assert "bernard@test.example" in page.text
    data = form_data(page)
    assert re.fullmatch(r"[0-9a-f]{32}", data["token"])
    nothing_sent()


def test_the_default_message_reveals_no_risk_signal(at_risk, people):
    odile = people["odile"].user
    for language in ("fr", "en"):
        text = nudges.default_message(at_risk, odile, language).lower()
        for word in (
            "inacti",
            "sans séance",
            "no session",
            "jours",
            "days",
            "note",
            "rating",
            "risk",
            "risque",
            "difficult",
            "avis",
            "feedback",
            "charte",
            "charter",
        ):
            assert word not in text, (language, word)


def test_a_preview_shows_each_email_and_sends_nothing(odile, at_risk):
    mail.outbox.clear()
    data = form_data(odile.get(url(at_risk)))
    page = odile.post(url(at_risk), data)
    assert page.status_code == 200
    assert "Vérifiez les e-mails, puis envoyez" in page.text
    assert "Odile Marchand vous écrit au sujet de votre binôme" in page.text
    assert "Bonjour Camille," in page.text and "Bonjour Bernard," in page.text
    assert 'name="confirm" value="1"' in page.text
    nothing_sent()


def test_confirming_sends_one_email_to_each_member_and_logs_it(odile, at_risk, people):
    data = form_data(odile.get(url(at_risk)))
    data["message_fr"] = "Bonjour à vous deux, un café bientôt ? Odile"
    mail.outbox.clear()
    response = odile.post(url(at_risk), {**data, "confirm": "1"})
    assert response.status_code == 302
    assert response.url == reverse("programme_health", args=["pilote"])
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bernard@test.example",
        "camille@test.example",
    ]
    for message in mail.outbox:
        assert message.subject == "Odile Marchand vous écrit au sujet de votre binôme"
        assert "un café bientôt ?" in message.body
        assert reverse("pairs:workspace", args=[at_risk.pk]) in message.body
        assert "odile@test.example" in message.body
        for word in ("inactif", "risque", "note", "séance tenue"):
            assert word not in message.body.lower()
    event = AuditEvent.objects.get(action="pair_nudged")
    assert event.actor_id == people["odile"].user.pk
    assert event.target == f"pair:{at_risk.pk}"
    assert event.details == {"programme": "pilote", "recipients": 2, "edited": True}
    # The audit never keeps the text.
    assert "café" not in str(event.details)


def test_a_double_submit_sends_once(odile, at_risk):
    data = {**form_data(odile.get(url(at_risk))), "confirm": "1"}
    mail.outbox.clear()
    odile.post(url(at_risk), data)
    again = odile.post(url(at_risk), data, follow=True)
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="pair_nudged").count() == 1
    assert "Cette relance est déjà partie." in again.text


def test_each_member_reads_it_in_their_language(odile, at_risk, people):
    bernard = people["bernard"].user
    bernard.language = "en"
    bernard.save()
    page = odile.get(url(at_risk))
    assert "Message en français" in page.text and "Message en anglais" in page.text
    data = form_data(page)
    assert data["message_en"].startswith("I am taking a moment")
    mail.outbox.clear()
    odile.post(url(at_risk), {**data, "confirm": "1"})
    by_address = {m.to[0]: m for m in mail.outbox}
    english = by_address["bernard@test.example"]
    assert english.subject == "A word from Odile Marchand about your pair"
    assert english.body.startswith("Hello Bernard,")
    assert "I am taking a moment" in english.body
    camille = by_address["camille@test.example"]
    assert "Je prends un moment pour prendre de vos nouvelles" in camille.body


def test_a_second_reminder_within_a_week_needs_a_word(odile, at_risk):
    odile.post(url(at_risk), {**form_data(odile.get(url(at_risk))), "confirm": "1"})
    mail.outbox.clear()
    page = odile.get(url(at_risk))
    assert "Une relance a déjà été envoyée à ce binôme" in page.text
    data = {**form_data(page), "confirm": "1"}
    refused = odile.post(url(at_risk), data)
    assert refused.status_code == 200
    assert "Cochez la case pour envoyer une nouvelle relance si tôt." in refused.text
    assert mail.outbox == []
    sent = odile.post(url(at_risk), {**data, "again": "on"})
    assert sent.status_code == 302
    assert len(mail.outbox) == 2
    assert AuditEvent.objects.filter(action="pair_nudged").count() == 2


def test_after_a_week_no_warning(odile, at_risk, people):
    SentReminder.objects.create(
        user=people["odile"].user,
        kind=nudges.KIND,
        key=f"{at_risk.pk}:old",
        sent_at=timezone.now() - datetime.timedelta(days=8),
    )
    page = odile.get(url(at_risk))
    assert "Une relance a déjà été envoyée" not in page.text
    assert 'name="again"' not in page.text


@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("", "Écrivez un message."),
        ("   ", "Écrivez un message."),
        ("x" * 2001, "au plus 2000 caractères"),
    ],
)
def test_a_bad_message_is_refused_next_to_the_field(odile, at_risk, message, error):
    data = {**form_data(odile.get(url(at_risk))), "message_fr": message}
    mail.outbox.clear()
    for extra in ({}, {"confirm": "1"}):
        page = odile.post(url(at_risk), {**data, **extra})
        assert page.status_code == 200
        assert error in page.text
        assert 'class="field-error"' in page.text
    nothing_sent()


def test_html_and_emoji_are_sent_as_typed(odile, at_risk):
    typed = "<script>alert(1)</script> <b>Courage</b> 🎉"
    data = {**form_data(odile.get(url(at_risk))), "message_fr": typed}
    preview = odile.post(url(at_risk), data)
    assert "<script>alert(1)</script>" not in preview.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in preview.text
    mail.outbox.clear()
    odile.post(url(at_risk), {**data, "confirm": "1"})
    assert typed in mail.outbox[0].body


def test_a_forged_token_is_refused(odile, at_risk):
    data = {**form_data(odile.get(url(at_risk))), "token": "x", "confirm": "1"}
    mail.outbox.clear()
    assert odile.post(url(at_risk), data).status_code == 200
    nothing_sent()


def test_changing_the_message_goes_back_to_the_form(odile, at_risk):
    data = {**form_data(odile.get(url(at_risk))), "message_fr": "Mon texte"}
    page = odile.post(url(at_risk), {**data, "edit": "1"})
    assert "<textarea" in page.text and "Mon texte" in page.text
    assert 'name="confirm"' not in page.text


@pytest.mark.parametrize("name", ["camille", "bernard", "ines", "victor", "xavier"])
def test_only_the_programmes_managers_may_nudge(login, people, at_risk, name):
    client = login(people[name])
    mail.outbox.clear()
    assert client.get(url(at_risk)).status_code == 404
    assert client.post(url(at_risk), {"confirm": "1"}).status_code == 404
    nothing_sent()


def test_a_closed_pair_cannot_be_nudged(odile, at_risk):
    at_risk.close()
    assert odile.get(url(at_risk)).status_code == 404


def test_the_health_page_links_each_pair_at_risk_to_its_nudge(odile, at_risk):
    page = odile.get(reverse("programme_health", args=["pilote"]))
    assert url(at_risk) in page.text


def test_the_reminder_leaves_through_smtp(odile, at_risk, smtp_server):
    data = {**form_data(odile.get(url(at_risk))), "confirm": "1"}
    assert odile.post(url(at_risk), data).status_code == 302
    received = smtp_server.messages
    assert sorted(m["To"] for m in received) == [
        "bernard@test.example",
        "camille@test.example",
    ]
    body = smtp_server.body(received[0])
    assert "Je prends un moment pour prendre de vos nouvelles" in body
    # « Answer me »: answers go to the manager who wrote, not the platform.
    assert {m["Reply-To"] for m in received} == {"odile@test.example"}
