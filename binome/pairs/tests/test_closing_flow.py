"""The one closing path: a preview, then the closing (survey, pairs, sessions,
certificates, archive), e-mails sent once, and reopening within the grace
period. The pilot runs until 18 December 2026; the story's « now » is
22 November, so closing now is closing early."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from binome.accounts.models import AuditEvent
from binome.pairs import closing
from binome.pairs.models import (
    Certificate,
    Meeting,
    Pair,
    ProgrammeClosing,
    ReminderPreference,
    SentReminder,
)
from binome.programs.models import Programme

from .conftest import paris

CLOSING_URL = "insights:closing"


@pytest.fixture
def odile(login, people):
    return login(people["odile"])


def _untouched(pilot, pair, meetings):
    pilot.refresh_from_db()
    pair.refresh_from_db()
    assert pilot.status == Programme.Status.RUNNING
    assert pair.status == Pair.Status.ACTIVE
    assert all(
        m.status == Meeting.Status.PLANNED
        for m in Meeting.objects.filter(pk__in=[m.pk for m in meetings])
    )
    assert not Certificate.objects.exists()
    assert not ProgrammeClosing.objects.exists()
    assert not SentReminder.objects.exists()
    assert not AuditEvent.objects.filter(action="programme_closed").exists()


def _text(response):
    """The page's text, with French non-breaking spaces as plain ones."""
    return response.content.decode().replace("\u00a0", " ")


def _close(client, pilot, on_commit):
    with on_commit(execute=True):
        return client.post(reverse(CLOSING_URL, args=[pilot.slug]), {"confirm": "1"})


def test_the_status_button_cannot_close_the_programme(
    odile, pilot, pair, meetings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        odile.post(reverse("programs:status", args=[pilot.slug]), {"status": "closed"})
    _untouched(pilot, pair, meetings)
    assert mail.outbox == []


def test_the_preview_names_who_and_what_and_changes_nothing(
    odile, pilot, pair, meetings, django_capture_on_commit_callbacks
):
    url = reverse(CLOSING_URL, args=[pilot.slug])
    with django_capture_on_commit_callbacks(execute=True):
        page = odile.get(url).content.decode()
        # A POST without the confirmation, or with junk, only shows the preview.
        for data in ({}, {"confirm": "yes"}, {"confirm": "1" * 10_000}, {"x": "<b>"}):
            response = odile.post(url, data)
            assert response.status_code == 200
            assert "Camille Rivière → Bernard Lemoine" in response.content.decode()
    _untouched(pilot, pair, meetings)
    assert mail.outbox == []
    # The two sessions still ahead (23 November, 7 December) are named.
    assert "1 binôme actif sera clôturé" in page
    assert "2 séances prévues seront annulées" in page
    assert "1 mentor recevra une attestation de participation" in page
    assert "2 personnes recevront le questionnaire de fin" in page
    assert "Camille Rivière → Bernard Lemoine" in page
    assert "7 décembre 2026" in page
    assert 'name="confirm" value="1"' in page


def test_closing_early_says_so(odile, pilot, pair, django_capture_on_commit_callbacks):
    page = _text(odile.get(reverse(CLOSING_URL, args=[pilot.slug])))
    assert "avant la date de fin (18/12/2026)" in page
    assert "26 jours plus tôt" in page
    assert "Clôturer en avance et archiver" in page
    _close(odile, pilot, django_capture_on_commit_callbacks)
    event = AuditEvent.objects.get(action="programme_closed")
    assert event.details["early"] is True
    assert event.details["end_date"] == "2026-12-18"
    page = _text(odile.get(reverse(CLOSING_URL, args=[pilot.slug])))
    assert "clôturé avant sa date de fin (18/12/2026)" in page


def test_closing_after_the_end_date_is_not_early(login, people, pilot, pair):
    with time_machine.travel(paris(2026, 12, 20, 9, 0)):
        odile = login(people["odile"])  # a session of that day
        page = _text(odile.get(reverse(CLOSING_URL, args=[pilot.slug])))
    assert "avant la date de fin" not in page
    assert "Clôturer et archiver le programme" in page


def test_closing_closes_pairs_cancels_sessions_and_mails_each_once(
    odile,
    pilot,
    pair,
    meetings,
    people,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    people["camille"].user.language = "en"
    people["camille"].user.save()
    response = _close(odile, pilot, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    pilot.refresh_from_db()
    pair.refresh_from_db()
    assert pilot.status == Programme.Status.CLOSED
    assert pair.status == Pair.Status.CLOSED
    assert pair.closed_on == datetime.date(2026, 11, 22)
    now = paris(2026, 11, 22, 10, 0)
    for meeting in meetings:
        before = meeting.sequence
        meeting.refresh_from_db()
        if meeting.starts_at >= now:
            assert meeting.status == Meeting.Status.CANCELLED
            assert meeting.sequence == before + 1
        else:  # past sessions are left to be logged held or missed
            assert meeting.status == Meeting.Status.PLANNED
    certificate = Certificate.objects.get(enrolment=pair.mentor)
    record = ProgrammeClosing.objects.get()
    assert record.pairs == [pair.pk]
    assert record.certificates == [certificate.pk]
    assert len(record.meetings) == 2

    survey_url = reverse("insights:survey", args=[pair.pk])
    (bernard,) = smtp_server.to("bernard@test.example")
    assert "questionnaire de fin" in bernard["Subject"]
    body = smtp_server.body(bernard)
    assert survey_url in body
    assert "Les 2 séances encore prévues sont annulées" in body
    camille = smtp_server.to("camille@test.example")
    assert len(camille) == 2
    survey, cert = sorted(camille, key=lambda m: "certificate" in m["Subject"])
    assert "final survey" in survey["Subject"]
    assert survey_url in smtp_server.body(survey)
    # The mentor's certificate, in the mentor's language, PDF attached.
    assert "Your certificate of participation" in cert["Subject"]
    (pdf,) = list(cert.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == f"certificat-{certificate.number}.pdf"
    assert pdf.get_content().startswith(b"%PDF")
    assert reverse("insights:certificate", args=[certificate.pk]) in (
        smtp_server.body(cert)
    )

    # A retried task, and a double submit, send nothing more.
    assert closing.send_closing_mail.call(record.pk) == 0
    response = _close(odile, pilot, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert len(smtp_server.messages) == 3
    assert ProgrammeClosing.objects.count() == 1
    assert Certificate.objects.count() == 1


def test_a_failed_email_goes_out_on_retry(
    odile, pilot, pair, settings, django_capture_on_commit_callbacks
):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    _close(odile, pilot, django_capture_on_commit_callbacks)
    assert not SentReminder.objects.exists()  # nothing marked as sent
    settings.MAILERS = {
        "default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    }
    assert closing.send_closing_mail.call(ProgrammeClosing.objects.get().pk) == 3
    assert closing.send_closing_mail.call(ProgrammeClosing.objects.get().pk) == 0
    assert len(mail.outbox) == 3


def test_calendars_show_the_cancelled_sessions(
    odile, pilot, pair, meetings, people, client, django_capture_on_commit_callbacks
):
    _close(odile, pilot, django_capture_on_commit_callbacks)
    last = meetings[-1]
    last.refresh_from_db()
    token = ReminderPreference.for_user(people["bernard"].user).feed_token
    feed = client.get(reverse("pairs:feed", args=[token])).content.decode()
    event = feed.split(f"UID:{last.uid}@binome")[1].split("END:VEVENT")[0]
    assert "STATUS:CANCELLED" in event
    assert f"SEQUENCE:{last.sequence}" in event
    client.force_login(people["bernard"].user)
    ics = client.get(reverse("pairs:meeting_ics", args=[pair.pk, last.pk]))
    assert "STATUS:CANCELLED" in ics.content.decode()


def test_mentors_find_their_certificate_in_their_space(
    odile, login, pilot, pair, people, django_capture_on_commit_callbacks
):
    _close(odile, pilot, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get()
    link = reverse("insights:certificate", args=[certificate.pk])
    camille = login(people["camille"])
    assert link in camille.get(reverse("pairs:list")).content.decode()
    assert link in camille.get(reverse("pairs:workspace", args=[pair.pk])).text
    bernard = login(people["bernard"])
    assert link not in bernard.get(reverse("pairs:list")).content.decode()
    assert link not in bernard.get(reverse("pairs:workspace", args=[pair.pk])).text


def test_reopening_within_the_grace_period_restores_the_programme(
    odile, login, people, pilot, pair, meetings, django_capture_on_commit_callbacks
):
    _close(odile, pilot, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    number = Certificate.objects.get().number
    url = reverse("insights:reopen", args=[pilot.slug])
    page = _text(odile.get(reverse(CLOSING_URL, args=[pilot.slug])))
    assert url in page and "pendant 30 jours" in page
    with time_machine.travel(paris(2026, 12, 2, 9, 0)):
        odile = login(people["odile"])
        # The confirmation first: nothing changes before it.
        preview = _text(odile.get(url))
        assert odile.post(url).status_code == 200
        pilot.refresh_from_db()
        assert pilot.status == Programme.Status.CLOSED
        assert "1 binôme sera de nouveau actif" in preview
        # 23 November is past: only 7 December comes back.
        assert "1 séance annulée sera de nouveau prévue" in preview
        assert "1 séance annulée par la clôture est passée" in preview
        assert number in preview
        with django_capture_on_commit_callbacks(execute=True):
            response = odile.post(url, {"confirm": "1"})
    assert response.status_code == 302
    pilot.refresh_from_db()
    pair.refresh_from_db()
    assert pilot.status == Programme.Status.RUNNING
    assert (pair.status, pair.closed_on) == (Pair.Status.ACTIVE, None)
    statuses = {
        m.starts_at.date(): m.status
        for m in Meeting.objects.filter(pk__in=[m.pk for m in meetings])
    }
    assert statuses[datetime.date(2026, 11, 23)] == Meeting.Status.CANCELLED
    assert statuses[datetime.date(2026, 12, 7)] == Meeting.Status.PLANNED
    assert not Certificate.objects.exists()
    event = AuditEvent.objects.get(action="programme_reopened")
    assert event.details["certificates_withdrawn"] == [number]
    assert event.details["sessions_restored"] == 1
    assert ProgrammeClosing.objects.get().reopened_at is not None
    # A double submit reopens nothing more and sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        again = odile.post(url, {"confirm": "1"}, follow=True)
    assert "Seul un programme clôturé depuis sa page de clôture" in _text(again)
    assert AuditEvent.objects.filter(action="programme_reopened").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bernard@test.example",
        "camille@test.example",
    ]
    camille = next(m for m in mail.outbox if m.to == ["camille@test.example"])
    assert "attestation de participation que vous avez reçue est retirée" in (
        camille.body
    )
    # Closed again later: both are told again (their last e-mail said the
    # pair was active), and a new certificate goes out.
    mail.outbox.clear()
    _close(odile, pilot, django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bernard@test.example",
        "camille@test.example",
        "camille@test.example",
    ]
    assert Certificate.objects.get().number != number


def test_reopening_after_the_grace_period_is_refused(
    odile, login, people, pilot, pair, django_capture_on_commit_callbacks
):
    _close(odile, pilot, django_capture_on_commit_callbacks)
    url = reverse("insights:reopen", args=[pilot.slug])
    with time_machine.travel(paris(2026, 12, 22, 9, 59)):
        odile = login(people["odile"])
        page = _text(odile.get(reverse(CLOSING_URL, args=[pilot.slug])))
        assert url in page  # 30 days: still open until 22 December, 10:00
    with time_machine.travel(paris(2026, 12, 22, 10, 1)):
        odile = login(people["odile"])
        page = _text(odile.get(reverse(CLOSING_URL, args=[pilot.slug])))
        assert url not in page
        assert "jusqu’au 22/12/2026. Il ne peut plus être rouvert" in page
        response = odile.post(url, {"confirm": "1"}, follow=True)
    assert "Il ne peut plus être rouvert" in _text(response)
    pilot.refresh_from_db()
    pair.refresh_from_db()
    assert pilot.status == Programme.Status.CLOSED
    assert pair.status == Pair.Status.CLOSED
    assert not AuditEvent.objects.filter(action="programme_reopened").exists()


def test_only_managers_reopen(login, odile, pilot, pair, people, on_commit_close):
    on_commit_close()
    url = reverse("insights:reopen", args=[pilot.slug])
    for who in ("camille", "bernard", "victor"):
        assert login(people[who]).post(url, {"confirm": "1"}).status_code == 404
    pilot.refresh_from_db()
    assert pilot.status == Programme.Status.CLOSED


@pytest.fixture
def on_commit_close(odile, pilot, django_capture_on_commit_callbacks):
    return lambda: _close(odile, pilot, django_capture_on_commit_callbacks)


def test_a_pair_closed_before_it_starts_ends_the_day_it_starts(pair):
    pair.started_on = datetime.date(2026, 12, 1)
    pair.save()
    pair.close()
    assert pair.closed_on == datetime.date(2026, 12, 1)


def test_a_closed_pair_plans_no_more_sessions(pair):
    from django.core.exceptions import ValidationError

    from binome.pairs import dates

    pair.close()
    with pytest.raises(ValidationError) as excinfo:
        dates.check_session_start(
            pair=pair,
            starts_at=paris(2026, 12, 1, 10, 0),
            now=paris(2026, 11, 22, 10, 0),
        )
    assert excinfo.value.code == "pair_closed"


def test_the_admin_cannot_close_or_reopen_either(pilot):
    from django.forms.models import model_to_dict

    from binome.programs.admin import ProgrammeAdminForm

    data = model_to_dict(pilot) | {"status": "closed"}
    form = ProgrammeAdminForm(data=data, instance=pilot)
    assert not form.is_valid()
    assert form.errors.as_data()["status"][0].code == "closing_required"
    pilot.status = "closed"
    form = ProgrammeAdminForm(data=data | {"status": "running"}, instance=pilot)
    assert not form.is_valid()
    assert form.errors.as_data()["status"][0].code == "closing_required"
    # Other steps stay as they were.
    pilot.status = "running"
    form = ProgrammeAdminForm(data=data | {"status": "running"}, instance=pilot)
    form.is_valid()
    assert "status" not in form.errors


def test_closing_again_tells_everyone_once_per_closing(
    odile,
    login,
    people,
    pilot,
    pair,
    meetings,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    """Closed, reopened, closed again: each closing tells each participant
    once; whoever answered the survey meanwhile is thanked, not asked again;
    the preview says so, by name."""
    survey_url = reverse("insights:survey", args=[pair.pk])
    _close(odile, pilot, django_capture_on_commit_callbacks)
    first = ProgrammeClosing.objects.get()
    assert len(smtp_server.to("bernard@test.example")) == 1
    assert len(smtp_server.to("camille@test.example")) == 2  # + certificate
    closing.submit_survey(
        pair=pair,
        enrolment=pair.mentee,
        confidence_before=2,
        confidence_after=4,
        satisfaction=5,
        would_recommend=True,
    )
    with time_machine.travel(paris(2026, 11, 25, 9, 0)):
        odile = login(people["odile"])
        with django_capture_on_commit_callbacks(execute=True):
            odile.post(reverse("insights:reopen", args=[pilot.slug]), {"confirm": "1"})
        reopened = len(smtp_server.messages)
        page = _text(odile.get(reverse(CLOSING_URL, args=[pilot.slug])))
        assert "1 personne recevra le questionnaire de fin" in page
        assert "1 personne a déjà répondu au questionnaire de fin" in page
        surveyed = page.split("recevra le questionnaire de fin")[1]
        surveyed = surveyed.split("a déjà répondu")[0]
        thanked = page.split("a déjà répondu")[1].split("</ul>")[0]
        assert "Camille Rivière</li>" in surveyed
        assert "Bernard Lemoine" not in surveyed
        assert "Bernard Lemoine</li>" in thanked
        assert "Camille Rivière" not in thanked
        _close(odile, pilot, django_capture_on_commit_callbacks)
    second = ProgrammeClosing.objects.exclude(pk=first.pk).get()
    new = smtp_server.messages[reopened:]
    bernard = [m for m in new if m["To"] == "bernard@test.example"]
    camille = [m for m in new if m["To"] == "camille@test.example"]
    assert len(bernard) == 1
    assert len(camille) == 2  # the closing with the survey, the certificate
    body = smtp_server.body(bernard[0]).replace("\u00a0", " ")
    assert "est clôturé, et votre binôme" in body
    assert "déjà répondu au questionnaire de fin : merci" in body
    assert survey_url not in body
    assert "questionnaire" not in bernard[0]["Subject"]
    (camille_closed,) = [m for m in camille if "questionnaire" in m["Subject"]]
    assert survey_url in smtp_server.body(camille_closed)
    # A retried task sends nothing more, for either closing.
    count = len(smtp_server.messages)
    assert closing.send_closing_mail.call(second.pk) == 0
    assert len(smtp_server.messages) == count
    assert SentReminder.objects.filter(kind="programme_closed").count() == 4
