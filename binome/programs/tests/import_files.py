"""Hypothesis strategies for HRIS files: plausible, broken and hostile.

A file is drawn as a table, then written as CSV (in one of the encodings
and separators the import reads, or one it does not) or as XLSX, then
perhaps mutated byte by byte. The vocabularies are small, so that rows
share employee IDs and addresses, name each other as managers (loops
included) and meet the people already in the database; a few hostile
values (HTML, emoji, a formula, control characters, cells of 70,000 and
140,000 characters, digits that are not ASCII) stand in for the rest.
Each draw is a few choices, so a failing file shrinks to a small one.
"""

from __future__ import annotations

import codecs
import csv
import io
from typing import Any

from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from binome.programs.imports import HEADERS

# Employee IDs, shared with the people the fuzz tests create beforehand.
IDS = ["A1", "A2", "A3", "K1", "K2", "", " A1 "]
EMAILS = ["ana@test.example", "ANA@Test.example", "bob@test.example",
          "camille@test.example", "k1@test.example", "pas-un-mail", ""]  # fmt: skip
VALUES = ["1", "3", "5", "0", "6", "2.0", "2024", "1949", "3000", "fr", "fr|en",
          "klingon", "français;anglais", "mentor", "mentoré", "chef", "Finance",
          "finance", "FINANCE ", "Achats", "Lyon", "lyon", "財務"]  # fmt: skip
HOSTILE = ["<script>alert('x')</script>", "<b>gras</b> &amp;", "🦄👩‍💻🇫🇷",
           "=HYPERLINK(\"http://x\")", "a\x00b", "tab\there", "line\r\nbreak",
           "\u202eevil", "\ufeffbom", "²", "٣", "9" * 5000, "é" * 300,
           "x" * 70_000, "y" * 140_000, "\"quoted; with, separators\"",
           "\ufffd"]  # fmt: skip

cells = st.one_of(
    st.sampled_from(IDS),
    st.sampled_from(EMAILS),
    st.sampled_from(VALUES),
    st.sampled_from(HOSTILE),
    st.text(max_size=12),
    st.none(),
    st.integers(-5, 3000),
    st.floats(allow_nan=True, allow_infinity=True),
)

# Every alias of every column, and headers the import does not know.
ALIASES = [alias for aliases in HEADERS.values() for alias in aliases]
headers = st.lists(
    st.one_of(
        st.sampled_from(ALIASES),
        st.sampled_from(["", "Matricule ", "PRÉNOM", "nom\n", "inconnu", "🦄"]),
        st.text(max_size=8),
    ),
    max_size=16,
)


@st.composite
def tables(draw: Any) -> list[list[Any]]:
    """A header row (often the required columns, in any order) and rows of
    uneven length."""
    head = draw(headers)
    if draw(st.booleans()):
        head = draw(st.permutations(["matricule", "prénom", "nom", *head]))
    width = len(head)
    rows = draw(st.lists(st.lists(cells, min_size=0, max_size=width + 2), max_size=8))
    return [head, *rows]


# What each column usually holds, valid values first (Hypothesis starts from
# the first); one cell in sixteen is hostile instead.
COLUMNS: dict[str, list[Any]] = {
    "employee_id": ["A1", "A2", "A3", "A4", "A5", "A6", "K1", "K2", "", 7],
    "first_name": ["Ana", "Léa", "Zoé", "Ève"],
    "last_name": ["Lopez", "Müller", "N'Diaye"],
    "email": [*EMAILS, "", "", "zoe@test.example", "eve@test.example"],
    "job_title": ["Analyste", "", "Directrice"],
    "department": ["Finance", "finance ", "Achats", "財務", "財務部"],
    "site": ["Lyon", "LYON", "Nantes", ""],
    "level": ["1", "3", "5", 4, 4.0, "0", "2.0"],
    "manager_id": ["", "A1", "A2", "A3", "K1", "K2", "", "ZZ"],
    "hire_year": ["2024", 2020.0, "", "1949", "3000"],
    "languages": ["fr", "fr|en", "klingon", "français;anglais", "fr, xx", ""],
    "role": ["mentor", "mentoré", "", "chef"],
}


@st.composite
def plausible_tables(draw: Any) -> list[list[Any]]:
    """An HR export: the required columns and some others, in any order,
    under any of their names; rows that mostly make sense."""
    optional = [c for c in COLUMNS if c not in ("employee_id", "first_name",
                                                "last_name")]  # fmt: skip
    chosen = draw(st.permutations(
        ["employee_id", "first_name", "last_name",
         *[c for c in optional if draw(st.integers(0, 2))]]
    ))  # fmt: skip
    head = [draw(st.sampled_from(HEADERS[c])) for c in chosen]
    rows: list[list[Any]] = []
    for _ in range(draw(st.integers(0, 10))):
        row = []
        for column in chosen:
            roll = draw(st.integers(0, 15))  # shrinks towards a plain value
            if roll == 15:
                row.append(draw(st.sampled_from(HOSTILE)))
            elif column == "employee_id" and roll < 14:
                # Mostly one ID per row, so that the reporting lines matter.
                row.append(f"A{len(rows) + 1}")
            else:
                row.append(draw(st.sampled_from(COLUMNS[column])))
        if draw(st.integers(0, 9)) == 9:  # a short row
            row = row[: draw(st.integers(0, len(row)))]
        rows.append(row)
    return [head, *rows]


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252",
             "latin-1", "utf-32", "mac-roman"]  # fmt: skip


def _csv(table: list[list[Any]], delimiter: str, encoding: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in table:
        writer.writerow(["" if c is None else c for c in row])
    return buffer.getvalue().encode(encoding, "replace")


def _xlsx_cell(value: Any) -> Any:
    # What openpyxl can write: no control characters, 32,767 characters.
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:32_000]
    return value


def _xlsx(table: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in table:
        sheet.append([_xlsx_cell(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@st.composite
def well_formed_files(draw: Any) -> tuple[bytes, str]:
    """A table written out properly, as CSV or XLSX."""
    table = draw(plausible_tables() if draw(st.integers(0, 3)) else tables())
    if draw(st.integers(0, 3)) == 0:
        return _xlsx(table), draw(st.sampled_from(["rh.xlsx", "export"]))
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    encoding = draw(st.sampled_from(ENCODINGS))
    content = _csv(table, delimiter, encoding)
    if encoding == "utf-16-le" and draw(st.booleans()):
        content = codecs.BOM_UTF16_LE + content
    name = draw(st.sampled_from(["rh.csv", "rh.txt", "rh.xlsx", "", "a" * 300]))
    return content, name


@st.composite
def mutated(
    draw: Any, files: st.SearchStrategy[tuple[bytes, str]]
) -> tuple[bytes, str]:
    """A file with a few bytes flipped, dropped or inserted, or cut short."""
    content, name = draw(files)
    data = bytearray(content)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        kind = draw(st.integers(0, 3))
        if kind == 0:
            data[at] = draw(st.integers(0, 255))
        elif kind == 1:
            del data[at]
        elif kind == 2:
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        else:
            del data[at:]
    return bytes(data), name


@st.composite
def files(draw: Any) -> tuple[bytes, str]:
    """Mostly well-formed files, some mutated, a few random bytes."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.binary(max_size=600)), draw(
            st.sampled_from(["rh.csv", "rh.xlsx"])
        )
    file: tuple[bytes, str] = draw(
        mutated(well_formed_files()) if kind <= 2 else well_formed_files()
    )
    return file
