"""The preview refuses every row the confirmation would fail on, and warns
about the rows it imports with something missing."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from binome.people.models import Department, Person
from binome.programs import imports
from binome.programs.models import PeopleImport
from binome.tests.constraints import violates

HEAD = "matricule;prénom;nom;e-mail;matricule manager;langues;direction\n"


def _plan(programme, text):
    plan = imports.plan_import(text.encode(), "rh.csv", programme)
    assert plan.errors == []
    return {r.number: r for r in plan.rows}


def _apply(programme, text):
    upload = imports.store_upload(
        programme=programme, content=text.encode(), file_name="rh.csv", by=None
    )
    return imports.apply_import(upload=upload)


def _imported(prefix="D"):
    return set(
        Person.objects.filter(employee_id__startswith=prefix).values_list(
            "employee_id", flat=True
        )
    )


def test_two_rows_sharing_an_email_whatever_its_case_are_both_refused(recruiting):
    text = HEAD + (
        "D1;Ana;Lopez;ana@test.example;;;\n"
        "D2;Anne;Lopez;Ana@Test.example;;;\n"
        "D3;Bob;Roux;bob@test.example;;;\n"
    )
    rows = _plan(recruiting, text)
    assert rows[2].reasons == ["cette adresse e-mail figure aussi ligne 3"]
    assert rows[3].reasons == ["cette adresse e-mail figure aussi ligne 2"]
    assert rows[4].action == "create"
    _apply(recruiting, text)  # used to fail on person_email_unique
    assert _imported() == {"D3"}


def test_without_the_preview_check_the_database_would_refuse_the_file(
    recruiting, monkeypatch
):
    """The check above is what keeps the confirmation from failing: without
    it, the database refuses the second address, and nothing is written."""
    monkeypatch.setattr(imports._Planner, "_check_duplicates", lambda self, rows: None)
    text = (
        HEAD + "D1;Ana;Lopez;ana@test.example;;;\nD2;Anne;Lopez;ana@test.example;;;\n"
    )
    with pytest.raises(ValidationError, match="rien n'a donc été importé") as e:
        _apply(recruiting, text)
    assert isinstance(e.value.__cause__, IntegrityError)
    assert re.search(violates(Person, "person_email_unique"), str(e.value.__cause__))
    assert _imported() == set()
    assert PeopleImport.objects.get().applied_at is None


def test_rows_sharing_an_employee_id_are_all_refused_naming_the_others(recruiting):
    text = HEAD + "D1;Ana;Lopez;;;;\nD1;Anne;Lopez;;;;\nD1;Ann;Lopez;;;;\n"
    rows = _plan(recruiting, text)
    assert rows[2].reasons == ["ce matricule figure aussi lignes 3, 4"]
    assert rows[4].reasons == ["ce matricule figure aussi lignes 2, 3"]


def test_an_address_of_another_person_of_the_organisation_is_refused(
    recruiting, people
):
    people["bernard"].employee_id = "B9"
    people["bernard"].save()
    text = HEAD + (
        "D1;Ana;Lopez;BERNARD@test.example;;;\n"
        "D2;Paul;Roux;camille@test.example;;;\n"
        "B9;Bernard;Lemoine;bernard@test.example;;;\n"
    )
    rows = _plan(recruiting, text)
    assert rows[2].reasons == [
        "l'e-mail bernard@test.example appartient au salarié B9",
        "cette adresse e-mail figure aussi ligne 4",
    ]
    # Camille has no employee ID: the import must not give her address away.
    assert rows[3].reasons == [
        "l'e-mail camille@test.example appartient à une autre personne de "
        "l'organisation, sans matricule"
    ]
    _apply(recruiting, text)
    assert _imported() == set()


def test_a_missing_manager_and_the_people_under_a_refused_one(recruiting):
    text = HEAD + (
        "D1;Ana;Lopez;;ZZ;;\n"  # unknown manager
        "D2;Paul;Roux;pas-un-mail;;;\n"  # refused
        "D3;Zoé;Roux;;D2;;\n"  # their manager is refused
        "D4;Léo;Roux;;D3;;\n"  # and so is theirs
        "D5;Max;Roux;;D6;;\n"  # the manager comes later: fine
        "D6;Eva;Roux;;;;\n"
    )
    rows = _plan(recruiting, text)
    assert rows[2].reasons == ["le manager ZZ n'est ni dans le fichier ni connu"]
    assert rows[4].reasons == ["le manager D2 est rejeté (ligne 3)"]
    assert rows[5].reasons == ["le manager D3 est rejeté (ligne 4)"]
    assert [rows[n].action for n in (6, 7)] == ["create", "create"]
    _apply(recruiting, text)  # used to fail with a KeyError on D2
    assert _imported() == {"D5", "D6"}
    assert Person.objects.get(employee_id="D5").manager == Person.objects.get(
        employee_id="D6"
    )


def test_a_loop_through_a_person_already_known_is_refused(recruiting):
    _apply(recruiting, HEAD + "D1;Ana;Lopez;;;;\nD2;Paul;Roux;;D1;;\n")
    # D2 reports to D1; the new file makes D1 report to D2.
    text = HEAD + "D1;Ana;Lopez;;D2;;\n"
    rows = _plan(recruiting, text)
    assert rows[2].reasons == [
        "les managers forment une boucle : D1 → D2 → D1 (lignes 2)"
    ]
    _apply(recruiting, text)
    assert Person.objects.get(employee_id="D1").manager is None


def test_refusing_a_row_can_close_a_loop_that_is_refused_too(recruiting):
    _apply(recruiting, HEAD + "D1;Ana;Lopez;;D2;;\nD2;Paul;Roux;;;;\nD3;Léo;Roux;;;;\n")
    # D1 moves under D3 and D2 under D1: fine together. But D1's row is
    # refused, so D1 stays under D2, and D2 under D1 would close a loop.
    text = HEAD + "D1;Ana;Lopez;pas-un-mail;D3;;\nD2;Paul;Roux;;D1;;\n"
    rows = _plan(recruiting, text)
    assert rows[2].action == rows[3].action == "reject"
    assert rows[3].reasons == [
        "les managers forment une boucle : D2 → D1 → D2 (lignes 3)"
    ]
    _apply(recruiting, text)
    assert Person.objects.get(employee_id="D2").manager is None


def test_an_unknown_language_is_a_warning_and_left_out(recruiting, people):
    text = HEAD + "D1;Ana;Lopez;ana@test.example;;fr|klingon|en|elfique;\n"
    rows = _plan(recruiting, text)
    assert rows[2].action == "create" and rows[2].reasons == []
    assert rows[2].warnings == ["langues inconnues « klingon », « elfique », ignorées"]
    _apply(recruiting, text)
    assert Person.objects.get(employee_id="D1").languages == ["fr", "en"]
    # Only unknown languages: the ones already known stay.
    _apply(recruiting, HEAD + "D1;Ana;Lopez;ana@test.example;;klingon;\n")
    assert Person.objects.get(employee_id="D1").languages == ["fr", "en"]


def test_a_row_without_email_is_a_warning(recruiting):
    text = HEAD + "D1;Ana;Lopez;;;;\nD2;Paul;Roux;paul@test.example;;;\n"
    rows = _plan(recruiting, text)
    assert rows[2].action == "create"
    assert rows[2].warnings == [
        "pas d'adresse e-mail : cette personne pourra être appariée mais pas invitée"
    ]
    assert rows[3].warnings == []
    _apply(recruiting, text)
    assert _imported() == {"D1", "D2"}
    # A known address is kept when the file has none: no warning then.
    assert _plan(recruiting, HEAD + "D2;Paul;Roux;;;;\n")[2].warnings == []


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("D" * 65 + ";Ana;Lopez;;;;", "employee_id dépasse 64"),
        ("D1;" + "A" * 151 + ";Lopez;;;;", "first_name dépasse 150"),
        ("D1;Ana;" + "L" * 151 + ";;;;", "last_name dépasse 150"),
        ("D1;Ana;Lopez;" + "a" * 250 + "@t.fr;;;", "email dépasse 254"),
        ("D1;Ana;Lopez;;;;" + "F" * 201, "department dépasse 200"),
    ],
)
def test_values_longer_than_their_column_are_refused(recruiting, cell, reason):
    rows = _plan(recruiting, HEAD + cell + "\n")
    assert f"la colonne {reason} caractères" in rows[2].reasons
    before = Person.objects.count()
    _apply(recruiting, HEAD + cell + "\n")  # PostgreSQL would refuse them
    assert Person.objects.count() == before


def test_a_refused_row_creates_no_department(recruiting):
    _apply(recruiting, HEAD + "D1;Ana;;;;;Nouvelle direction\n")
    assert not Department.objects.filter(name="Nouvelle direction").exists()


def test_the_year_of_hire_follows_the_clock(recruiting):
    year = timezone.localdate().year
    head = "matricule;prénom;nom;année d'embauche\n"
    text = head + f"D1;Ana;Lopez;{year}\nD2;Paul;Roux;{year + 1}\nD3;Léo;Roux;1949\n"
    rows = _plan(recruiting, text)
    assert rows[2].values["hire_year"] == year
    assert rows[3].reasons == [
        f"« {year + 1} » n'est pas une année d'embauche (de 1950 à {year})"
    ]
    assert rows[4].action == "reject"


@pytest.mark.parametrize("value", ["²", "٣", "1" * 5000, "2.5", "-1"])
def test_odd_numbers_are_refused_not_crashed_on(recruiting, value):
    head = "matricule;prénom;nom;niveau;année d'embauche\n"
    rows = _plan(recruiting, head + f"D1;Ana;Lopez;{value};{value}\n")
    assert len(rows[2].reasons) == 2


def test_control_characters_are_cleaned_out(recruiting):
    text = 'matricule,prénom,nom\nD1,"A\x00na","Lo\npez"\n'
    rows = _plan(recruiting, text)
    assert rows[2].values["first_name"] == "A na"
    assert rows[2].values["last_name"] == "Lo pez"


def test_a_loop_is_reported_even_when_one_of_its_rows_is_refused(recruiting):
    text = HEAD + "D1;Ana;Lopez;pas-un-mail;D2;;\nD2;Paul;Roux;;D1;;\n"
    rows = _plan(recruiting, text)
    loop = "les managers forment une boucle : D1 → D2 → D1 (lignes 2, 3)"
    assert rows[2].reasons == ["« pas-un-mail » n'est pas une adresse e-mail", loop]
    # Not « manager D1 is refused »: the file itself is wrong.
    assert rows[3].reasons == [loop]
