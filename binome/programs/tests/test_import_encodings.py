"""The files Excel and HR systems write: encodings, separators, the template."""

import codecs
import io
import re
import zipfile

import pytest
from django.utils.formats import number_format
from openpyxl import Workbook, load_workbook

from binome.programs import imports

ROWS = "matricule;prénom;nom;direction\nE1;Léa;Müller;Générale — Île‑de‑France\n"


def _read(programme, content, name="rh.csv"):
    plan = imports.plan_import(content, name, programme)
    assert plan.errors == []
    (row,) = plan.rows
    assert row.name == "Léa Müller" and row.reasons == []
    assert plan.new_departments == ["Générale — Île‑de‑France"]
    return plan


@pytest.mark.parametrize(
    ("content", "encoding"),
    [
        (ROWS.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + ROWS.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF16_LE + ROWS.encode("utf-16-le"), "UTF-16 LE"),
        (codecs.BOM_UTF16_BE + ROWS.encode("utf-16-be"), "UTF-16 BE"),
        (ROWS.encode("utf-16-le"), "UTF-16 LE"),
    ],
)
def test_unicode_files_are_read(recruiting, content, encoding):
    assert _read(recruiting, content).encoding == encoding


def test_excel_french_csv_in_windows_1252_is_read(recruiting):
    # What Excel writes for « CSV (séparateur : point-virgule) » in France:
    # « é » is the single byte 0xE9, « — » is 0x97.
    text = ROWS.replace("\u2011", "-")
    content = text.encode("cp1252")
    assert b"\xe9" in content and b"\x97" in content
    plan = imports.plan_import(content, "rh.csv", recruiting)
    assert plan.encoding == "Windows-1252"
    assert plan.rows[0].name == "Léa Müller"
    assert plan.new_departments == ["Générale — Île-de-France"]


def test_excel_unicode_text_is_utf16_separated_by_tabs(recruiting):
    # Excel's « Texte Unicode (*.txt) »: UTF-16 LE with its mark, tabs, CRLF.
    text = ROWS.replace(";", "\t").replace("\n", "\r\n")
    plan = _read(recruiting, codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "rh.txt")
    assert plan.encoding == "UTF-16 LE"


def test_a_broken_utf16_file_is_a_clear_error(recruiting):
    content = codecs.BOM_UTF16_LE + ROWS.encode("utf-16-le")[:-1]
    plan = imports.plan_import(content, "rh.csv", recruiting)
    assert plan.errors == [
        "Le fichier s'annonce en UTF-16 LE mais ne l'est pas. Enregistrez-le au "
        "format « CSV UTF-8 » et réessayez."
    ]


def test_an_old_excel_file_is_a_clear_error(recruiting):
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500)
    plan = imports.plan_import(content, "rh.xls", recruiting)
    assert "ancien fichier Excel (.xls)" in plan.errors[0]


def test_an_xlsx_file_has_no_text_encoding(recruiting):
    plan = imports.plan_import(imports.template_file("xlsx"), "rh.xlsx", recruiting)
    assert plan.encoding == "" and plan.errors == []


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_template_reads_back_as_three_new_people(recruiting, file_format):
    content = imports.template_file(file_format)
    plan = imports.plan_import(content, f"modele.{file_format}", recruiting)
    assert plan.errors == []
    assert [(r.employee_id, r.action, r.reasons) for r in plan.rows] == [
        ("M0001", "create", []),
        ("M0002", "create", []),
        ("M0003", "create", []),
    ]
    # The third example shows what a missing address means.
    assert [bool(r.warnings) for r in plan.rows] == [False, False, True]
    assert plan.rows[1].values["languages"] == ["fr", "en", "es"]


def test_the_template_has_the_french_headers(recruiting):
    expected = [
        "matricule", "prénom", "nom", "e-mail", "poste", "direction", "site",
        "niveau", "matricule manager", "année d'embauche", "langues", "rôle",
    ]  # fmt: skip
    csv_text = imports.template_file("csv").decode("utf-8")
    assert csv_text.startswith("\ufeff" + ";".join(expected) + "\r\n")
    sheet = load_workbook(io.BytesIO(imports.template_file("xlsx"))).active
    assert sheet is not None
    assert [c.value for c in next(sheet.iter_rows())] == expected


def test_a_sheet_claiming_to_be_huge_is_read_as_it_is(recruiting):
    """The size a workbook declares is not trusted: read as declared, each
    row would be padded to 16,384 columns (50,000 such rows: minutes and
    gigabytes)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["matricule", "prénom", "nom"])
    for n in range(20):
        sheet.append([f"E{n}", "Ana", "Lopez"])
    written = io.BytesIO()
    book.save(written)
    out = io.BytesIO()
    with zipfile.ZipFile(written) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                data, n = re.subn(
                    rb"</sheetPr>", b'</sheetPr><dimension ref="A1:XFD1048576"/>', data
                )
                assert n == 1
            dst.writestr(item, data)
    table = imports.read_table(out.getvalue(), "rh.xlsx")
    assert {len(row) for row in table.rows} == {3}
    plan = imports.plan_import(out.getvalue(), "rh.xlsx", recruiting)
    assert len(plan.rows) == 20 and plan.rows[-1].employee_id == "E19"


def test_a_file_of_too_many_rows_is_refused_without_reading_on(recruiting):
    content = ("matricule;prénom;nom\n" + "A;B;C\n" * 60_000).encode()
    plan = imports.plan_import(content, "rh.csv", recruiting)
    assert plan.errors == [
        f"Le fichier compte plus de {number_format(50_000, force_grouping=True)} "
        "lignes. Découpez-le et réessayez."
    ]
    assert "50\xa0000" in plan.errors[0] or "50\u202f000" in plan.errors[0]
