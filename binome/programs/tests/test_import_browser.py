"""The import in a real browser, on a phone and on a desktop: the template
to download, an Excel file in Windows-1252 with bad rows, a preview that
says it all in words, and a confirmation that imports the good rows.
Screenshots go to IMPORT_SHOTS when that variable names a folder."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from binome.people.models import Person
from conftest import assert_accessible

from .test_manager_browser import _log_in

pytestmark = pytest.mark.browser

# What French Excel saves as « CSV (séparateur : point-virgule) ».
EXCEL_CSV = (
    "Matricule;Prénom;Nom;E-mail;Direction;Niveau;Matricule manager;Langues;Rôle\r\n"
    "M1;Léa;Müller;lea@test.example;Générale;1;;fr|klingon;mentor\r\n"
    "M2;Hélène;Bérard;;Générale;5;M1;fr;mentorée\r\n"
    "M3;Zoé;Roux;zoe@test.example;Générale;4;M4;fr;mentorée\r\n"
    "M4;Noé;Roux;noe@test.example;Générale;4;M3;fr;mentor\r\n"
    "M5;Ève;Roux;Zoe@TEST.example;Générale;2;;fr;mentor\r\n"
    "M6;Yves;Roux;camille@test.example;Générale;2;;fr;mentor\r\n"
)


def _shot(page, name):
    folder = os.environ.get("IMPORT_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1280, 900)])
def test_an_excel_file_with_bad_rows(page, recruiting, people, tmp_path, width, height):
    page.set_viewport_size({"width": width, "height": height})
    _log_in(page, "odile@test.example")
    page.goto("/programmes/vague/import/")
    expect(
        page.get_by_role("link", name="Télécharger le modèle (Excel, .xlsx)")
    ).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le modèle (CSV)").click()
    assert download.value.suggested_filename == "modele-import-binome.csv"
    assert_accessible(page)
    _shot(page, f"import-{width}")

    excel = tmp_path / "export.csv"
    excel.write_bytes(EXCEL_CSV.encode("cp1252"))
    page.get_by_label("Export du SIRH (CSV ou XLSX)").set_input_files(str(excel))
    page.get_by_role("button", name="Prévisualiser l'import").click()
    expect(page.get_by_text("Encodage lu : Windows-1252")).to_be_visible()
    rejected = page.get_by_role("table", name="Lignes rejetées")
    expect(rejected).to_contain_text("les managers forment une boucle")
    expect(rejected).to_contain_text("cette adresse e-mail figure aussi ligne 4")
    expect(rejected).to_contain_text("appartient à une autre personne")
    warned = page.get_by_role("table", name="Lignes importées avec un avertissement")
    expect(warned).to_contain_text("Hélène Bérard")
    expect(warned).to_contain_text("pourra être appariée mais pas invitée")
    expect(warned).to_contain_text("langue inconnue « klingon », ignorée")
    assert_accessible(page)
    _shot(page, f"import-preview-{width}")
    # Nothing of the page's own content sticks out sideways, even on a phone
    # (the site's header does, on every page: not this page's doing).
    assert page.evaluate("document.querySelector('main').scrollWidth") <= width

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Import terminé : 2 créés, 0 mis à jour, 0 inchangés, 4 rejetés."
    )
    assert set(
        Person.objects.filter(employee_id__startswith="M").values_list(
            "first_name", flat=True
        )
    ) == {"Léa", "Hélène"}
