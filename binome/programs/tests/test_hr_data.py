"""HR-owned profile data: the participant reads it, cannot change it, and
asks HR for a correction, which the programme's managers decide."""

from html import unescape

import pytest
from django.core import mail
from django.urls import reverse

from binome.accounts.models import AuditEvent
from binome.people.models import Person, Site
from binome.privacy.erasure import erase_person
from binome.privacy.export import export_data
from binome.privacy.subject import Subject
from binome.programs import corrections, services
from binome.programs.models import Enrolment, ProfileCorrection


@pytest.fixture
def hr_person(people, org, departments):
    """Camille, as the HRIS import left her: every HR field set."""
    camille = people["camille"]
    camille.site = Site.objects.create(organisation=org, name="Lyon")
    camille.manager = people["odile"]
    camille.save()
    return camille


@pytest.fixture
def volunteer(recruiting, hr_person):
    return services.volunteer(
        programme=recruiting, person=hr_person, role="mentor", consent=True
    )


def _job(enrolment):
    return reverse("programs:profile_step", args=[enrolment.pk, "job"])


def test_the_wizard_ignores_posted_hr_values(
    login, volunteer, hr_person, departments, org
):
    other_site = Site.objects.create(organisation=org, name="Paris")
    response = login(hr_person).post(
        _job(volunteer),
        {
            "job_title": "Data analyst",
            "phone": "04 72 00 00 00",
            "level": 5,
            "hire_year": 1990,
            "department": departments["finance"].pk,
            "site": other_site.pk,
            "manager": "",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=hr_person.pk)
    assert (person.job_title, person.phone) == ("Data analyst", "04 72 00 00 00")
    assert person.level == 1
    assert person.hire_year == 2024
    assert person.department == departments["data"]
    assert person.site is not None and person.site.name == "Lyon"
    assert person.manager is not None and person.manager.first_name == "Odile"


def test_a_self_declared_level_cannot_reopen_a_closed_role(
    login, volunteer, hr_person, recruiting
):
    """The reported bypass: a junior set « Executive » to become a mentee."""
    assert recruiting.ineligibility_reasons(hr_person, "mentee")
    # A complete, otherwise valid step, so that only the level is refused.
    login(hr_person).post(
        _job(volunteer),
        {
            "job_title": "x",
            "level": 5,
            "department": hr_person.department_id,
            "site": hr_person.site_id,
        },
    )
    hr_person.refresh_from_db()
    assert hr_person.level == 1
    assert recruiting.ineligibility_reasons(hr_person, "mentee")


def test_the_hr_values_are_shown_read_only_with_a_way_to_ask(
    login, volunteer, hr_person
):
    html = unescape(login(hr_person).get(_job(volunteer)).text)
    assert "Selon votre dossier RH" in html
    assert "Junior (premières années)" in html
    assert "Odile Marchand" in html and "2024" in html
    assert 'name="level"' not in html and 'name="hire_year"' not in html
    assert 'name="department"' not in html and 'name="site"' not in html
    assert reverse("programs:my_corrections") in html


def test_empty_department_and_site_may_be_filled_once(
    login, recruiting, people, org, departments
):
    """No HR value (no HRIS import): the participant fills them in, once."""
    ines = people["ines"]
    ines.department = None
    ines.save()
    enrolment = services.volunteer(
        programme=recruiting, person=ines, role="mentor", consent=True
    )
    lyon = Site.objects.create(organisation=org, name="Lyon")
    client = login(ines)
    html = client.get(_job(enrolment)).text
    assert 'name="department"' in html and 'name="site"' in html
    assert 'name="level"' not in html
    client.post(
        _job(enrolment),
        {"department": departments["rh"].pk, "site": lyon.pk, "level": 5},
    )
    ines.refresh_from_db()
    assert (ines.department, ines.site, ines.level) == (departments["rh"], lyon, 1)
    # Now set: changing them is a correction for HR.
    client.post(_job(enrolment), {"department": departments["finance"].pk})
    ines.refresh_from_db()
    assert ines.department == departments["rh"]


def test_the_account_page_shows_the_hr_data_read_only(login, hr_person):
    html = unescape(login(hr_person).get(reverse("accounts:profile")).text)
    assert "Selon votre dossier RH" in html
    assert "Junior (premières années)" in html
    assert reverse("programs:my_corrections") in html
    assert "<form" not in html.split("Selon votre dossier RH")[1].split("</section>")[0]


def _ask(client, **data):
    return client.post(
        reverse("programs:my_corrections"),
        {"field": "level", "proposed_value": "2", "comment": "Promue en mars", **data},
    )


def test_a_request_reaches_the_programme_managers(
    login, volunteer, hr_person, recruiting
):
    mail.outbox.clear()
    client = login(hr_person)
    assert _ask(client).status_code == 302
    # A double submit asks once and says so next to the field.
    again = _ask(client)
    assert "Vous avez déjà demandé cette correction" in unescape(again.text)
    correction = ProfileCorrection.objects.get()
    assert (correction.field, correction.current_value, correction.proposed_value) == (
        "level",
        "Junior (premières années)",
        "2",
    )
    (message,) = mail.outbox
    assert message.to == ["odile@test.example"]
    assert "Camille Rivière" in message.subject
    assert "Promue en mars" in message.body
    assert reverse("programs:corrections", args=[recruiting.slug]) in message.body
    odile = login(recruiting.managers.get().person)
    detail = unescape(
        odile.get(reverse("programs:detail", args=[recruiting.slug])).text
    )
    assert "1 participant·e demande une correction" in detail
    page = odile.get(reverse("programs:corrections", args=[recruiting.slug])).text
    assert "Camille Rivière" in page and "Promue en mars" in page


def test_accepting_changes_the_value_with_an_audit_event(
    login, volunteer, hr_person, people, recruiting
):
    correction = corrections.ask_correction(
        person=hr_person, field="level", proposed_value="2", comment=""
    )
    mail.outbox.clear()
    url = reverse("programs:correction_decide", args=[recruiting.slug, correction.pk])
    response = login(people["odile"]).post(url, {"decision": "accept", "value": 2})
    assert response.status_code == 302
    hr_person.refresh_from_db()
    assert hr_person.level == 2
    correction.refresh_from_db()
    assert correction.status == "accepted"
    assert correction.decided_by == people["odile"].user
    event = AuditEvent.objects.get(action="hr_data_corrected")
    assert event.target == f"person:{hr_person.pk}"
    assert event.details["field"] == "level"
    assert event.details["old"] == "Junior (premières années)"
    (message,) = mail.outbox
    assert message.to == ["camille@test.example"]
    assert "niveau est désormais" in message.body
    # Deciding again changes nothing.
    login(people["odile"]).post(url, {"decision": "accept", "value": 4})
    hr_person.refresh_from_db()
    assert hr_person.level == 2


def test_rejecting_needs_a_message_which_the_person_receives(
    login, volunteer, hr_person, people, recruiting
):
    correction = corrections.ask_correction(
        person=hr_person, field="hire_year", proposed_value="2015"
    )
    mail.outbox.clear()
    url = reverse("programs:correction_decide", args=[recruiting.slug, correction.pk])
    odile = login(people["odile"])
    response = odile.post(url, {"decision": "reject", "answer": ""})
    assert response.status_code == 400
    assert "Expliquez-lui pourquoi." in response.text
    odile.post(url, {"decision": "reject", "answer": "Le dossier dit 2024."})
    correction.refresh_from_db()
    assert correction.status == "rejected"
    hr_person.refresh_from_db()
    assert hr_person.hire_year == 2024
    (message,) = mail.outbox
    assert "Le dossier dit 2024." in message.body
    mine = login(hr_person).get(reverse("programs:my_corrections")).text
    assert "Le dossier dit 2024." in mine


def test_only_the_persons_programme_managers_decide(
    login, volunteer, hr_person, people, recruiting, other_programme
):
    correction = corrections.ask_correction(
        person=hr_person, field="level", proposed_value="5"
    )
    # Victor runs another programme, where Camille does not take part.
    victor = login(people["victor"])
    url = reverse(
        "programs:correction_decide", args=[other_programme.slug, correction.pk]
    )
    assert victor.post(url, {"decision": "accept", "value": 5}).status_code == 404
    page = victor.get(reverse("programs:corrections", args=[other_programme.slug]))
    assert "Camille" not in page.text
    # Camille herself cannot decide on her own request.
    own = reverse("programs:correction_decide", args=[recruiting.slug, correction.pk])
    assert (
        login(hr_person).post(own, {"decision": "accept", "value": 5}).status_code
        == 404
    )
    hr_person.refresh_from_db()
    assert hr_person.level == 1
    # After her withdrawal the request leaves the programme's list.
    services.withdraw(enrolment=volunteer, erase=False)
    assert not ProfileCorrection.objects.for_programme(recruiting).exists()


def test_nobody_to_ask_is_said_plainly(login, people):
    response = _ask(login(people["xavier"]))
    assert "Personne aux RH ne peut encore recevoir votre demande" in unescape(
        response.text
    )
    assert not ProfileCorrection.objects.exists()


def test_corrections_are_exported_and_erased(volunteer, hr_person):
    corrections.ask_correction(
        person=hr_person, field="site", proposed_value="Paris", comment="Mutée"
    )
    subject = Subject.for_person(hr_person)
    rows = export_data(subject)["sections"]["programs.profilecorrection"]
    assert rows[0]["proposed_value"] == "Paris" and rows[0]["comment"] == "Mutée"
    erase_person(Subject.for_person(hr_person))
    assert not ProfileCorrection.objects.exists()
    assert Enrolment.objects.get(pk=volunteer.pk).status == "withdrawn"
