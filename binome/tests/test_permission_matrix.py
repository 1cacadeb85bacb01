"""The permission matrix: every URL pattern × HTTP method × role.

The URL patterns come from the resolver itself (admin, i18n, the API and the
login flows included), so a new URL without rows fails
``test_every_url_pattern_has_rows``. The rows come from the
``permission_rows*.py`` modules: each app says what each role gets (format in
the docstring of ``binome/tests/matrix.py``).

The roles are played in one small world built once per module (and per
xdist worker) inside a transaction; each case runs in a savepoint rolled back
after it. A write that is refused must leave every table as it was.
"""

from __future__ import annotations

import os
from collections import Counter
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from binome.tests import matrix

PATTERNS = matrix.url_patterns()
KEYS = matrix.pattern_keys(PATTERNS)
ROWS = matrix.load_rows()


def _cases() -> list[Any]:
    seen: Counter[str] = Counter()
    cases = []
    for row in ROWS:
        if matrix.row_problems(row) or row.url not in KEYS:
            continue  # reported by the two tests below
        base = f"{row.url}|{row.method}"
        seen[base] += 1
        suffix = f"#{seen[base]}" if seen[base] > 1 else ""
        for role in row.spec.get("roles", matrix.ROLES):
            marks = []
            if row.spec.get("xfail") and role == "superuser":
                marks = [pytest.mark.xfail(reason=row.spec["xfail"], strict=True)]
            cases.append(
                pytest.param(row, role, id=f"{base}{suffix}|{role}", marks=marks)
            )
    return cases


def test_every_url_pattern_has_rows() -> None:
    covered: dict[str, set[str]] = {}
    for row in ROWS:
        covered.setdefault(row.url, set()).add(row.method)
    by_route: dict[str, set[str]] = {}
    for key, patterns in KEYS.items():
        for pattern in patterns:
            by_route.setdefault(pattern.route, set()).update(covered.get(key, set()))
    missing = []
    for key, patterns in KEYS.items():
        pattern = patterns[0]
        own = covered.get(key, set())
        ninja = matrix.ninja_methods(pattern)
        lacking = (ninja - by_route[pattern.route]) if ninja else {"GET", "POST"} - own
        if not own or lacking:
            view = getattr(pattern.callback, "__qualname__", repr(pattern.callback))
            module = getattr(pattern.callback, "__module__", "?")
            missing.append(
                f"url={key!r} needs rows for "
                f"{sorted(lacking or {'GET', 'POST'})} "
                f"(route {pattern.route!r}, view {module}.{view})"
            )
    assert not missing, (
        f"{len(missing)} URL pattern(s) without rows; add them to the "
        "permission_rows.py of their app:\n" + "\n".join(missing)
    )


def test_the_admin_sample_names_real_admin_pages() -> None:
    """The other roles are tried on the admin through ADMIN_SAMPLE only: a
    renamed page must not silently leave them untried."""
    from binome.tests.permission_rows import ADMIN_SAMPLE

    assert not ADMIN_SAMPLE - set(KEYS), ADMIN_SAMPLE - set(KEYS)


def test_rows_are_well_formed_and_name_real_patterns() -> None:
    problems = [p for row in ROWS for p in matrix.row_problems(row)]
    problems += [
        f"{row.where}: no URL pattern is named or routed {row.url!r}"
        for row in ROWS
        if row.url not in KEYS
    ]
    assert not problems, "\n".join(problems)


@pytest.fixture
def _fast_tests() -> None:
    """Replaces the root conftest's per-test cache clearing: the cases log in
    by session cookie, and thousands of them run."""


@pytest.fixture
def _story_clock() -> None:
    """The world fixture stops the clock at the story's moment for the whole
    module (its objects are made once, before any case)."""


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Any:
    """The cast and its objects, once per module, in a transaction rolled
    back at the end; the database stays open to the module's cases, each of
    which runs in a savepoint of its own (see ``db``)."""
    import time_machine

    from conftest import STORY_NOW

    with django_db_blocker.unblock(), time_machine.travel(STORY_NOW, tick=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = matrix.build_world()
            built.objects["baseline"] = matrix.fingerprint()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def db(world: Any) -> Any:
    """Overrides pytest-django's ``db`` for this module (its name also tells
    pytest-django to create the test database): a savepoint rolled back after
    each case, without the per-test set-up of a TestCase (a tenth of a second
    per case, thousands of cases)."""
    from django.core import mail

    atomic = transaction.atomic()
    atomic.__enter__()
    mail.outbox = []
    # CaptureQueriesContext appends to this log; past 9000 entries Django warns.
    connection.queries_log.clear()
    try:
        yield world
    finally:
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def test_the_write_check_sees_a_write(db: Any) -> None:
    """The check of refused writes can fail: a change of one column is seen
    both by the statement capture and by the fingerprint."""
    from binome.programs.models import Programme

    with CaptureQueriesContext(connection) as queries:
        Programme.objects.filter(slug=db["programme_slug"]).update(name="Piraté")
    assert matrix.suspicious_writes(queries.captured_queries)
    changed = matrix.fingerprint_diff(db.objects["baseline"], matrix.fingerprint())
    assert changed == ["programs_programme"]


LOGINS: set[str] = set()
# BINOME_MATRIX_FULL=1: fingerprint the database after every refused write,
# even when no write statement was seen.
FULL_CHECK = os.environ.get("BINOME_MATRIX_FULL") == "1"


@pytest.mark.parametrize(("row", "role"), _cases())
def test_permission_matrix(row: matrix.Row, role: str, db: Any) -> None:
    world = db
    if not LOGINS:
        LOGINS.update(matrix.login_paths())
    expected = row.expected(world, role)
    allowed = expected if isinstance(expected, tuple) else (expected,)
    pattern = KEYS[row.url][0]
    args = matrix.request_args(row, pattern, world)
    client = Client()
    if role != "anonymous":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]
    path = args.pop("path")
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, row.method.lower())(path, **args)
    got = matrix.outcome(response, LOGINS)
    where = f"{row.url} {row.method} {path} as {role} [{row.where}]"
    if row.spec.get("why"):
        where += f" ({row.spec['why']})"
    assert got in allowed, f"{where}: expected {expected!r}, got {got!r}" + (
        f" -> {response['Location']}" if response.has_header("Location") else ""
    )
    refused = got in matrix.DENIED and not row.spec.get("not_a_refusal")
    if row.method in matrix.WRITE_METHODS and refused:
        # The fingerprint is the judge; the captured statements only spare
        # computing it when the request wrote nothing but its session.
        writes = matrix.suspicious_writes(queries.captured_queries)
        if writes or FULL_CHECK:
            changed = matrix.fingerprint_diff(
                world.objects["baseline"], matrix.fingerprint()
            )
            assert not changed, (
                f"{where}: refused with {got!r} but wrote to {changed}: {writes}"
            )
