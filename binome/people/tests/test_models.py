import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from binome.people.models import SLOT_CODES, Department, Organisation, Person
from binome.tests.constraints import violates


def test_slot_codes_cover_five_weekdays_by_half_day():
    assert len(SLOT_CODES) == 10
    assert SLOT_CODES[0] == "mon-am" and SLOT_CODES[-1] == "fri-pm"


def test_employee_id_is_unique_within_an_organisation(org):
    Person.objects.create(
        organisation=org, first_name="A", last_name="B", employee_id="E1"
    )
    other = Organisation.objects.create(name="Autre", slug="autre")
    Person.objects.create(
        organisation=other, first_name="C", last_name="D", employee_id="E1"
    )
    # Blank IDs never collide: people without an HRIS id are allowed.
    Person.objects.create(organisation=org, first_name="E", last_name="F")
    Person.objects.create(organisation=org, first_name="G", last_name="H")
    with pytest.raises(
        IntegrityError, match=violates(Person, "person_employee_id_unique")
    ):
        Person.objects.create(
            organisation=org, first_name="I", last_name="J", employee_id="E1"
        )


def test_email_is_unique_within_an_organisation(org):
    Person.objects.create(
        organisation=org, first_name="A", last_name="B", email="a@x.fr"
    )
    with pytest.raises(IntegrityError, match=violates(Person, "person_email_unique")):
        Person.objects.create(
            organisation=org, first_name="C", last_name="D", email="a@x.fr"
        )


@pytest.mark.parametrize("level", [0, 6])
def test_level_outside_one_to_five_is_refused_by_the_database(org, level):
    with pytest.raises(IntegrityError, match=violates(Person, "person_level_range")):
        Person.objects.create(
            organisation=org, first_name="A", last_name="B", level=level
        )


def test_hire_year_must_be_plausible(org):
    with pytest.raises(
        IntegrityError, match=violates(Person, "person_hire_year_range")
    ):
        Person.objects.create(
            organisation=org, first_name="A", last_name="B", hire_year=1800
        )


def test_nobody_is_their_own_manager_in_the_database(people):
    camille = people["camille"]
    camille.manager_id = camille.pk
    with (
        pytest.raises(IntegrityError, match=violates(Person, "person_not_own_manager")),
        transaction.atomic(),
    ):
        camille.save()


def test_manager_cycle_is_refused_by_validation(people):
    camille, odile = people["camille"], people["odile"]
    camille.manager = odile
    camille.save()
    odile.manager = camille
    with pytest.raises(ValidationError) as excinfo:
        odile.full_clean()
    assert "manager" in excinfo.value.message_dict


def test_reporting_line_is_detected_up_the_chain(people):
    camille, odile, victor, bernard = (
        people["camille"],
        people["odile"],
        people["victor"],
        people["bernard"],
    )
    camille.manager = odile
    camille.save()
    odile.manager = victor
    odile.save()
    assert camille.in_reporting_line_with(victor)
    assert victor.in_reporting_line_with(camille)
    assert not camille.in_reporting_line_with(bernard)


def test_unknown_language_and_slot_are_refused(people):
    camille = people["camille"]
    camille.languages = ["fr", "klingon"]
    camille.availability = ["sun-am"]
    with pytest.raises(ValidationError) as excinfo:
        camille.full_clean()
    assert set(excinfo.value.message_dict) >= {"languages", "availability"}


def test_at_least_one_format_is_required(people):
    camille = people["camille"]
    camille.accepts_remote = camille.accepts_onsite = False
    with pytest.raises(ValidationError) as excinfo:
        camille.full_clean()
    assert "accepts_remote" in excinfo.value.message_dict


def test_department_belongs_to_the_same_organisation(org, people, departments):
    other = Organisation.objects.create(name="Autre", slug="autre")
    foreign = Department.objects.create(organisation=other, name="X", code="x")
    camille = people["camille"]
    camille.department = foreign
    with pytest.raises(ValidationError) as excinfo:
        camille.full_clean()
    assert "department" in excinfo.value.message_dict


def test_departments_form_a_tree_without_cycles(departments):
    dsi, data = departments["dsi"], departments["data"]
    assert data.root() == dsi
    assert dsi.root() == dsi
    dsi.parent = data
    with pytest.raises(ValidationError) as excinfo:
        dsi.full_clean()
    assert [e.code for e in excinfo.value.error_dict["parent"]] == ["cycle"]


def test_seniority_comes_from_the_hire_year(people):
    import datetime

    assert people["bernard"].seniority_years(datetime.date(2026, 11, 22)) == 28
