import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from binome.people.models import Department, Person, Site
from binome.programs import imports
from binome.programs.models import Enrolment, PeopleImport

CSV = (
    "\ufeffMatricule;Prénom;Nom;E-mail;Poste;Direction;Site;Niveau;Matricule manager;"
    "Année d'embauche;Langues;Rôle\n"
    "A1;Léa;Martin;lea.martin@test.example;Analyste;Finance;Lyon;1;B2;2024;fr|en;mentor\n"
    "B2;Paul;Durand;paul.durand@test.example;Directeur;Finance;Lyon;4;;2001;français;\n"
    "C3;Zoé;Roux;zoe.roux@test.example;Cheffe de projet;Achats;Nantes;5;B2;1998;fr;"
    "mentorée\n"
)


def _upload(programme, content, name="rh.csv"):
    if isinstance(content, str):
        content = content.encode("utf-8")
    return imports.store_upload(
        programme=programme, content=content, file_name=name, by=None
    )


def test_dry_run_writes_nothing_and_says_what_would_happen(recruiting, people):
    before = Person.objects.count()
    plan = imports.plan_import(CSV.encode(), "rh.csv", recruiting)
    assert [r.action for r in plan.rows] == ["create", "create", "create"]
    assert plan.new_departments == ["Achats"] and plan.new_sites == ["Lyon", "Nantes"]
    assert Person.objects.count() == before
    assert not Department.objects.filter(name="Achats").exists()


def test_import_writes_people_enrolments_and_managers(recruiting, people):
    imports.apply_import(upload=_upload(recruiting, CSV))
    lea = Person.objects.get(employee_id="A1")
    assert (lea.first_name, lea.level, lea.hire_year) == ("Léa", 1, 2024)
    assert lea.department and lea.site and lea.manager
    assert lea.languages == ["fr", "en"] and lea.department.name == "Finance"
    assert lea.site.name == "Lyon" and lea.manager.employee_id == "B2"
    assert Person.objects.get(employee_id="B2").languages == ["fr"]
    roles = dict(recruiting.enrolments.values_list("person__employee_id", "role"))
    assert roles == {"A1": "mentor", "C3": "mentee"}
    # Imported people are invited: nobody is enrolled without consenting.
    assert set(recruiting.enrolments.values_list("status", flat=True)) == {"invited"}


def test_importing_the_same_file_again_changes_nothing(recruiting, people):
    imports.apply_import(upload=_upload(recruiting, CSV))
    counts = (
        Person.objects.count(),
        Enrolment.objects.count(),
        Department.objects.count(),
    )
    plan = imports.plan_import(CSV.encode(), "rh.csv", recruiting)
    assert {r.action for r in plan.rows} == {"unchanged"}
    imports.apply_import(upload=_upload(recruiting, CSV))
    assert (
        Person.objects.count(),
        Enrolment.objects.count(),
        Department.objects.count(),
    ) == counts


def test_a_changed_row_is_an_update(recruiting, people):
    imports.apply_import(upload=_upload(recruiting, CSV))
    changed = CSV.replace("Analyste", "Data analyst")
    plan = imports.plan_import(changed.encode(), "rh.csv", recruiting)
    assert [r.action for r in plan.rows] == ["update", "unchanged", "unchanged"]
    assert plan.rows[0].changes == ["job_title"]
    imports.apply_import(upload=_upload(recruiting, changed))
    assert Person.objects.get(employee_id="A1").job_title == "Data analyst"


def test_each_rejection_has_its_row_number_and_reason(recruiting, people):
    bad = (
        "matricule,prénom,nom,e-mail,niveau,rôle,matricule manager,langues\n"
        "X1,Ana,Lopez,pas-un-mail,9,chef,ZZ,klingon\n"
        "X1,Ana,Lopez,,1,,,\n"
        ",Sans,Matricule,,1,,,\n"
        "X2,Bon,Client,bon@test.example,2,mentor,,fr\n"
    )
    plan = imports.plan_import(bad.encode(), "rh.csv", recruiting)
    rows = {r.number: r for r in plan.rows}
    assert rows[2].action == "reject"
    assert set(rows[2].reasons) == {
        "« pas-un-mail » n'est pas une adresse e-mail",
        "le niveau doit être un nombre entier de 1 à 5",
        "le manager ZZ n'est ni dans le fichier ni connu",
        "le rôle doit être mentor ou mentoré, pas « chef »",
        "ce matricule figure aussi ligne 3",
    }
    # An unknown language is not a reason to refuse a row.
    assert "langue inconnue « klingon », ignorée" in rows[2].warnings
    assert rows[3].reasons == ["ce matricule figure aussi ligne 2"]
    assert rows[4].reasons == ["le matricule est vide"]
    assert rows[5].action == "create"
    imports.apply_import(upload=_upload(recruiting, bad))
    assert list(
        Person.objects.filter(employee_id__startswith="X").values_list(
            "employee_id", flat=True
        )
    ) == ["X2"]


def test_missing_columns_and_unknown_encoding_are_clear_errors(recruiting):
    plan = imports.plan_import(b"nom;poste\nMartin;Analyste\n", "rh.csv", recruiting)
    assert plan.errors[0].startswith("Colonnes manquantes : employee_id, first_name")
    # 0x81 is neither UTF-8 here nor any character of Windows-1252.
    plan = imports.plan_import(b"matricule;pr\x81nom;nom\n", "rh.csv", recruiting)
    assert plan.errors == [
        "L'encodage du fichier n'est pas reconnu (ni UTF-8, ni UTF-16, ni "
        "Windows-1252). Enregistrez-le au format « CSV UTF-8 » et réessayez."
    ]


def test_comma_separated_english_headers_without_bom(recruiting):
    text = "employee_id,first_name,last_name,level\nE9,Ana,Lopez,2\n"
    plan = imports.plan_import(text.encode(), "hr.csv", recruiting)
    assert [(r.employee_id, r.action, r.values["level"]) for r in plan.rows] == [
        ("E9", "create", 2)
    ]


def test_xlsx_files_are_read(recruiting):
    book = Workbook()
    sheet = book.active
    sheet.append(["Matricule", "Prénom", "Nom", "Niveau"])
    sheet.append(["E10", "Ana", "Lopez", 3])
    buffer = io.BytesIO()
    book.save(buffer)
    plan = imports.plan_import(buffer.getvalue(), "rh.xlsx", recruiting)
    assert [(r.employee_id, r.values["level"]) for r in plan.rows] == [("E10", 3)]


def test_a_manager_loop_is_refused_in_the_preview_and_nothing_of_it_written(
    recruiting, people
):
    loop = "matricule;prénom;nom;matricule manager\nL1;A;A;L2\nL2;B;B;L1\nL3;C;C;\n"
    plan = imports.plan_import(loop.encode(), "rh.csv", recruiting)
    rows = {r.number: r for r in plan.rows}
    loop_reason = "les managers forment une boucle : L1 → L2 → L1 (lignes 2, 3)"
    assert rows[2].reasons == rows[3].reasons == [loop_reason]
    assert rows[4].action == "create"
    imports.apply_import(upload=_upload(recruiting, loop))
    assert set(
        Person.objects.filter(employee_id__startswith="L").values_list(
            "employee_id", flat=True
        )
    ) == {"L3"}


def test_a_file_is_imported_once(recruiting, people):
    upload = _upload(recruiting, CSV)
    imports.apply_import(upload=upload)
    with pytest.raises(ValidationError, match="déjà été importé"):
        imports.apply_import(upload=upload)


def test_upload_preview_then_confirm_through_the_pages(login, recruiting, people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(people["odile"])
    response = client.post(
        reverse("programs:import", args=["vague"]),
        {"file": SimpleUploadedFile("rh.csv", CSV.encode(), content_type="text/csv")},
    )
    upload = PeopleImport.objects.get()
    assert response["Location"] == reverse(
        "programs:import_preview", args=["vague", upload.pk]
    )
    preview = client.get(response["Location"])
    assert (
        "Achats" in preview.text
        and not Person.objects.filter(employee_id="A1").exists()
    )
    client.post(response["Location"])
    assert Person.objects.filter(employee_id__in=["A1", "B2", "C3"]).count() == 3
    assert Site.objects.filter(name="Nantes").exists()


@pytest.mark.parametrize("who", ["camille", "victor"])
def test_only_the_programmes_managers_import(
    login, recruiting, people, other_programme, who
):
    upload = _upload(recruiting, CSV)
    client = login(people[who])
    assert client.get(reverse("programs:import", args=["vague"])).status_code == 404
    url = reverse("programs:import_preview", args=["vague", upload.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert not Person.objects.filter(employee_id="A1").exists()


def test_an_import_is_audited(recruiting, people):
    from binome.accounts.models import AuditEvent

    upload = imports.store_upload(
        programme=recruiting,
        content=CSV.encode(),
        file_name="rh.csv",
        by=people["odile"].user,
    )
    imports.apply_import(upload=upload)
    event = AuditEvent.objects.get(action="import")
    assert event.actor == people["odile"].user
    assert event.details["create"] == 3 and event.details["file"] == "rh.csv"
