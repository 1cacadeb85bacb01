"""Import participants from an HRIS export (CSV or XLSX), dry run first.

``plan_import`` reads the file and says, row by row, what would be created,
updated or rejected (with the row number and the reason), writing nothing.
It checks everything the database would refuse, so that ``apply_import``,
which writes exactly that plan in one transaction, cannot fail on a row the
preview accepted. Rows are keyed on the employee ID, so importing the same
file again changes nothing.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from binome.accounts import audit
from binome.accounts.models import AuditEvent
from binome.people.models import LANGUAGE_CODES, Department, Person, Site

from .models import Enrolment, PeopleImport, Programme

logger = logging.getLogger(__name__)

# Accepted headers, compared without accents, case or punctuation. The first
# alias of each column is the header of the downloadable template.
HEADERS: dict[str, list[str]] = {
    "employee_id": ["matricule", "employee_id", "id", "identifiant", "id salarie"],
    "first_name": ["prénom", "first_name", "first name"],
    "last_name": ["nom", "last_name", "nom de famille", "last name"],
    "email": ["e-mail", "email", "courriel", "adresse e-mail", "mail"],
    "job_title": ["poste", "job_title", "intitule de poste", "fonction", "job title"],
    "department": ["direction", "department", "departement", "service"],
    "site": ["site", "etablissement", "lieu"],
    "level": ["niveau", "level", "niveau hierarchique"],
    "manager_id": ["matricule manager", "manager_id", "manager", "responsable"],
    "hire_year": ["année d'embauche", "hire_year", "embauche", "hire year"],
    "languages": ["langues", "languages"],
    "role": ["rôle", "role"],
}
LANGUAGE_NAMES = {
    "francais": "fr", "anglais": "en", "espagnol": "es", "allemand": "de",
    "italien": "it", "portugais": "pt", "arabe": "ar", "chinois": "zh",
    "french": "fr", "english": "en", "spanish": "es", "german": "de",
}  # fmt: skip
ROLES = {
    "mentor": Enrolment.Role.MENTOR, "mentore": Enrolment.Role.MENTEE,
    "mentoree": Enrolment.Role.MENTEE, "mentee": Enrolment.Role.MENTEE,
}  # fmt: skip
PERSON_FIELDS = ["first_name", "last_name", "email", "job_title", "level", "hire_year",
                 "languages"]  # fmt: skip
# The lengths of the columns the import writes (Person, Department, Site);
# a longer value is refused in the preview rather than cut or failing later.
MAX_LENGTHS = {
    "employee_id": 64, "first_name": 150, "last_name": 150, "email": 254,
    "job_title": 200, "department": 200, "site": 200, "manager_id": 64,
}  # fmt: skip
FIRST_HIRE_YEAR = 1950
# A 20 MB file holds far fewer people than this; a file claiming more (an
# XLSX whose sheet says it spans a million rows) is refused, not read.
MAX_ROWS = 50_000
MAX_COLUMNS = 200
# Values quoted back in messages are cut: a cell may hold a whole book.
QUOTED_LENGTH = 60

TEMPLATE_ROWS = [
    ["M0001", "Bernard", "Lemoine", "bernard.lemoine@exemple.fr",
     "Directeur financier", "Finance", "Paris", "5", "", "1998", "fr|en", "mentoré"],
    ["M0002", "Camille", "Rivière", "camille.riviere@exemple.fr", "Data analyst",
     "Data et IA", "Lyon", "1", "M0003", "2024", "fr|en|es", "mentor"],
    ["M0003", "Odile", "Marchand", "", "Responsable RH", "Ressources humaines",
     "Lyon", "4", "", "2005", "fr", ""],
]  # fmt: skip


def _key(text: str) -> str:
    """Compare names without case, accents or extra spaces; other letters
    (Chinese, Arabic…) are kept, so that distinct names stay distinct."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    )
    return re.sub(r"[\s_]+", " ", plain.strip().casefold().replace("’", "'"))


HEADER_INDEX = {
    _key(alias): name for name, aliases in HEADERS.items() for alias in aliases
}


@dataclass
class RowPlan:
    number: int  # the row number in the file, header = 1
    employee_id: str
    name: str
    action: str  # create, update, unchanged, reject
    reasons: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    role: str = ""
    changes: list[str] = field(default_factory=list)
    # Imported all the same: the person can be matched, something is missing.
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    new_departments: list[str]
    new_sites: list[str]
    errors: list[str]  # problems with the whole file
    encoding: str = ""  # the text encoding a CSV file was read in

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self) -> bool:
        return not self.errors and any(r.action != "reject" for r in self.rows)

    @property
    def warned(self) -> list[RowPlan]:
        return [r for r in self.rows if r.warnings and r.action != "reject"]


@dataclass
class Table:
    headers: list[str]
    rows: list[list[Any]]
    encoding: str = ""


# Reading ------------------------------------------------------------------------

_BOMS = [
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
]


def decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the name of its encoding.

    An ordered try, not a statistical guess: a byte-order mark says UTF-8 or
    UTF-16; UTF-16 without one shows as zero bytes every other byte; else
    UTF-8, which nearly never decodes text written in another encoding; else
    Windows-1252, what Excel writes for « CSV (séparateur : point-virgule) »
    in France. The same file always reads the same way.
    """
    for bom, codec, label in _BOMS:
        if content.startswith(bom):
            return _decode(content[len(bom) :], codec, label), label
    sample = content[:4096]
    if len(sample) >= 4 and sample.count(0) * 3 >= len(sample):
        odd_zeros = sample[1::2].count(0)
        even_zeros = sample[0::2].count(0)
        for codec, label, likely in (
            ("utf-16-le", "UTF-16 LE", odd_zeros > 2 * even_zeros),
            ("utf-16-be", "UTF-16 BE", even_zeros > 2 * odd_zeros),
        ):
            if likely:
                try:
                    return content.decode(codec), label
                except UnicodeDecodeError:
                    pass  # only zeros in it, then: try the others
    try:
        return content.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "The encoding of the file is not recognised (neither UTF-8, "
                "UTF-16 nor Windows-1252). Save it as « CSV UTF-8 » and try again."
            )
        ) from None


def _decode(content: bytes, codec: str, label: str) -> str:
    try:
        return content.decode(codec)
    except UnicodeDecodeError:
        raise ValidationError(
            _(
                "The file says it is in %(encoding)s but is not. Save it as "
                "« CSV UTF-8 » and try again."
            )
            % {"encoding": label}
        ) from None


def read_rows(content: bytes, file_name: str) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of the file (see ``read_table``)."""
    table = read_table(content, file_name)
    return table.headers, table.rows


def read_table(content: bytes, file_name: str) -> Table:
    """Headers and rows of a CSV (UTF-8, UTF-16 or Windows-1252; ``,``, ``;``
    or tab-separated) or XLSX file. Raises ValidationError with a plain
    message, whatever the bytes."""
    if content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise ValidationError(
            _(
                "This is an old Excel file (.xls). Save it as an Excel workbook "
                "(.xlsx) or as « CSV UTF-8 » and try again."
            )
        )
    if content.startswith(b"PK\x03\x04") or file_name.lower().endswith(".xlsx"):
        headers, rows = _read_xlsx(content)
        return Table(headers, rows)
    text, encoding = decode(content)
    headers, rows = _read_csv(text)
    return Table(headers, rows, encoding)


def _read_csv(text: str) -> tuple[list[str], list[list[Any]]]:
    first = text.split("\n", 1)[0]
    # The separator of the header row; on a tie, the first of this list.
    delimiter = max([";", "\t", ","], key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = _first_rows(reader)
    except csv.Error:
        raise ValidationError(
            _("The CSV file cannot be read (line %(line)s).")
            % {"line": reader.line_num}
        ) from None
    if not lines:
        return [], []
    return [str(h) for h in lines[0]], lines[1:]


def _read_xlsx(content: bytes) -> tuple[list[str], list[list[Any]]]:
    from openpyxl import load_workbook

    # openpyxl raises a dozen kinds of errors on a damaged workbook (zip,
    # XML, key, value, type errors…), while reading the sheet too.
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet: Any = book.active
        if sheet is None or not hasattr(sheet, "iter_rows"):
            return [], []
        # The sheet's declared size may be a lie (A1:XFD1048576): read the
        # cells that are there instead of padding every row to that size.
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()
        lines = _first_rows(sheet.iter_rows(values_only=True))
        book.close()
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(_("The Excel file cannot be read.")) from None
    if not lines:
        return [], []
    return [_text(h) for h in lines[0]], lines[1:]


def _first_rows(rows: Iterable[Iterable[Any]]) -> list[list[Any]]:
    lines: list[list[Any]] = []
    for row in rows:
        if len(lines) > MAX_ROWS:
            raise ValidationError(
                _("The file has more than %(count)s rows. Split it and try again.")
                % {"count": number_format(MAX_ROWS, force_grouping=True)}
            )
        lines.append(list(row)[:MAX_COLUMNS])
    return lines


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def _text(value: Any) -> str:
    """A cell as clean text: no control characters (PostgreSQL cannot store
    a NUL; line breaks have no place in a name)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return _CONTROL.sub(" ", str(value)).strip()


def _quoted(value: str) -> str:
    return value if len(value) <= QUOTED_LENGTH else value[: QUOTED_LENGTH - 1] + "…"


def _rows_list(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in sorted(numbers))


def _others(group: list[RowPlan]) -> list[tuple[RowPlan, list[int]]]:
    """Each row of a group of duplicates, with the numbers of the others."""
    if len(group) < 2:
        return []
    return [(row, [r.number for r in group if r is not row]) for row in group]


# Planning -----------------------------------------------------------------------


def plan_import(content: bytes, file_name: str, programme: Programme) -> ImportPlan:
    """What the import would do, writing nothing; every row ``apply_import``
    would fail on is rejected here. O(rows), after a few bulk reads."""
    try:
        table = read_table(content, file_name)
    except ValidationError as error:
        return ImportPlan([], [], [], list(error.messages))
    headers = table.headers
    columns = {}
    for index, header in enumerate(headers):
        name = HEADER_INDEX.get(_key(_text(header)))
        if name and name not in columns:
            columns[name] = index
    missing = [
        c for c in ("employee_id", "first_name", "last_name") if c not in columns
    ]
    if missing:
        found = ", ".join(_quoted(_text(h)) for h in headers if _text(h))
        message = _("Missing columns: %(columns)s. Found: %(found)s.") % {
            "columns": ", ".join(missing),
            "found": found or "—",
        }
        return ImportPlan([], [], [], [message], table.encoding)
    if not table.rows:
        return ImportPlan([], [], [], [_("The file has no row.")], table.encoding)
    plan = _Planner(programme, columns).plan(table)
    plan.encoding = table.encoding
    return plan


class _Planner:
    """The checks of one file against one organisation, in passes: each row
    on its own, then the rows against each other and the database, then the
    reporting lines (which depend on which rows are accepted)."""

    def __init__(self, programme: Programme, columns: dict[str, int]) -> None:
        self.programme = programme
        self.columns = columns
        organisation = programme.organisation
        people = list(Person.objects.filter(organisation=organisation))
        self.existing = {p.employee_id: p for p in people if p.employee_id}
        self.by_email = {p.email.lower(): p for p in people if p.email}
        # Reporting lines as they stand. A person without an employee ID is
        # known by a key no file can hold: control characters are cleaned
        # out of every cell.
        by_pk = {p.pk: p for p in people}
        self.node_of = {p.pk: p.employee_id or f"\x00{p.pk}" for p in people}
        self.current_manager = {
            self.node_of[p.pk]: self.node_of.get(p.manager_id)
            for p in people
            if p.manager_id and p.manager_id in by_pk
        }
        departments = list(organisation.departments.all())
        self.departments = {_key(d.name): d for d in departments} | {
            _key(d.code): d for d in departments
        }
        self.sites = {_key(s.name): s for s in organisation.sites.all()}
        self.ids_by_pk = {p.pk: p.employee_id for p in people}
        self.enrolled = set(
            programme.enrolments.values_list("person__employee_id", "role")
        )
        # Row number -> the department and site as written in the file.
        self.names: dict[int, dict[str, str]] = {}

    def plan(self, table: Table) -> ImportPlan:
        rows: list[RowPlan] = []
        for number, raw in enumerate(table.rows, start=2):
            cell = {
                name: _text(raw[i]) if i < len(raw) else ""
                for name, i in self.columns.items()
            }
            if any(cell.values()):
                rows.append(self._row(number, cell))
        self._check_duplicates(rows)
        self._check_managers(rows)
        new: dict[str, dict[str, str]] = {"department": {}, "site": {}}
        known: dict[str, dict[str, Any]] = {
            "department": self.departments,
            "site": self.sites,
        }
        for row in rows:
            if row.reasons:
                row.action = "reject"
                continue
            self._finish(row)
            for column, name in self.names.get(row.number, {}).items():
                key = row.values[column]
                if key not in known[column]:
                    new[column].setdefault(key, name)
        return ImportPlan(
            rows,
            sorted(new["department"].values()),
            sorted(new["site"].values()),
            [],
        )

    def _row(self, number: int, cell: dict[str, str]) -> RowPlan:
        row = RowPlan(
            number=number,
            employee_id=cell["employee_id"],
            name=_quoted(f"{cell['first_name']} {cell['last_name']}".strip()),
            action="create",
        )
        reasons = row.reasons
        for name, limit in MAX_LENGTHS.items():
            # An email is stored in lower case, which may lengthen it (« İ »).
            value = (
                cell.get(name, "").lower() if name == "email" else cell.get(name, "")
            )
            if len(value) > limit:
                reasons.append(
                    _("column %(column)s is longer than %(max)s characters")
                    % {"column": name, "max": limit}
                )
        if len(row.employee_id) > MAX_LENGTHS["employee_id"]:
            row.employee_id = _quoted(row.employee_id)
        if not cell["employee_id"]:
            reasons.append(_("the employee ID is empty"))
        for name in ("first_name", "last_name"):
            if not cell[name]:
                reasons.append(_("column %(column)s is empty") % {"column": name})
        values: dict[str, Any] = {
            "first_name": cell["first_name"],
            "last_name": cell["last_name"],
        }
        person = self.existing.get(cell["employee_id"])
        email = cell.get("email", "").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                reasons.append(
                    _("« %(value)s » is not an email address")
                    % {"value": _quoted(email)}
                )
            else:
                values["email"] = email
                owner = self.by_email.get(email)
                if owner is not None and owner != person:
                    if owner.employee_id:
                        reasons.append(
                            _("the email %(email)s belongs to employee %(id)s")
                            % {"email": email, "id": owner.employee_id}
                        )
                    else:
                        reasons.append(
                            _(
                                "the email %(email)s belongs to another person of "
                                "the organisation, who has no employee ID"
                            )
                            % {"email": email}
                        )
        if "email" not in values and (person is None or not person.email):
            row.warnings.append(
                _("no email address: this person can be matched but not invited")
            )
        if "job_title" in cell:
            values["job_title"] = cell["job_title"]
        level = cell.get("level", "")
        if level:
            if re.fullmatch(r"0*[1-5]", level):
                values["level"] = int(level)
            else:
                reasons.append(_("the level must be a whole number from 1 to 5"))
        elif person is None:
            values["level"] = Person.Level.JUNIOR
        year = cell.get("hire_year", "")
        if year:
            now = timezone.localdate().year
            if re.fullmatch(r"[0-9]{4}", year) and FIRST_HIRE_YEAR <= int(year) <= now:
                values["hire_year"] = int(year)
            else:
                reasons.append(
                    _("« %(value)s » is not a year of hire (%(first)s to %(last)s)")
                    % {"value": _quoted(year), "first": FIRST_HIRE_YEAR, "last": now}
                )
        if cell.get("languages"):
            codes, unknown = [], []
            for item in re.split(r"[|,;/]", cell["languages"]):
                k = _key(item)
                if not k:
                    continue
                code = k if k in LANGUAGE_CODES else LANGUAGE_NAMES.get(k)
                if code is None:
                    unknown.append(f"« {_quoted(item.strip())} »")
                else:
                    codes.append(code)
            if unknown:
                row.warnings.append(
                    ngettext(
                        "unknown language %(values)s, left out",
                        "unknown languages %(values)s, left out",
                        len(unknown),
                    )
                    % {"values": ", ".join(unknown[:10])}
                )
            # Only unknown languages: keep the ones already known.
            if codes:
                values["languages"] = list(dict.fromkeys(codes))
        for column in ("department", "site"):
            if cell.get(column):
                values[column] = _key(cell[column])
                self.names.setdefault(number, {})[column] = cell[column]
        manager = cell.get("manager_id", "")
        if manager:
            if manager == cell["employee_id"]:
                reasons.append(_("a person cannot be their own manager"))
            values["manager"] = manager
        role_text = _key(cell.get("role", ""))
        if role_text:
            role = ROLES.get(role_text)
            if role is None:
                reasons.append(
                    _("the role must be mentor or mentoré, not « %(value)s »")
                    % {"value": _quoted(cell["role"])}
                )
            else:
                row.role = role
        row.values = values
        return row

    def _check_duplicates(self, rows: list[RowPlan]) -> None:
        """Rows sharing an employee ID or an email are all refused: which one
        is right is for the HR team to say."""
        by_id: dict[str, list[RowPlan]] = defaultdict(list)
        by_email: dict[str, list[RowPlan]] = defaultdict(list)
        for row in rows:
            if row.employee_id:
                by_id[row.employee_id].append(row)
            if row.values.get("email"):
                by_email[row.values["email"]].append(row)
        for group in by_id.values():
            for row, others in _others(group):
                row.reasons.append(
                    ngettext(
                        "this employee ID is also on row %(rows)s",
                        "this employee ID is also on rows %(rows)s",
                        len(others),
                    )
                    % {"rows": _rows_list(others)}
                )
        for group in by_email.values():
            for row, others in _others(group):
                row.reasons.append(
                    ngettext(
                        "this email is also on row %(rows)s",
                        "this email is also on rows %(rows)s",
                        len(others),
                    )
                    % {"rows": _rows_list(others)}
                )

    def _check_managers(self, rows: list[RowPlan]) -> None:
        """Every manager must exist once the file is written, and the
        reporting lines must not loop. Refusing a row can leave another
        without its manager, or bring back a person's current manager and so
        close a loop: repeat until nothing changes."""
        file_rows = defaultdict(list)
        for row in rows:
            if row.employee_id:
                file_rows[row.employee_id].append(row)
        for row in rows:
            manager = row.values.get("manager")
            if manager and manager not in self.existing and manager not in file_rows:
                row.reasons.append(
                    _("manager %(id)s is neither in the file nor known")
                    % {"id": _quoted(manager)}
                )
        # First the loops the file draws as written, so that a loop is
        # reported even when one of its rows is refused for another reason.
        unique = [r for r in rows if len(file_rows.get(r.employee_id, [])) == 1]
        self._reject_loops(unique)
        while True:
            self._reject_orphans(rows, file_rows)
            if not self._reject_loops([r for r in rows if not r.reasons]):
                return

    def _reject_orphans(
        self, rows: list[RowPlan], file_rows: dict[str, list[RowPlan]]
    ) -> None:
        reports = defaultdict(list)  # manager ID -> accepted rows naming them
        for row in rows:
            if not row.reasons and row.values.get("manager"):
                reports[row.values["manager"]].append(row)
        # A manager that is not a known person needs an accepted row.
        todo = [
            manager
            for manager in reports
            if manager not in self.existing
            and all(r.reasons for r in file_rows.get(manager, []))
        ]
        while todo:
            manager = todo.pop()
            refused = [r.number for r in file_rows.get(manager, [])]
            for row in reports.pop(manager, []):
                if row.reasons:
                    continue
                row.reasons.append(
                    ngettext(
                        "manager %(id)s is refused (row %(rows)s)",
                        "manager %(id)s is refused (rows %(rows)s)",
                        len(refused),
                    )
                    % {"id": manager, "rows": _rows_list(refused)}
                )
                if row.employee_id not in self.existing and row.employee_id in (
                    reports
                ):
                    todo.append(row.employee_id)

    def _reject_loops(self, rows: list[RowPlan]) -> bool:
        """Refuse the rows whose new manager closes a loop, if these rows
        were written; True if any."""
        manager_of = dict(self.current_manager)
        row_of: dict[str, RowPlan] = {}
        for row in rows:
            if row.values.get("manager"):
                manager_of[row.employee_id] = row.values["manager"]
                row_of[row.employee_id] = row
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        found = False
        for start in list(manager_of):
            path: list[str] = []
            node: str | None = start
            while node is not None and state.get(node) != 2:
                if state.get(node) == 1:
                    loop = path[path.index(node) :]
                    in_file = sorted(
                        (row_of[n] for n in loop if n in row_of), key=lambda r: r.number
                    )
                    if in_file:  # start the chain at the first row of the file
                        first = loop.index(in_file[0].employee_id)
                        loop = loop[first:] + loop[:first]
                    shown = [n if n[:1] != "\x00" else "—" for n in loop]
                    chain = [*shown[:8], "…"] if len(loop) > 8 else [*shown, shown[0]]
                    for row in in_file:
                        row.reasons.append(
                            _("the managers form a loop: %(chain)s (rows %(rows)s)")
                            % {
                                "chain": " → ".join(chain),
                                "rows": _rows_list(r.number for r in in_file),
                            }
                        )
                    found = found or bool(in_file)
                    break
                state[node] = 1
                path.append(node)
                node = manager_of.get(node)
            for visited in path:
                state[visited] = 2
        return found

    def _finish(self, row: RowPlan) -> None:
        person = self.existing.get(row.employee_id)
        if person is not None:
            row.changes = _changes(
                person, row.values, self.departments, self.sites, self.ids_by_pk
            )
            row.action = "update" if row.changes else "unchanged"
        if row.role and (row.employee_id, row.role) not in self.enrolled:
            row.changes.append("enrolment")
            if row.action == "unchanged":
                row.action = "update"


def _changes(
    person: Person,
    values: dict[str, Any],
    departments: dict[str, Department],
    sites: dict[str, Site],
    ids_by_pk: dict[int, str],
) -> list[str]:
    changed = [
        name
        for name in PERSON_FIELDS
        if name in values and getattr(person, name) != values[name]
    ]
    if "department" in values:
        target = departments.get(values["department"])
        if target is None or target.pk != person.department_id:
            changed.append("department")
    if "site" in values:
        target_site = sites.get(values["site"])
        if target_site is None or target_site.pk != person.site_id:
            changed.append("site")
    if (
        "manager" in values
        and ids_by_pk.get(person.manager_id or 0) != values["manager"]
    ):
        changed.append("manager")
    return changed


# Writing ------------------------------------------------------------------------


def store_upload(
    *, programme: Programme, content: bytes, file_name: str, by: Any
) -> PeopleImport:
    return PeopleImport.objects.create(
        programme=programme,
        uploaded_by=by,
        file_name=_text(file_name)[:255] or "import",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )


ALREADY_IMPORTED = "already_imported"


def apply_import(*, upload: PeopleImport) -> ImportPlan:
    """Write the plan of a previewed upload, all or nothing. Rejected rows are
    skipped (they were shown in the preview); running it twice is refused
    (code ``already_imported``). Raises ValidationError with a plain message
    when nothing was written, whatever the reason."""
    try:
        with transaction.atomic():
            return _apply(upload)
    except DatabaseError as error:
        # The preview checks what the database would refuse; what is left is
        # a change made by someone else between preview and confirmation.
        logger.warning("import %s rolled back: %s", upload.pk, error)
        raise ValidationError(
            _(
                "The import could not be written, so nothing was imported: the "
                "people of the organisation changed since the preview. Preview "
                "the file again."
            ),
            code="database",
        ) from error


def _apply(upload: PeopleImport) -> ImportPlan:
    upload = PeopleImport.objects.select_for_update().get(pk=upload.pk)
    if upload.applied_at is not None:
        raise ValidationError(
            _("This file has already been imported."), code=ALREADY_IMPORTED
        )
    programme = upload.programme
    plan = plan_import(bytes(upload.content), upload.file_name, programme)
    if plan.errors:
        raise ValidationError(plan.errors)
    organisation = programme.organisation
    departments = {_key(d.name): d for d in organisation.departments.all()} | {
        _key(d.code): d for d in organisation.departments.all()
    }
    for name in plan.new_departments:
        code = unique_code(organisation, name)
        departments[_key(name)] = Department.objects.create(
            organisation=organisation, name=name, code=code
        )
    sites = {_key(s.name): s for s in organisation.sites.all()}
    for name in plan.new_sites:
        sites[_key(name)] = Site.objects.create(organisation=organisation, name=name)
    existing = {
        p.employee_id: p
        for p in Person.objects.filter(organisation=organisation).exclude(
            employee_id=""
        )
    }
    accepted = [r for r in plan.rows if r.action in ("create", "update")]
    to_create, to_update = [], []
    for row in accepted:
        values = dict(row.values)
        values.pop("manager", None)
        if "department" in values:
            values["department"] = departments[values["department"]]
        if "site" in values:
            values["site"] = sites[values["site"]]
        person = existing.get(row.employee_id)
        if person is None:
            person = Person(organisation=organisation, employee_id=row.employee_id)
            to_create.append(person)
        else:
            to_update.append(person)
        for name, value in values.items():
            setattr(person, name, value)
    Person.objects.bulk_create(to_create, batch_size=1000)
    update_fields = sorted({k for r in accepted for k in r.values if k != "manager"})
    if to_update and update_fields:
        Person.objects.bulk_update(to_update, update_fields, batch_size=1000)
    people = {
        p.employee_id: p
        for p in Person.objects.filter(organisation=organisation).exclude(
            employee_id=""
        )
    }
    # Managers in a second pass: they may come later in the same file.
    managed = []
    for row in accepted:
        manager_id = row.values.get("manager")
        if manager_id:
            person = people[row.employee_id]
            person.manager_id = people[manager_id].pk
            managed.append(person)
    Person.objects.bulk_update(managed, ["manager"], batch_size=1000)
    _check_no_manager_cycle(organisation)
    enrolled = set(programme.enrolments.values_list("person_id", "role"))
    Enrolment.objects.bulk_create(
        [
            Enrolment(programme=programme, person=people[r.employee_id], role=r.role)
            for r in accepted
            if r.role and (people[r.employee_id].pk, r.role) not in enrolled
        ],
        batch_size=1000,
    )
    upload.applied_at = timezone.now()
    upload.report = {
        "create": plan.count("create"),
        "update": plan.count("update"),
        "unchanged": plan.count("unchanged"),
        "reject": plan.count("reject"),
    }
    # The people of the file, for « invite the imported people ».
    upload.report["people"] = sorted(
        people[r.employee_id].pk
        for r in plan.rows
        if r.action in ("create", "update", "unchanged")
    )
    upload.save(update_fields=["applied_at", "report"])
    audit.record(
        AuditEvent.Action.IMPORT,
        actor=upload.uploaded_by,
        target=f"programme:{programme.slug}",
        file=upload.file_name,
        **{k: v for k, v in upload.report.items() if k != "people"},
    )
    return plan


def unique_code(organisation: Any, name: str) -> str:
    root = slugify(name)[:50] or "direction"
    code, n = root, 2
    while organisation.departments.filter(code=code).exists():
        code, n = f"{root}-{n}", n + 1
    return code


def _check_no_manager_cycle(organisation: Any) -> None:
    """A last guard: the preview refuses the rows that close a loop, but the
    reporting lines may have changed since."""
    managers = dict(
        Person.objects.filter(organisation=organisation).values_list("pk", "manager_id")
    )
    state: dict[int, int] = {}  # 1 = on the current path, 2 = done
    for start in managers:
        path = []
        node: int | None = start
        while node is not None and state.get(node) != 2:
            if state.get(node) == 1:
                raise ValidationError(
                    _("The managers in the file form a loop; nothing was imported.")
                )
            state[node] = 1
            path.append(node)
            node = managers.get(node)
        for visited in path:
            state[visited] = 2


# Template -----------------------------------------------------------------------


def template_file(file_format: str) -> bytes:
    """An example file to fill in: French headers, a few example rows. The
    CSV is what French Excel opens as is: UTF-8 with a byte-order mark,
    separated by semicolons."""
    headers = [aliases[0] for aliases in HEADERS.values()]
    if file_format == "xlsx":
        data = tablib.Dataset(*TEMPLATE_ROWS, headers=headers)
        return bytes(data.export("xlsx"))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(TEMPLATE_ROWS)
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")
