"""A charter change is its author's acceptance and asks the partner (only)
to accept again; the partner is told by e-mail, in their language, and on
their home page, with what changed. KPI targets are part of the charter;
KPI progress is not."""

import datetime
import html
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from binome.pairs import notices, services
from binome.pairs.models import CharterChange, SentReminder


@pytest.fixture
def accepted(charter, enrolments):
    for who in ("camille", "bernard"):
        services.accept_charter(charter=charter, enrolment=enrolments[who])
    charter.refresh_from_db()
    return charter


def _edit(charter, by, on_commit, **data):
    with on_commit(execute=True):
        change = services.update_charter(charter=charter, data=data, by=by.user)
    charter.refresh_from_db()
    return change


def test_an_edit_keeps_the_author_s_acceptance_and_asks_only_the_partner(
    accepted, people, django_capture_on_commit_callbacks
):
    _edit(
        accepted, people["camille"], django_capture_on_commit_callbacks, cadence_days=21
    )
    assert accepted.mentor_accepted_at is not None  # Camille wrote it
    assert accepted.mentee_accepted_at is None  # Bernard is asked again
    assert not accepted.is_accepted
    assert [m.to for m in mail.outbox] == [["bernard@test.example"]]


def test_the_author_who_had_not_accepted_yet_accepts_by_editing(
    charter, people, django_capture_on_commit_callbacks
):
    _edit(
        charter,
        people["bernard"],
        django_capture_on_commit_callbacks,
        mentee_objectives="Publier sur LinkedIn",
    )
    assert charter.mentee_accepted_at is not None
    assert charter.mentor_accepted_at is None


def test_an_edit_that_changes_nothing_changes_no_acceptance_and_tells_nobody(
    accepted, people, django_capture_on_commit_callbacks
):
    before = (accepted.mentor_accepted_at, accepted.mentee_accepted_at)
    change = _edit(
        accepted,
        people["camille"],
        django_capture_on_commit_callbacks,
        cadence_days=accepted.cadence_days,
        location="",
    )
    assert change is None
    assert (accepted.mentor_accepted_at, accepted.mentee_accepted_at) == before
    assert accepted.is_accepted
    assert mail.outbox == []
    assert not CharterChange.objects.exclude(changes__has_key="accepted").exists()


def test_the_partner_s_e_mail_says_what_changed_in_their_language(
    accepted, people, django_capture_on_commit_callbacks
):
    bernard = people["bernard"].user
    bernard.language = "en"
    bernard.save()
    _edit(
        accepted,
        people["camille"],
        django_capture_on_commit_callbacks,
        cadence_days=21,
        format="onsite",
        location="Salle Turing",
    )
    [message] = mail.outbox
    assert message.to == ["bernard@test.example"]
    assert message.subject == (
        "Camille Rivière changed your pair charter: please read it and accept it again"
    )
    assert "Days between sessions: 14 → 21" in message.body
    assert "Format: Remote → On site" in message.body
    assert "Meeting place: (empty) → Salle Turing" in message.body
    assert f"/binomes/{accepted.pair_id}/charte/" in message.body


def test_the_e_mail_is_in_french_for_a_french_partner(
    accepted, people, django_capture_on_commit_callbacks
):
    _edit(
        accepted,
        people["bernard"],
        django_capture_on_commit_callbacks,
        session_minutes=45,
        ground_rules="Bienveillance.\nPonctualité.",
    )
    [message] = mail.outbox
    assert message.to == ["camille@test.example"]
    assert message.subject == (
        "Bernard Lemoine a modifié la charte de votre binôme : relisez-la et "
        "acceptez-la à nouveau"
    )
    assert "Durée d'une séance (minutes) : 30 → 45" in message.body
    assert "Après : Bienveillance." in message.body


def test_a_longer_text_shows_only_the_lines_removed_and_added(
    accepted, people, django_capture_on_commit_callbacks
):
    rules = accepted.ground_rules
    assert len(rules.splitlines()) >= 3
    _edit(
        accepted,
        people["bernard"],
        django_capture_on_commit_callbacks,
        ground_rules=rules + "\nOn coupe les notifications.",
    )
    [message] = mail.outbox
    assert "Ligne ajoutée : On coupe les notifications." in message.body
    assert rules.splitlines()[0] not in message.body  # unchanged lines: not repeated


def test_the_same_change_is_never_mailed_twice_by_a_retried_task(accepted, people):
    change = services.update_charter(
        charter=accepted, data={"cadence_days": 21}, by=people["camille"].user
    )
    assert change is not None
    assert notices.mail_charter_change.call(change.pk) == 1
    assert notices.mail_charter_change.call(change.pk) == 0
    assert len(mail.outbox) == 1
    assert SentReminder.objects.filter(key=str(change.pk)).count() == 1


def test_a_failed_send_is_retried_and_then_sent_once(accepted, people, monkeypatch):
    change = services.update_charter(
        charter=accepted, data={"cadence_days": 21}, by=people["camille"].user
    )
    assert change is not None

    def down(*args, **kwargs):
        raise ConnectionRefusedError("SMTP down")

    monkeypatch.setattr(notices, "send_mail", down)
    with pytest.raises(ConnectionRefusedError):
        notices.mail_charter_change.call(change.pk)
    assert not SentReminder.objects.exists()  # nothing recorded: retry sends
    monkeypatch.undo()
    assert notices.mail_charter_change.call(change.pk) == 1
    assert notices.mail_charter_change.call(change.pk) == 0


def test_the_e_mail_goes_out_through_smtp(
    accepted, people, smtp_server, django_capture_on_commit_callbacks
):
    _edit(
        accepted,
        people["camille"],
        django_capture_on_commit_callbacks,
        video_link="https://visio.example/nouveau",
    )
    [message] = smtp_server.to("bernard@test.example")
    body = smtp_server.body(message)
    assert "Lien de visioconférence : (vide) → https://visio.example/nouveau" in body
    assert smtp_server.to("camille@test.example") == []


def test_the_partner_sees_what_changed_on_their_home_page_until_they_accept(
    client, accepted, people, enrolments
):
    services.update_charter(
        charter=accepted, data={"cadence_days": 21}, by=people["camille"].user
    )
    client.force_login(people["bernard"].user)
    page = client.get("/").content.decode()
    assert "Camille Rivière a modifié la charte de votre binôme" in page
    assert "<del>14</del>" in page and "<ins>21</ins>" in page
    assert reverse("pairs:charter", args=[accepted.pair_id]) in page
    client.force_login(people["camille"].user)  # the author is not asked
    assert "a modifié la charte" not in client.get("/").content.decode()
    services.accept_charter(charter=accepted, enrolment=enrolments["bernard"])
    client.force_login(people["bernard"].user)
    assert "a modifié la charte" not in client.get("/").content.decode()


def test_the_page_shows_the_changes_and_saves_only_once_confirmed(
    camille, accepted, people, django_capture_on_commit_callbacks
):
    url = reverse("pairs:charter", args=[accepted.pair_id])
    data = {
        name: getattr(accepted, name)
        for name in (
            "mentee_objectives",
            "mentor_objectives",
            "format",
            "video_link",
            "location",
            "ground_rules",
        )
    }
    data.update(cadence_days=21, session_minutes=30, version=accepted.version)
    response = camille.post(url, data)
    assert response.status_code == 200  # a preview, nothing saved
    page = response.content.decode()
    assert "Vérifiez vos modifications" in page
    assert "<del>14</del>" in page and "<ins>21</ins>" in page
    accepted.refresh_from_db()
    assert accepted.cadence_days == 14 and accepted.is_accepted
    # A confirmation of another edit does not save this one.
    assert camille.post(url, {**data, "confirm": "0123456789abcdef"}).status_code == 200
    confirm = response.context["confirm"]
    with django_capture_on_commit_callbacks(execute=True):
        response = camille.post(url, {**data, "confirm": confirm})
    assert response.status_code == 302
    accepted.refresh_from_db()
    assert accepted.cadence_days == 21
    assert accepted.mentor_accepted_at and not accepted.mentee_accepted_at
    assert [m.to for m in mail.outbox] == [["bernard@test.example"]]


def test_saving_the_page_unchanged_says_so_and_keeps_both_acceptances(
    camille, accepted
):
    url = reverse("pairs:charter", args=[accepted.pair_id])
    data = {name: getattr(accepted, name) for name in accepted.EDITABLE_FIELDS}
    data["version"] = accepted.version
    assert "\n" in data["ground_rules"]
    # As a browser sends a textarea: CRLF line ends.
    data["ground_rules"] = data["ground_rules"].replace("\n", "\r\n")
    response = camille.post(url, data, follow=True)
    assert "Rien n'a changé dans la charte." in html.unescape(response.content.decode())
    accepted.refresh_from_db()
    assert accepted.is_accepted
    assert mail.outbox == []


def test_both_members_see_the_history_who_when_what(client, accepted, people):
    services.update_charter(
        charter=accepted,
        data={"format": "onsite", "location": "Salle Turing"},
        by=people["camille"].user,
    )
    for who in ("camille", "bernard"):
        client.force_login(people[who].user)
        page = client.get(
            reverse("pairs:charter", args=[accepted.pair_id])
        ).content.decode()
        assert "Camille Rivière" in page
        assert "<del>À distance</del>" in page and "<ins>Sur site</ins>" in page
        assert "<ins>Salle Turing</ins>" in page
        assert "a accepté la charte" in page


def test_a_new_kpi_is_a_charter_change_the_partner_is_told_about(
    camille, accepted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        camille.post(
            reverse("pairs:kpi_add", args=[accepted.pair_id]),
            {
                "title": "Pitch",
                "kpi": "trois minutes",
                "target_value": "3",
                "unit": "pitchs",
                "due_date": "2026-12-01",
            },
        )
    accepted.refresh_from_db()
    assert accepted.mentor_accepted_at and not accepted.mentee_accepted_at
    [message] = mail.outbox
    assert message.to == ["bernard@test.example"]
    assert "Nouvel indicateur : (vide) → Pitch" in message.body
    assert "Indicateur « Pitch » – valeur cible : (vide) → 3" in message.body
    assert "1 décembre 2026" in message.body


def test_a_changed_kpi_target_is_a_charter_change_but_progress_is_not(
    accepted, people, django_capture_on_commit_callbacks
):
    kpi = accepted.kpis.create(
        direction="mentee", title="LinkedIn", kpi="posts", target_value=Decimal(4)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.update_kpi(
            kpi=kpi, data={"current_value": Decimal(2)}, by=people["bernard"].user
        )
    accepted.refresh_from_db()
    assert accepted.is_accepted and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.update_kpi(
            kpi=kpi,
            data={"target_value": Decimal(6), "due_date": datetime.date(2026, 12, 1)},
            by=people["bernard"].user,
        )
    accepted.refresh_from_db()
    assert accepted.mentee_accepted_at and not accepted.mentor_accepted_at
    [message] = mail.outbox
    assert message.to == ["camille@test.example"]
    assert "Indicateur « LinkedIn » – valeur cible : 4 → 6" in message.body
