"""The mentor's certificate of participation: one A4 page a mentor can hand
to their boss, whatever the names and the number of skills."""

import datetime
import io
import re
from typing import Any

import pytest
from django.urls import reverse
from pypdf import PdfReader

from binome.accounts.models import User
from binome.pairs import closing
from binome.pairs.models import AgendaItem, Certificate, Meeting
from binome.people.models import Person
from binome.skills.models import Skill

DAY = datetime.datetime(2026, 10, 1, 9, tzinfo=datetime.UTC)
A4_WIDTH, A4_HEIGHT = 595.28, 841.89


@pytest.fixture
def sponsor(org, pilot):
    user = User.objects.create_user(
        email="sophie@test.example", first_name="Sophie", last_name="Garnier"
    )
    Person.objects.create(
        organisation=org,
        user=user,
        first_name="Sophie",
        last_name="Garnier",
        job_title="Directrice de la transformation",
    )
    pilot.sponsors.add(user)
    return user


@pytest.fixture
def held(pair):
    for day, minutes, code in ((0, 45, "crcn-2-1"), (14, 60, "crcn-3-1")):
        meeting = Meeting.objects.create(
            pair=pair,
            starts_at=DAY + datetime.timedelta(days=day),
            status="held",
            held_minutes=minutes,
        )
        AgendaItem.objects.create(
            meeting=meeting, text="Sujet", skill=Skill.objects.get(code=code)
        )
    Meeting.objects.create(pair=pair, starts_at=DAY, status="missed")


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(
        re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages
    ).replace("\u202f", " ")


def _pages(pdf: bytes) -> list[tuple[float, float]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]


def test_certificate_names_the_company_programme_dates_sessions_skills_and_signatory(
    enrolments, held, sponsor
):
    certificate = closing.issue_certificate(enrolment=enrolments["camille"])
    pdf = closing.certificate_pdf(certificate)
    assert _pages(pdf) == [pytest.approx((A4_WIDTH, A4_HEIGHT), abs=1)]
    text = _text(pdf)
    assert "Attestation de participation" in text
    assert "Camille Rivière" in text
    assert "GROUPE TEST" in text  # the company, in the letterhead
    assert "« Pilote »" in text and "de Groupe Test" in text
    assert "du 14 septembre 2026 au 18 décembre 2026" in text
    # The figures: the number above its label.
    assert re.search(r"\b2 ?séances tenues", text)
    assert re.search(r"1,8 h ?de mentorat", text)  # 105 minutes
    for code in ("crcn-2-1", "crcn-3-1"):
        assert Skill.objects.get(code=code).name_fr in text
    # The place for a signature: who signs, their title, a line, the date.
    assert "Sophie Garnier" in text and "Directrice de la transformation" in text
    assert "Signature" in text and "Date :" in text
    assert certificate.number in text
    # Nothing of the mentee: the certificate is the mentor's to hand out.
    assert "Bernard" not in text and "Lemoine" not in text


def test_certificate_follows_the_mentors_language(enrolments, held, people, sponsor):
    people["camille"].user.choose_language("en")
    certificate = closing.issue_certificate(enrolment=enrolments["camille"])
    text = _text(closing.certificate_pdf(certificate))
    assert "Certificate of participation" in text
    assert "from Sept. 14, 2026 to Dec. 18, 2026" in text
    assert re.search(r"\b2 ?sessions held", text)
    assert Skill.objects.get(code="crcn-2-1").name_en in text
    assert "Date:" in text
    # The engineer closing the programme may still ask for French.
    french = _text(closing.certificate_pdf(certificate, language="fr"))
    assert "Attestation de participation" in french


def test_without_a_sponsor_the_programmes_manager_signs(enrolments, held, people):
    certificate = closing.issue_certificate(enrolment=enrolments["camille"])
    text = _text(closing.certificate_pdf(certificate))
    assert "Odile Marchand" in text and "Responsable du programme" in text


def test_without_anyone_named_the_signatory_is_left_blank(enrolments, pilot, people):
    pilot.managers.clear()
    pilot.managers.add(User.objects.create_user(email="rh@test.example"))
    certificate = closing.issue_certificate(enrolment=enrolments["camille"])
    text = _text(closing.certificate_pdf(certificate))
    assert "Nom et fonction" in text and "rh@test.example" not in text
    assert re.search(r"\b0 ?séance tenue", text)


EXTREMES: dict[str, dict[str, Any]] = {
    "long names and emoji": {
        "first_name": "Marie-Clémentine-Éléonore 🦄🎉",
        "last_name": "de La Tour d'Auvergne-Lauraguais " * 4,
        "job_title": "Responsable 📊 " * 14,
        "programme": "Programme de mentorat inversé 🚀 " * 6,
        "company": "Société Anonyme des Établissements " * 5,
        "skills": 30,
    },
    "thirty skills": {"skills": 30},
    "emoji only": {"first_name": "🙂", "last_name": "🌟🌟", "skills": 3},
    "no session, no skill": {"skills": 0},
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("case", EXTREMES)
def test_certificate_fits_one_page_on_extreme_inputs(
    case, language, enrolments, people, pilot, org, sponsor
):
    data = EXTREMES[case]
    person = people["camille"]
    person.first_name = data.get("first_name", person.first_name)
    person.last_name = data.get("last_name", person.last_name)
    person.job_title = data.get("job_title", "Data analyst")
    person.save()
    pilot.name = data.get("programme", pilot.name)[:200]
    pilot.save()
    org.name = data.get("company", org.name)[:200]
    org.save()
    skills = Skill.objects.order_by("-name_fr")[: data["skills"]]
    assert len(skills) == data["skills"]
    certificate = Certificate.objects.create(
        enrolment=enrolments["camille"],
        sessions_held=0,
        minutes_held=0,
        skills=[
            {"code": s.code, "name_fr": s.name_fr, "name_en": s.name_en} for s in skills
        ],
    )
    certificate.enrolment.refresh_from_db()
    document = closing.certificate_document(certificate, language=language)
    assert len(document.pages) == 1
    text = _text(document.write_pdf())
    assert "Sophie Garnier" in text and "Signature" in text
    assert certificate.number in text
    for skill in skills:  # every skill is there, none cut off
        name = skill.name_fr if language == "fr" else skill.name_en
        assert name.split()[-1] in text


def test_the_mentor_downloads_a_one_page_certificate(login, enrolments, held, people):
    certificate = closing.issue_certificate(enrolment=enrolments["camille"])
    response = login(people["camille"]).get(
        reverse("insights:certificate", args=[certificate.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert len(_pages(response.content)) == 1


@pytest.mark.parametrize(
    ("day", "end"),
    [
        # Closed early on 4 December: the certificate ends that day.
        (datetime.date(2026, 12, 4), "au 4 décembre 2026"),
        # Closed after the end date: the planned end date stands.
        (datetime.date(2026, 12, 20), "au 18 décembre 2026"),
    ],
)
def test_the_certificate_ends_the_day_the_programme_closed(
    enrolments, held, people, pilot, day, end
):
    import time_machine

    from .conftest import paris

    with time_machine.travel(paris(day.year, day.month, day.day, 10, 0)):
        closing.close_programme(programme=pilot, by=people["odile"].user)
    certificate = Certificate.objects.get(enrolment=enrolments["camille"])
    text = _text(closing.certificate_pdf(certificate))
    assert f"du 14 septembre 2026 {end}" in text
