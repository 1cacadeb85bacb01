"""Export and erasure for a person of the HR file who has no account
(Gaspard), through the privacy office's pages, exactly as for an account."""

import html
import json

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from binome.accounts.models import AuditEvent, User
from binome.people.models import Person
from binome.programs.models import Enrolment, Goal, Invitation, PeopleImport

from .conftest import GASPARD_EMAIL, GASPARD_ID, GASPARD_NEEDLES
from .dump import occurrences


def _text(response):
    """The page as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


def _url(name, person):
    return reverse(f"privacy:admin_person_{name}", args=[person.pk])


@pytest.fixture
def office(client, admin_user):
    client.force_login(admin_user)
    return client


def test_gaspard_has_no_account(gaspard):
    # Every test below would prove nothing about accountless people otherwise.
    assert gaspard["person"].user is None
    assert not User.objects.filter(email__iexact=GASPARD_EMAIL).exists()


def test_json_export_holds_his_data(office, admin_user, gaspard):
    person = gaspard["person"]
    response = office.get(_url("json", person))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert f"binome-donnees-personne-{person.pk}-" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["subject"] == f"person:{person.pk}"
    sections = data["sections"]
    profile = sections["people.person"][0]
    assert (profile["email"], profile["employee_id"]) == (GASPARD_EMAIL, GASPARD_ID)
    assert profile["line_manager"] == "Bernard Lemoine"
    assert sections["accounts.user"] == []
    [enrolment] = sections["programs.enrolment"]
    assert enrolment["motivation"] == "GASPARD-PLANTED-MOTIVATION"
    assert enrolment["programme"] == "Vague 2027"
    [invitation] = sections["programs.invitation"]
    assert invitation["email"] == GASPARD_EMAIL and invitation["opened_at"]
    assert sections["programs.goal"][0]["title"] == "GASPARD-PLANTED-GOAL"
    assert sections["programs.skillwish"][0]["skill"] == "crcn-2-1"
    assert sections["skills.assessment"][0]["levels"] == {"crcn-2-1": 1}
    assert sections["matching.pairdecision"][0]["kind"] == "forbid"
    assert sections["matching.matchinground"][0]["unmatched"]
    assert sections["programs.peopleimport"][0]["file_name"] == "rh-gaspard.csv"
    assert sections["admin.logentry"][0]["change_message"].endswith("Œillet-Dupré")
    assert sections["django_tasks_database.dbtaskresult"]
    failed = [
        e for e in sections["accounts.auditevent"] if e["action"] == "login_failed"
    ]
    assert failed[0]["details"] == {"username": GASPARD_EMAIL}
    # Only his: another person's profile is not in it.
    assert "Lemoine" not in json.dumps(sections["programs.enrolment"])
    event = AuditEvent.objects.get(action="export")
    assert event.actor == admin_user
    assert event.target == f"person:{person.pk}"
    assert event.details["format"] == "json"


def test_the_next_export_lists_the_previous_one(office, gaspard):
    # The audit trail about him is part of his data, though he has no account.
    office.get(_url("json", gaspard["person"]))
    data = json.loads(office.get(_url("json", gaspard["person"])).content)
    exports = [
        e for e in data["sections"]["accounts.auditevent"] if e["action"] == "export"
    ]
    assert exports and exports[0]["by_self"] is False
    assert "ip_address" not in exports[0]  # the administrator's, not his


def test_readable_report_and_pdf(office, gaspard):
    person = gaspard["person"]
    page = office.get(_url("overview", person))
    assert page.status_code == 200
    text = _text(page)
    assert "Données personnelles de Gaspard Œillet-Dupré" in text
    assert "Cette personne n'a pas de compte" in text
    assert _url("erase", person) in text and _url("pdf", person) in text
    report = office.get(_url("report", person))
    assert report.status_code == 200
    assert "GASPARD-PLANTED-MOTIVATION" in report.content.decode()
    pdf = office.get(_url("pdf", person))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    formats = AuditEvent.objects.filter(action="export").values_list(
        "details__format", flat=True
    )
    assert sorted(formats) == ["html", "pdf"]


def _others(person):
    """Everyone else's profile and participations, and every account."""
    return (
        [model_to_dict(p) for p in Person.objects.exclude(pk=person.pk).order_by("pk")],
        [
            model_to_dict(e)
            for e in Enrolment.objects.exclude(person=person).order_by("pk")
        ],
        [
            {k: v for k, v in model_to_dict(u).items() if k != "last_login"}
            for u in User.objects.order_by("pk")
        ],
    )


def test_erasure_asks_for_his_address_then_erases_him(office, admin_user, gaspard):
    person = gaspard["person"]
    url = _url("erase", person)
    page = office.get(url)
    assert page.status_code == 200
    text = _text(page)
    assert "Tapez l'adresse e-mail de la personne pour confirmer" in text
    assert "La personne n'a pas de compte." in text
    # An invitation he never answered is no participation under way.
    assert "participation encore en cours" not in text

    wrong = office.post(url, {"confirm": "bernard@test.example"})
    assert wrong.status_code == 200
    assert "Ce n'est pas l'adresse de cette personne." in _text(wrong)
    assert Person.objects.get(pk=person.pk).first_name == "Gaspard"
    assert not AuditEvent.objects.filter(action="erasure").exists()

    assert occurrences(GASPARD_NEEDLES)  # the check below can fail
    before = _others(person)
    response = office.post(url, {"confirm": GASPARD_EMAIL.upper()})
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:admin_index")

    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Personne", "effacée")
    assert (person.email, person.employee_id, person.job_title) == ("", "", "")
    assert person.manager is None and person.interests == []
    # What the figures count stays.
    assert person.department.code == "finance" and person.level == 3
    enrolment = Enrolment.objects.get(pk=gaspard["enrolment"].pk)
    assert enrolment.motivation == "" and enrolment.status == "invited"
    assert Goal.objects.get(enrolment=enrolment).title == ""
    assert not PeopleImport.objects.filter(file_name="rh-gaspard.csv").exists()
    assert not Invitation.objects.filter(person=person).exists()
    assert occurrences(GASPARD_NEEDLES) == []

    event = AuditEvent.objects.get(action="erasure")
    assert event.actor == admin_user
    assert event.target == f"person:{person.pk}"
    assert event.details["by_self"] is False and event.details["withdrawn"] == 0
    assert event.details["tables"]["people.person"] == 1
    # Nothing else touched: the other people, their participations, the accounts.
    assert _others(person) == before
    # The administrator is still logged in, and he is no longer found.
    found = office.get(reverse("privacy:admin_index"), {"q": "Gaspard"})
    assert found.status_code == 200
    assert _url("overview", person) not in found.content.decode()


def test_without_an_address_the_full_name_confirms(office, org):
    person = Person.objects.create(
        organisation=org, first_name="Noé", last_name="Sansmail", employee_id="RH-77"
    )
    url = _url("erase", person)
    page = office.get(url)
    assert "Tapez le nom complet de la personne pour confirmer" in _text(page)
    assert 'type="text"' in page.content.decode()
    assert office.post(url, {"confirm": "Noé"}).status_code == 200
    assert Person.objects.get(pk=person.pk).last_name == "Sansmail"
    response = office.post(url, {"confirm": "  noé   SANSMAIL "})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.first_name, person.employee_id) == ("Personne", "")
    assert AuditEvent.objects.filter(
        action="erasure", target=f"person:{person.pk}"
    ).exists()


def test_a_person_with_an_account_is_erased_from_her_person_page_too(
    office, people, admin_user
):
    bernard = people["bernard"]
    response = office.post(_url("erase", bernard), {"confirm": bernard.email})
    assert response.status_code == 302
    user = User.objects.get(pk=bernard.user.pk)
    assert not user.is_active and user.email.endswith("@erased.invalid")
    # The account is the label the audit log already knows her by.
    assert AuditEvent.objects.filter(
        action="erasure", target=f"user:{user.pk}", actor=admin_user
    ).exists()
