"""The rounds and decisions moved from ``programs`` to ``matching`` (#17): an
install migrated before the move keeps its rows, its content types and the
admin permissions given on them, and its queued matching runs.

The migrations run for real, in a separate process and a database of their
own (the suite's databases are built from the models), on the engine of the
pass: SQLite, or PostgreSQL when ``DATABASE_URL`` says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def empty_database_url(tmp_path: Path) -> Iterator[str]:
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'moved.sqlite3'}"
        return
    name = f"{connection.settings_dict['NAME']}_moved"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{name}"
    finally:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.django_db
def test_a_database_migrated_before_the_move_keeps_its_rounds(
    empty_database_url: str,
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "binome.matching.tests.migration_scenario"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": empty_database_url, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["rounds"] == [[1, "done"]]
    assert found["round_pairs"] == [{"mentor": 1, "mentee": 2}]
    assert found["decisions"] == ["lock"]
    # Renamed, not created anew: the group keeps its permissions.
    assert found["content_types"] == [
        ["matching", "matchinground"],
        ["matching", "pairdecision"],
    ]
    assert found["group_permissions"] == [
        ["matching", "view_matchinground"],
        ["matching", "view_pairdecision"],
    ]
    # A run queued before the upgrade finds its task at its new path.
    assert found["tasks"] == ["binome.matching.rounds.run_matching_round"]
