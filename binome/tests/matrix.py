"""The machinery of the permission matrix (binome/tests/test_permission_matrix.py).

- ``url_patterns()`` walks the URL resolver, includes and namespaces too.
- ``load_rows()`` imports every ``permission_rows*.py`` module of the project;
  their ``ROWS`` say, for each URL pattern and method, what each role gets.
- ``build_world()`` creates one small organisation where each role is played
  by one person, and one object of each kind the URLs need.
- ``fingerprint()`` sums up the database, to prove that a refused write
  wrote nothing.

Rows
----

Each ``binome/<app>/permission_rows*.py`` module has a list ``ROWS``; a row is
a dict that says, for one URL pattern and one HTTP method, what each role gets.
Every URL pattern needs rows for GET and POST (for a django-ninja path: for
the methods it declares), or ``test_every_url_pattern_has_rows`` fails.

``url`` (required)
    The pattern: its name, namespaced (``"programs:journey"``), when that name
    is used once; otherwise its full route (``"^api/v1/"``), as for unnamed
    patterns and names shared by several patterns.
``expect`` (required)
    Role -> expected outcome, for the roles of ``ROLES``; ``"*"`` stands for
    the roles not listed. An outcome is an HTTP status of ``STATUSES``, or
    ``"login"`` for a redirect to a login page (any other redirect is 302), or
    a tuple of those when any of them will do. It may also be a callable that
    takes the ``World`` and returns that dict.
``method``
    ``GET`` (the default), ``POST``, ``PUT``, ``PATCH`` or ``DELETE``.
``kwargs``
    URL kwarg -> name of a key of the world (``World.keys``, e.g.
    ``{"slug": "programme_slug"}``), or a callable that takes the world and
    returns the kwargs themselves.
``path``
    The path to request instead of reversing the pattern; ``{key}`` is
    replaced by the world's key (``str.format_map``).
``query``
    A dict (or a callable of the world) sent as the query string.
``data``
    The form data (or a callable of the world); url-encoded in the body for
    PUT, PATCH and DELETE.
``json``
    A JSON body (or a callable of the world), sent as ``application/json``.
``headers``
    Extra request headers, passed to the test client.
``why``
    Why the roles get what they get; shown when the case fails.
``not_a_refusal``
    True when a refusing status (``DENIED``) is in fact an answer allowed to
    write, e.g. logging out; the check that a refused write wrote nothing is
    skipped.
``xfail``
    A reason: the superuser's case is expected to fail (strict xfail).

A write (POST, PUT, PATCH, DELETE) answered with a status of ``DENIED`` must
leave every table as it was (see ``fingerprint()``).
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import importlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    reverse,
)

ROLES = (
    "anonymous",
    "outsider",
    "mentee",
    "mentor",
    "panel",
    "sponsor",
    "manager",
    "superuser",
)
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Answers that refuse: a request answered so must not have written anything.
DENIED = {400, 401, 403, 404, 405, 409, 410, "login"}
STATUSES = {200, 201, 202, 204, 301, 302, 400, 401, 403, 404, 405, 409, 410, "login"}
ROW_KEYS = {
    "url",
    "method",
    "kwargs",
    "path",
    "query",
    "data",
    "json",
    "headers",
    "expect",
    "why",
    "not_a_refusal",
    "xfail",
    # The roles to play (default: all of ROLES), for rows whose other roles
    # are already proven by a sample row of the same kind.
    "roles",
}
ROOT = Path(__file__).resolve().parents[2]


# --- URL patterns --------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    route: str
    name: str | None
    callback: Any = field(compare=False, repr=False)

    @property
    def label(self) -> str:
        return f"{self.name or '(unnamed)'} {self.route!r}"


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str | None = None
) -> Iterator[Pattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = (
                    f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                )
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Pattern(prefix + str(entry.pattern), name, entry.callback)


def url_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))


def ninja_methods(pattern: Pattern) -> set[str] | None:
    """The HTTP methods of a django-ninja path, read from its view's closure;
    None for any other view."""
    for cell in getattr(pattern.callback, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        operations = getattr(value, "operations", None)
        if type(value).__name__ == "PathView" and operations is not None:
            return {m.upper() for op in operations for m in op.methods}
    return None


def required_methods(pattern: Pattern) -> set[str]:
    return ninja_methods(pattern) or {"GET", "POST"}


def pattern_keys(patterns: list[Pattern]) -> dict[str, list[Pattern]]:
    """What a row's "url" may say, mapped to the patterns it designates: a
    name used once, or the full route (of unnamed patterns and of names that
    appear more than once)."""
    counts: dict[str, int] = {}
    for p in patterns:
        if p.name:
            counts[p.name] = counts.get(p.name, 0) + 1
    keys: dict[str, list[Pattern]] = {}
    for p in patterns:
        if p.name and counts[p.name] == 1:
            keys.setdefault(p.name, []).append(p)
        else:
            keys.setdefault(p.route, []).append(p)
    return keys


# --- Rows ----------------------------------------------------------------------


def row_modules() -> list[str]:
    found = sorted(ROOT.glob("binome/*/permission_rows*.py"))
    return [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for path in found
        if path.parent.name != "migrations"
    ]


@dataclass
class Row:
    module: str
    index: int
    spec: dict[str, Any]

    @property
    def url(self) -> str:
        url: str = self.spec["url"]
        return url

    @property
    def method(self) -> str:
        method: str = self.spec.get("method", "GET")
        return method.upper()

    def expected(self, world: World | None, role: str) -> Any:
        expect = self.spec["expect"]
        if callable(expect):
            expect = expect(world)
        return expect.get(role, expect.get("*"))

    @property
    def where(self) -> str:
        return f"{self.module}.ROWS[{self.index}]"


def load_rows() -> list[Row]:
    rows: list[Row] = []
    for module_name in row_modules():
        module = importlib.import_module(module_name)
        for index, spec in enumerate(getattr(module, "ROWS", [])):
            rows.append(Row(module_name, index, spec))
    return rows


def row_problems(row: Row) -> list[str]:
    """What is wrong with a row, without the world."""
    spec = row.spec
    problems = []
    if not isinstance(spec, dict) or "url" not in spec or "expect" not in spec:
        return [f"{row.where}: a row is a dict with at least 'url' and 'expect'"]
    unknown = set(spec) - ROW_KEYS
    if unknown:
        problems.append(f"{row.where}: unknown keys {sorted(unknown)}")
    if not set(spec.get("roles", ROLES)) <= set(ROLES):
        problems.append(f"{row.where}: unknown roles in 'roles'")
    if row.method not in METHODS:
        problems.append(f"{row.where}: unknown method {row.method}")
    if not callable(spec["expect"]):
        for role in ROLES:
            value = row.expected(None, role)
            values = value if isinstance(value, tuple) else (value,)
            if value is None or any(v not in STATUSES for v in values):
                problems.append(
                    f"{row.where} ({row.url} {row.method}): role {role!r} has no "
                    f"valid expected status (got {value!r})"
                )
        extra = set(spec["expect"]) - set(ROLES) - {"*"}
        if extra:
            problems.append(f"{row.where}: unknown roles {sorted(extra)}")
    return problems


# --- Building the request ------------------------------------------------------

_REGEX_GROUP = re.compile(r"\(\?P<(\w+)>")
_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _fill_regex(route: str, kwargs: dict[str, Any]) -> str:
    """Replace named regex groups (balanced parentheses) by their values."""
    out = []
    i = 0
    while True:
        match = _REGEX_GROUP.search(route, i)
        if match is None:
            out.append(route[i:])
            break
        out.append(route[i : match.start()])
        depth, j = 1, match.end()
        while depth and j < len(route):
            if route[j] == "\\":
                j += 2
                continue
            depth += {"(": 1, ")": -1}.get(route[j], 0)
            j += 1
        out.append(str(kwargs[match.group(1)]))
        i = j
    return "".join(out)


def route_to_path(route: str, kwargs: dict[str, Any]) -> str:
    path = _ROUTE_PARAM.sub(lambda m: str(kwargs[m.group(1)]), route)
    path = _fill_regex(path, kwargs).replace("^", "").replace("$", "")
    return "/" + path.replace("\\", "")


def _resolve_values(value: Any, world: World) -> Any:
    return value(world) if callable(value) else value


def request_args(row: Row, pattern: Pattern, world: World) -> dict[str, Any]:
    """The path, body and headers of the request a row describes."""
    spec = row.spec
    kwargs_spec = spec.get("kwargs") or {}
    if callable(kwargs_spec):
        kwargs = kwargs_spec(world)
    else:
        kwargs = {name: world[key] for name, key in kwargs_spec.items()}
    if "path" in spec:
        path = spec["path"].format_map(world.keys)
    elif pattern.name and row.url == pattern.name:
        path = reverse(pattern.name, kwargs=kwargs)
    else:
        path = route_to_path(pattern.route, kwargs)
    if "query" in spec:
        path += "?" + urlencode(_resolve_values(spec["query"], world), doseq=True)
    args: dict[str, Any] = {"path": path}
    if "json" in spec:
        import json

        args["data"] = json.dumps(_resolve_values(spec["json"], world))
        args["content_type"] = "application/json"
    elif "data" in spec:
        data = _resolve_values(spec["data"], world)
        if row.method in ("PUT", "PATCH", "DELETE"):
            args["data"] = urlencode(data, doseq=True)
            args["content_type"] = "application/x-www-form-urlencoded"
        else:
            args["data"] = data
    if "headers" in spec:
        args["headers"] = spec["headers"]
    return args


def login_paths() -> set[str]:
    from django.conf import settings
    from django.shortcuts import resolve_url

    paths = {urlparse(resolve_url(settings.LOGIN_URL)).path, reverse("admin:login")}
    for name in ("account_login", "accounts:login"):
        with contextlib.suppress(NoReverseMatch):  # optional URL names
            paths.add(reverse(name))
    return paths


def outcome(response: Any, logins: set[str]) -> Any:
    """The status as the rows write it: "login" for a redirect to a login page."""
    status = response.status_code
    if status in (301, 302, 303, 307):
        if urlparse(response.get("Location", "")).path in logins:
            return "login"
        return 302
    return status


# --- The database fingerprint --------------------------------------------------

# Written by every request or login, whatever the permission: not a leak.
IGNORED_TABLES = {
    "django_session",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
    "axes_accessattemptexpiration",
}
IGNORED_COLUMNS = {"last_login"}


def _fingerprint_queries() -> list[tuple[str, str]]:
    """(table, SELECT) for every table of the project, computed once."""
    from django.apps import apps
    from django.db import connection

    quote = connection.ops.quote_name
    existing = set(connection.introspection.table_names())
    queries = []
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table in IGNORED_TABLES or model._meta.proxy or table not in existing:
            continue
        # Concrete fields have a column (is not None: for the type checker).
        columns = ", ".join(
            quote(column)
            for f in model._meta.concrete_fields
            if (column := f.column) is not None and column not in IGNORED_COLUMNS
        )
        pk_column = model._meta.pk.column
        assert pk_column is not None
        where = " WHERE action <> 'denied'" if table == "accounts_auditevent" else ""
        queries.append(
            (
                table,
                f"SELECT {columns} FROM {quote(table)}{where} "
                f"ORDER BY {quote(pk_column)}",
            )
        )
    return queries


_QUERIES: list[tuple[str, str]] = []


def fingerprint() -> dict[str, str]:
    """One digest per table: its rows, ordered by primary key. Refusals that
    the audit log records (action "denied") are left out, being the one write
    a refusal is meant to make; so are sessions, axes' logs and last_login."""
    from django.db import connection

    if not _QUERIES:
        _QUERIES.extend(_fingerprint_queries())
    digests: dict[str, str] = {}
    with connection.cursor() as cursor:
        for table, sql in _QUERIES:
            cursor.execute(sql)
            rows = cursor.fetchall()
            digest = hashlib.sha256(
                repr([tuple(_plain(v) for v in row) for row in rows]).encode()
            )
            digests[table] = f"{len(rows)}:{digest.hexdigest()[:16]}"
    return digests


def _plain(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    return value


_WRITE = re.compile(
    r"^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?(\w+)", re.I
)
_MAYBE_WRITE = re.compile(
    r"^\s*(?:INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|WITH)\b", re.I
)


def suspicious_writes(queries: list[dict[str, Any]]) -> list[str]:
    """The write statements of a request, but those every request may make
    (session, axes) and the audit log's record of the refusal. Only when
    there are some does the test compute the (costlier) fingerprint."""
    found = []
    for query in queries:
        sql = query["sql"]
        match = _WRITE.match(sql)
        if match is None:
            if _MAYBE_WRITE.match(sql):
                found.append(sql[:200])  # a write we cannot read: check
            continue
        table = match.group(1)
        if table in IGNORED_TABLES:
            continue
        if table == "accounts_auditevent" and "'denied'" in sql:
            continue
        found.append(sql[:200])
    return found


def fingerprint_diff(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(
        table
        for table in set(before) | set(after)
        if before.get(table) != after.get(table)
    )


# --- The world -----------------------------------------------------------------


@dataclass
class World:
    """Values for URL kwargs (``keys``), the users of each role, the objects."""

    keys: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        try:
            return self.keys[key]
        except KeyError:
            raise KeyError(
                f"the fixture world has no key {key!r}; known keys: "
                f"{', '.join(sorted(self.keys))}"
            ) from None


DAY = datetime.datetime(2026, 9, 2, 9, 0, tzinfo=datetime.UTC)
IMPORT_CSV = (
    "Matricule;Prénom;Nom;E-mail;Poste;Direction;Site;Niveau;Matricule manager;"
    "Année d'embauche;Langues;Rôle\n"
    "A1;Léa;Martin;lea.martin@test.example;Analyste;Finance;Lyon;1;;2024;fr;mentor\n"
)


def build_world(extra: list[Callable[[World], None]] | None = None) -> World:
    """The cast, their roles and one object of each kind. Called once per test
    module inside a transaction that is rolled back at the end."""
    from django.contrib.auth.tokens import default_token_generator
    from django.test import Client
    from django.utils import timezone
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from binome.accounts.models import ApiToken, User
    from binome.matching.models import MatchingRound
    from binome.pairs import services as pair_services
    from binome.pairs.models import (
        ActionItem,
        AgendaItem,
        Certificate,
        Concern,
        GlossaryTerm,
        Kpi,
        Meeting,
        Pair,
        ReminderPreference,
    )
    from binome.people.models import Department, Organisation, Person
    from binome.programs import imports
    from binome.programs.models import (
        CoffeeChat,
        Enrolment,
        Goal,
        ProfileCorrection,
        Programme,
    )
    from binome.skills.models import Resource

    world = World()
    org = Organisation.objects.create(name="Groupe Test", slug="groupe-test")
    finance = Department.objects.create(organisation=org, name="Finance", code="fin")
    data = Department.objects.create(organisation=org, name="Data", code="data")
    rh = Department.objects.create(organisation=org, name="RH", code="rh")

    def person(first: str, dept: Any, level: int, **user_kw: Any) -> Any:
        email = f"{first.lower()}@test.example"
        user = User.objects.create_user(
            email=email, password=None, first_name=first, last_name="Test", **user_kw
        )
        return Person.objects.create(
            organisation=org,
            user=user,
            first_name=first,
            last_name="Test",
            email=email,
            department=dept,
            level=level,
            hire_year=2010,
            languages=["fr", "en"],
            availability=["mon-am", "thu-pm"],
        )

    cast = {
        "outsider": person("Xavier", finance, 2),
        "mentee": person("Bernard", finance, 5),
        "mentor": person("Camille", data, 1),
        "panel": person("Paul", rh, 3),
        "sponsor": person("Sophie", rh, 5),
        "manager": person("Odile", rh, 4),
        "superuser": person("Ada", rh, 4, is_staff=True, is_superuser=True),
    }
    victor = person("Victor", rh, 4)
    ines = person("Ines", data, 1)
    world.users = {role: p.user for role, p in cast.items()}
    world.users["anonymous"] = None

    pilot = Programme.objects.create(
        organisation=org,
        name="Pilote",
        slug="pilote",
        status=Programme.Status.RUNNING,
        start_date=datetime.date(2026, 9, 14),
        end_date=datetime.date(2026, 12, 18),
        coffee_enabled=True,
    )
    pilot.managers.add(cast["manager"].user)
    pilot.panel.add(cast["panel"].user)
    pilot.sponsors.add(cast["sponsor"].user)
    recruiting = Programme.objects.create(
        organisation=org,
        name="Vague",
        slug="vague",
        status=Programme.Status.RECRUITING,
        open_call=True,
    )
    recruiting.managers.add(cast["manager"].user)
    recruiting.panel.add(cast["panel"].user)
    other = Programme.objects.create(organisation=org, name="Autre", slug="autre")
    other.managers.add(victor.user)

    def enrol(programme: Any, who: Any, role: str, status: str = "accepted") -> Any:
        return Enrolment.objects.create(
            programme=programme,
            person=who,
            role=role,
            status=status,
            consent_at=DAY,
            consent_version="test",
        )

    mentor = enrol(pilot, cast["mentor"], "mentor")
    mentee = enrol(pilot, cast["mentee"], "mentee")
    candidate = enrol(recruiting, ines, "mentor", "volunteered")
    pair = Pair.objects.create(mentor=mentor, mentee=mentee)
    goal = Goal.objects.create(enrolment=mentee, title="Publier", kpi="1 post")
    chat = CoffeeChat.objects.create(mentee=mentee, mentor=mentor)
    correction = ProfileCorrection.objects.create(
        person=cast["mentee"], field="level", proposed_value="4"
    )
    charter = pair_services.get_or_create_charter(pair=pair)
    kpi = Kpi.objects.create(
        charter=charter, direction="mentee", title="Publier", kpi="1 post"
    )
    meeting = Meeting.objects.create(
        pair=pair, starts_at=timezone.now() + datetime.timedelta(days=7)
    )
    action = ActionItem.objects.create(meeting=meeting, text="Lire", owner=mentee)
    agenda_item = AgendaItem.objects.create(
        meeting=meeting, text="Mon CV", author=cast["mentee"].user
    )
    empty: dict[str, Any] = {
        "pairs": [],
        "unmatched": [],
        "totals": {},
        "idle_mentors": [],
    }
    rounds = [
        MatchingRound.objects.create(
            programme=pilot,
            number=n,
            status=MatchingRound.Status.DONE,
            progress=100,
            finished_at=DAY,
            result=empty,
        )
        for n in (1, 2)
    ]
    upload = imports.store_upload(
        programme=pilot,
        content=IMPORT_CSV.encode(),
        file_name="rh.csv",
        by=cast["manager"].user,
    )
    term = GlossaryTerm.objects.create(
        term="Prompt",
        kind="tech",
        definition_fr="Une consigne.",
        status=GlossaryTerm.Status.SUGGESTED,
        programme=pilot,
        suggested_by=cast["mentee"].user,
    )
    resource = Resource.objects.create(
        title_fr="Guide", kind="article", url="https://example.org/guide"
    )
    certificate = Certificate.objects.create(
        enrolment=mentor, sessions_held=3, minutes_held=90
    )
    preference = ReminderPreference.for_user(cast["mentee"].user)
    concern = Concern.objects.create(
        pair=pair, reporter=mentee, category="respect", text="Un souci"
    )

    world.objects = {
        "organisation": org,
        "pilot": pilot,
        "recruiting": recruiting,
        "other": other,
        "pair": pair,
        "mentor_enrolment": mentor,
        "mentee_enrolment": mentee,
        "candidate_enrolment": candidate,
        "meeting": meeting,
        "charter": charter,
        "certificate": certificate,
        "victor": victor.user,
        "ines": ines.user,
    }
    world.keys = {
        "programme_slug": pilot.slug,
        "recruiting_slug": recruiting.slug,
        "other_slug": other.slug,
        "pair_id": pair.pk,
        "mentor_enrolment_id": mentor.pk,
        "mentee_enrolment_id": mentee.pk,
        "candidate_enrolment_id": candidate.pk,
        "goal_id": goal.pk,
        "coffee_chat_id": chat.pk,
        "correction_id": correction.pk,
        "meeting_id": meeting.pk,
        "kpi_id": kpi.pk,
        "action_item_id": action.pk,
        "agenda_item_id": agenda_item.pk,
        "round_number": rounds[0].number,
        "other_round_number": rounds[1].number,
        "import_id": upload.pk,
        "term_id": term.pk,
        "resource_id": resource.pk,
        "certificate_id": certificate.pk,
        "concern_id": concern.pk,
        "feed_token": preference.feed_token,
        "invitation_token": recruiting.invitation_token(),
        "user_id": cast["mentee"].user.pk,
        "mentor_user_id": cast["mentor"].user.pk,
        "outsider_user_id": cast["outsider"].user.pk,
    }
    token, _secret = ApiToken.issue(
        owner=cast["manager"].user, name="monde", scopes=["read"], expires_at=None
    )
    world.objects["api_token"] = token
    for hook in extra or []:
        hook(world)

    # One session per role, opened once: tests reuse the cookie, so a
    # request's only writes are its own.
    from django.conf import settings

    for role, user in world.users.items():
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    mentee_user = User.objects.get(pk=cast["mentee"].user.pk)
    world.keys["uidb64"] = urlsafe_base64_encode(force_bytes(mentee_user.pk))
    world.keys["reset_token"] = default_token_generator.make_token(mentee_user)
    _admin_keys(world)
    return world


def _admin_keys(world: World) -> None:
    """``admin:<app_label>.<model>``: the pk of one object of each model in the
    admin, or of a just-created content type for the view-on-site links."""
    from django.contrib import admin
    from django.contrib.contenttypes.models import ContentType

    for model in admin.site._registry:
        first = model._default_manager.order_by("pk").values_list("pk", flat=True)
        pk = first.first()
        if pk is not None:
            world.keys[f"admin:{model._meta.label_lower}"] = pk
    world.keys["admin:content_type_id"] = ContentType.objects.get_for_model(
        type(world.objects["pilot"])
    ).pk
    world.keys["admin:object_id"] = world.objects["pilot"].pk
