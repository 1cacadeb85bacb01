"""``manage.py demo`` is safe by default: it refuses to run outside DEBUG, and
with the demo-database flag never gives an account a known password.

These tests start from an empty database (not the demo loaded once for
test_demo.py: a second load writes nothing, so a refusal would go unnoticed).
"""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory

from binome.accounts.models import User
from binome.demo.management.commands.demo import DEMO_DATABASE_FLAG
from binome.demo.services import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[3]


def _row_counts() -> dict[str, int]:
    """The number of rows of every table of the database."""
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def test_outside_debug_the_demo_refuses_and_writes_nothing(settings):
    settings.DEBUG = False
    before = _row_counts()
    with pytest.raises(CommandError) as refused:
        call_command("demo")
    assert "DEBUG=1" in str(refused.value)
    assert "Rien n'a été écrit" in str(refused.value)
    assert DEMO_DATABASE_FLAG in str(refused.value)
    assert _row_counts() == before


def test_the_refusal_is_on_stderr_with_a_non_zero_status(tmp_path):
    # A real `manage.py demo` with the production settings (DEBUG unset), on
    # a new SQLite file: it stays without a single table.
    database = tmp_path / "prod.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL"}}
    env |= {"DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "ERREUR : manage.py demo" in done.stderr
    assert "ERROR: manage.py demo" in done.stderr
    assert done.stdout == ""
    if database.exists():
        with sqlite3.connect(database) as db:
            assert db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone() == (0,)


def test_a_demo_database_outside_debug_gets_a_random_password_shown_once(
    settings, capsys
):
    settings.DEBUG = False
    # A demo loaded earlier in DEBUG: its accounts have the README's password.
    User.objects.create_user(
        email="admin@binome.example",
        password=DEMO_PASSWORD,
        is_staff=True,
        is_superuser=True,
    )
    call_command("demo", DEMO_DATABASE_FLAG)
    out = capsys.readouterr().out
    assert DEMO_PASSWORD not in out
    shown = re.search(r"\((?:password|mot de passe) ?: (\S+)\)", out)
    assert shown
    password = shown.group(1)
    assert len(password) >= 20
    request = RequestFactory().post("/")
    demo_accounts = User.objects.filter(email__endswith="@binome.example")
    assert demo_accounts.filter(is_superuser=True).exists()
    for user in demo_accounts:
        assert not user.check_password(DEMO_PASSWORD), user.email
    for email in ("admin", "rh", "camille"):
        assert authenticate(
            request, username=f"{email}@binome.example", password=password
        )

    # Run again: a new password, the previous one no longer opens anything.
    call_command("demo", DEMO_DATABASE_FLAG)
    out = capsys.readouterr().out
    assert password not in out
    assert not authenticate(request, username="admin@binome.example", password=password)
