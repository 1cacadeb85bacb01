"""The migrations, run for real from an empty database, build the schema the
models describe.

The suite's test databases are created from the models (``--nomigrations`` in
pyproject.toml: migrating them cost each xdist worker about 15 seconds per
pass). This test is where the migrations themselves run, on the database
engine of the pass (SQLite, or PostgreSQL when ``DATABASE_URL`` says so), in a
separate process and a database of their own, as ``manage.py migrate`` runs
them on an install. ``makemigrations --check`` (in ``make test``) proves that
no migration is missing; this test proves that the existing ones apply and
agree with the models, column by column and constraint by constraint.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

ROOT = Path(__file__).resolve().parents[2]


def _schema(conn: Any) -> dict[str, Any]:
    """Each table's columns (name, nullable) and named constraints."""
    introspection = conn.introspection
    schema = {}
    with conn.cursor() as cursor:
        for table in introspection.get_table_list(cursor):
            if table.type != "t" or table.name.startswith("sqlite_"):
                continue
            if table.name == "django_migrations":  # the migrations' own log
                continue
            columns = {
                (column.name, bool(column.null_ok))
                for column in introspection.get_table_description(cursor, table.name)
            }
            constraints = {
                (name, tuple(info["columns"] or ()), bool(info["unique"]))
                for name, info in introspection.get_constraints(
                    cursor, table.name
                ).items()
                # Names the database makes up itself differ between a table
                # created at once and one rebuilt by a migration.
                if not name.startswith(("sqlite_autoindex", "__unnamed"))
                and not (info["primary_key"] or info["foreign_key"])
            }
            schema[table.name] = (columns, constraints)
    return schema


@pytest.fixture
def migrated(tmp_path: Path) -> Any:
    """A new, empty database of the same engine, migrated by ``manage.py
    migrate`` in a fresh process; yields a connection to it."""
    settings = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        name = str(tmp_path / "migrated.sqlite3")
        url = f"sqlite:///{name}"
    else:
        name = f"{settings['NAME']}_migrations"
        # CREATE DATABASE cannot run in the test's transaction.
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        # The pass's own URL (password, socket and all), another database.
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        url = f"{base}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    handler = ConnectionHandler({"default": {**settings, "NAME": name}})
    other = handler["default"]
    try:
        yield other
    finally:
        other.close()
        if connection.vendor != "sqlite":
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.django_db
def test_migrations_build_the_schema_of_the_models(migrated: Any) -> None:
    from_models = _schema(connection)
    from_migrations = _schema(migrated)
    assert sorted(from_migrations) == sorted(from_models)
    differences = {
        table: {
            "columns only in the migrations": from_migrations[table][0]
            - from_models[table][0],
            "columns only in the models": from_models[table][0]
            - from_migrations[table][0],
            "constraints only in the migrations": from_migrations[table][1]
            - from_models[table][1],
            "constraints only in the models": from_models[table][1]
            - from_migrations[table][1],
        }
        for table in from_models
    }
    differences = {
        table: {what: found for what, found in diff.items() if found}
        for table, diff in differences.items()
    }
    assert {table: diff for table, diff in differences.items() if diff} == {}
    # The data migrations ran: the reference data is there.
    with migrated.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM skills_skill")
        assert cursor.fetchone()[0] > 0
