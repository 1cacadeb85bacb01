"""Import participants from an HRIS export (CSV or XLSX), dry run first.

``plan_import`` reads the file and says, row by row, what would be created,
updated or rejected (with the row number and the reason), writing nothing.
``apply_import`` writes exactly that plan in one transaction. Rows are keyed
on the employee ID, so importing the same file again changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from binome.accounts import audit
from binome.accounts.models import AuditEvent
from binome.people.models import LANGUAGE_CODES, Department, Person, Site

from .models import Enrolment, PeopleImport, Programme

# Accepted headers, compared without accents, case or punctuation.
HEADERS: dict[str, list[str]] = {
    "employee_id": ["employee_id", "matricule", "id", "identifiant", "id salarie"],
    "first_name": ["first_name", "prenom", "first name"],
    "last_name": ["last_name", "nom", "nom de famille", "last name"],
    "email": ["email", "e-mail", "courriel", "adresse e-mail", "mail"],
    "job_title": ["job_title", "poste", "intitule de poste", "fonction", "job title"],
    "department": ["department", "direction", "departement", "service"],
    "site": ["site", "etablissement", "lieu"],
    "level": ["level", "niveau", "niveau hierarchique"],
    "manager_id": ["manager_id", "matricule manager", "manager", "responsable"],
    "hire_year": ["hire_year", "annee d'embauche", "embauche", "hire year"],
    "languages": ["languages", "langues"],
    "role": ["role"],
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


def _key(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_]+", " ", plain.strip().lower().replace("’", "'"))


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


@dataclass
class ImportPlan:
    rows: list[RowPlan]
    new_departments: list[str]
    new_sites: list[str]
    errors: list[str]  # problems with the whole file

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def ok(self) -> bool:
        return not self.errors and any(r.action != "reject" for r in self.rows)


def read_rows(content: bytes, file_name: str) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows of a CSV (UTF-8, with or without BOM, ``,`` or ``;``)
    or XLSX file. Raises ValidationError with a plain message."""
    if content[:4] == b"PK\x03\x04" or file_name.lower().endswith(".xlsx"):
        try:
            data = tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        except Exception:
            raise ValidationError(_("The Excel file cannot be read.")) from None
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError(
                _("The file is not in UTF-8. Save it as « CSV UTF-8 » and try again.")
            ) from None
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        try:
            data = tablib.Dataset().load(text, format="csv", delimiter=delimiter)
        except Exception:
            raise ValidationError(_("The CSV file cannot be read.")) from None
    headers = [str(h or "") for h in (data.headers or [])]
    return headers, [list(row) for row in data]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def plan_import(content: bytes, file_name: str, programme: Programme) -> ImportPlan:
    """What the import would do, writing nothing. O(rows) queries-free after
    three bulk reads."""
    try:
        headers, raw_rows = read_rows(content, file_name)
    except ValidationError as error:
        return ImportPlan([], [], [], list(error.messages))
    columns = {}
    for index, header in enumerate(headers):
        name = HEADER_INDEX.get(_key(header))
        if name and name not in columns:
            columns[name] = index
    missing = [
        c for c in ("employee_id", "first_name", "last_name") if c not in columns
    ]
    if missing:
        return ImportPlan(
            [],
            [],
            [],
            [
                _("Missing columns: %(columns)s. Found: %(found)s.")
                % {"columns": ", ".join(missing), "found": ", ".join(headers) or "—"}
            ],
        )
    if not raw_rows:
        return ImportPlan([], [], [], [_("The file has no row.")])

    organisation = programme.organisation
    existing = {
        p.employee_id: p for p in Person.objects.filter(organisation=organisation)
    }
    by_email = {p.email.lower(): p.employee_id for p in existing.values() if p.email}
    ids_by_pk = {p.pk: p.employee_id for p in existing.values()}
    departments = {_key(d.name): d for d in organisation.departments.all()} | {
        _key(d.code): d for d in organisation.departments.all()
    }
    sites = {_key(s.name): s for s in organisation.sites.all()}
    enrolled = set(programme.enrolments.values_list("person__employee_id", "role"))
    file_ids = set()
    for raw in raw_rows:
        if len(raw) > columns["employee_id"]:
            file_ids.add(_text(raw[columns["employee_id"]]))

    rows: list[RowPlan] = []
    seen: set[str] = set()
    new_departments: dict[str, str] = {}
    new_sites: dict[str, str] = {}
    for offset, raw in enumerate(raw_rows, start=2):
        cell = {
            name: _text(raw[i]) if i < len(raw) else "" for name, i in columns.items()
        }
        if not any(cell.values()):
            continue
        row = RowPlan(
            number=offset,
            employee_id=cell["employee_id"],
            name=f"{cell['first_name']} {cell['last_name']}".strip(),
            action="create",
        )
        rows.append(row)
        reasons = row.reasons
        if not cell["employee_id"]:
            reasons.append(_("the employee ID is empty"))
        elif cell["employee_id"] in seen:
            reasons.append(_("this employee ID appears twice in the file"))
        seen.add(cell["employee_id"])
        for name in ("first_name", "last_name"):
            if not cell[name]:
                reasons.append(_("column %(column)s is empty") % {"column": name})
        values: dict[str, Any] = {
            "first_name": cell["first_name"][:150],
            "last_name": cell["last_name"][:150],
        }
        email = cell.get("email", "").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                reasons.append(
                    _("« %(value)s » is not an email address") % {"value": email}
                )
            else:
                owner = by_email.get(email)
                if owner and owner != cell["employee_id"]:
                    reasons.append(
                        _("the email %(email)s belongs to employee %(id)s")
                        % {"email": email, "id": owner}
                    )
                values["email"] = email
        if "job_title" in cell:
            values["job_title"] = cell["job_title"][:200]
        level = cell.get("level", "")
        if level:
            if level.isdigit() and 1 <= int(level) <= 5:
                values["level"] = int(level)
            else:
                reasons.append(_("the level must be a whole number from 1 to 5"))
        elif cell["employee_id"] not in existing:
            values["level"] = Person.Level.JUNIOR
        year = cell.get("hire_year", "")
        if year:
            if year.isdigit() and 1950 <= int(year) <= timezone.localdate().year:
                values["hire_year"] = int(year)
            else:
                reasons.append(
                    _("« %(value)s » is not a year of hire") % {"value": year}
                )
        if cell.get("languages"):
            codes = []
            for item in re.split(r"[|,;/]", cell["languages"]):
                k = _key(item)
                if not k:
                    continue
                code = k if k in LANGUAGE_CODES else LANGUAGE_NAMES.get(k)
                if code is None:
                    reasons.append(
                        _("unknown language « %(value)s »") % {"value": item}
                    )
                else:
                    codes.append(code)
            values["languages"] = list(dict.fromkeys(codes))
        if cell.get("department"):
            k = _key(cell["department"])
            if k not in departments:
                new_departments.setdefault(k, cell["department"])
            values["department"] = k
        if cell.get("site"):
            k = _key(cell["site"])
            if k not in sites:
                new_sites.setdefault(k, cell["site"])
            values["site"] = k
        manager = cell.get("manager_id", "")
        if manager:
            if manager == cell["employee_id"]:
                reasons.append(_("a person cannot be their own manager"))
            elif manager not in existing and manager not in file_ids:
                reasons.append(
                    _("manager %(id)s is neither in the file nor known")
                    % {"id": manager}
                )
            values["manager"] = manager
        role_text = _key(cell.get("role", ""))
        if role_text:
            role = ROLES.get(role_text)
            if role is None:
                reasons.append(
                    _("the role must be mentor or mentoré, not « %(value)s »")
                    % {"value": cell["role"]}
                )
            else:
                row.role = role
        row.values = values
        if reasons:
            row.action = "reject"
            continue
        person = existing.get(cell["employee_id"])
        if person is not None:
            row.changes = _changes(person, values, departments, sites, ids_by_pk)
            row.action = "update" if row.changes else "unchanged"
        if row.role and (cell["employee_id"], row.role) not in enrolled:
            row.changes.append("enrolment")
            if row.action == "unchanged":
                row.action = "update"
    return ImportPlan(
        rows, sorted(new_departments.values()), sorted(new_sites.values()), []
    )


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


def store_upload(
    *, programme: Programme, content: bytes, file_name: str, by: Any
) -> PeopleImport:
    return PeopleImport.objects.create(
        programme=programme,
        uploaded_by=by,
        file_name=file_name[:255],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )


@transaction.atomic
def apply_import(*, upload: PeopleImport) -> ImportPlan:
    """Write the plan of a previewed upload, all or nothing. Rejected rows are
    skipped (they were shown in the preview); running it twice is refused."""
    upload = PeopleImport.objects.select_for_update().get(pk=upload.pk)
    if upload.applied_at is not None:
        raise ValidationError(_("This file has already been imported."))
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
            organisation=organisation, name=name[:200], code=code
        )
    sites = {_key(s.name): s for s in organisation.sites.all()}
    for name in plan.new_sites:
        sites[_key(name)] = Site.objects.create(
            organisation=organisation, name=name[:200]
        )
    existing = {
        p.employee_id: p for p in Person.objects.filter(organisation=organisation)
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
        p.employee_id: p for p in Person.objects.filter(organisation=organisation)
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
