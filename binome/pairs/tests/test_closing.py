"""Closing a programme: final survey, certificates, talent opt-in, archive."""

import datetime
import io
from importlib import import_module

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from binome.pairs import closing
from binome.pairs.models import AgendaItem, Certificate, Meeting, Pair, TalentFlag
from binome.programs.models import ConsentRecord, Programme
from binome.skills.models import Skill

DAY = datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)


@pytest.fixture
def held(pair):
    meeting = Meeting.objects.create(
        pair=pair, starts_at=DAY, status="held", held_minutes=40
    )
    AgendaItem.objects.create(
        meeting=meeting, text="Prompts", skill=Skill.objects.get(code="crcn-2-1")
    )
    Meeting.objects.create(pair=pair, starts_at=DAY, status="missed")
    return meeting


def test_survey_is_private_to_the_pair(login, pair, people):
    url = reverse("insights:survey", args=[pair.pk])
    assert login(people["ines"]).get(url).status_code == 404
    assert login(people["odile"]).get(url).status_code == 404
    response = login(people["bernard"]).post(
        url,
        {
            "confidence_before": "2",
            "confidence_after": "4",
            "satisfaction": "5",
            "would_recommend": "yes",
            "comment": "Merci",
        },
    )
    assert response.status_code == 302
    survey = pair.closing_surveys.get()
    assert (survey.confidence_before, survey.confidence_after) == (2, 4)
    assert survey.would_recommend is True


def test_only_mentors_see_the_talent_opt_in(login, pair, people):
    url = reverse("insights:survey", args=[pair.pk])
    assert "talent_opt_in" not in login(people["bernard"]).get(url).text
    assert "talent_opt_in" in login(people["camille"]).get(url).text


def test_no_flag_without_the_mentors_opt_in(pair, enrolments, people):
    with pytest.raises(ValidationError) as excinfo:
        closing.flag_talent(enrolment=enrolments["camille"], by=people["odile"].user)
    assert excinfo.value.code == "no_opt_in"
    closing.submit_survey(
        pair=pair,
        enrolment=enrolments["camille"],
        confidence_before=3,
        confidence_after=4,
        satisfaction=5,
        would_recommend=True,
        talent_opt_in=True,
    )
    flag = closing.flag_talent(enrolment=enrolments["camille"], by=people["odile"].user)
    assert flag.is_flagged
    # Withdrawing the opt-in removes the flag with it.
    closing.set_talent_opt_in(enrolment=enrolments["camille"], opted_in=False)
    assert not TalentFlag.objects.exists()


def test_talent_opt_in_and_out_are_in_the_consent_register(enrolments):
    camille = enrolments["camille"]
    closing.set_talent_opt_in(enrolment=camille, opted_in=True)
    closing.set_talent_opt_in(enrolment=camille, opted_in=True)  # no duplicate
    record = ConsentRecord.objects.get(kind="talent_flag")
    assert record.notice_version == closing.TALENT_NOTICE_VERSION
    assert record.given_at == TalentFlag.objects.get().opted_in_at
    closing.set_talent_opt_in(enrolment=camille, opted_in=False)
    record.refresh_from_db()
    assert record.withdrawn_at is not None
    closing.set_talent_opt_in(enrolment=camille, opted_in=False)  # nothing to close
    assert ConsentRecord.objects.filter(kind="talent_flag").count() == 1


def test_backfill_migration_registers_earlier_talent_opt_ins(enrolments, people):
    TalentFlag.objects.create(enrolment=enrolments["camille"])
    migration = import_module("binome.pairs.migrations.0004_backfill_talent_consents")
    migration.backfill(apps, None)
    record = ConsentRecord.objects.get()
    assert record.kind == "talent_flag" and record.person == people["camille"]
    assert record.notice_version == "before-2026-11" and record.is_current


def test_closing_closes_pairs_issues_certificates_and_archives(
    login, pilot, pair, held, people
):
    response = login(people["odile"]).post(
        reverse("insights:closing", args=[pilot.slug]), {"confirm": "1"}
    )
    assert response.status_code == 302
    pilot.refresh_from_db()
    pair.refresh_from_db()
    assert pilot.status == Programme.Status.CLOSED
    assert pair.status == Pair.Status.CLOSED
    certificate = Certificate.objects.get(enrolment=pair.mentor)
    assert (certificate.sessions_held, certificate.minutes_held) == (1, 40)
    assert certificate.skills[0]["code"] == "crcn-2-1"
    # A second close is refused: the programme is archived.
    with pytest.raises(ValidationError) as excinfo:
        closing.close_programme(programme=pilot, by=people["odile"].user)
    assert excinfo.value.code == "not_running"


def test_certificate_pdf_lists_sessions_and_skills(login, pilot, pair, held, people):
    closing.close_programme(programme=pilot, by=people["odile"].user)
    certificate = Certificate.objects.get()
    url = reverse("insights:certificate", args=[certificate.pk])
    assert login(people["bernard"]).get(url).status_code == 404
    assert login(people["victor"]).get(url).status_code == 404
    response = login(people["camille"]).get(url)
    assert response["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Camille Rivière" in text
    assert Skill.objects.get(code="crcn-2-1").name_fr in text
    assert "Pilote" in text
    assert login(people["odile"]).get(url).status_code == 200


def test_closing_page_is_for_managers_only(login, pilot, people, pair):
    url = reverse("insights:closing", args=[pilot.slug])
    assert login(people["camille"]).get(url).status_code == 404
    assert login(people["odile"]).get(url).status_code == 200
