"""``manage.py backup`` and ``manage.py restore``: a restored database holds
exactly what was backed up (every table's checksum, its row count, the
sequences, the media files), and a damaged backup restores nothing.

On PostgreSQL the backup is restored into a fresh database created here; on
SQLite into a fresh file. The restore runs as a real ``manage.py`` process
pointed at that database, as an operator would run it.
"""

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from binome.accounts.models import User
from binome.backups import DUMPS, MANIFEST, MEDIA
from binome.demo.services import load_demo

ROOT = Path(__file__).resolve().parents[3]

MEDIA_FILES = {
    "certificates/2026/attestation-camille.pdf": b"%PDF-1.7\n" + bytes(range(256)),
    "exports/données personnelles.zip": b"PK\x03\x04" + b"\x00" * 100,
    "vide.txt": b"",
}


def _checksums(db: Any, vendor: str) -> dict[str, tuple[int, str]]:
    """Per table (and per sequence), its row count and a checksum of all its
    rows, from a DB-API connection."""
    found: dict[str, tuple[int, str]] = {}
    cursor = db.cursor()
    if vendor == "postgresql":
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(
                "SELECT COUNT(*), md5(coalesce(string_agg(t::text, ',' "
                f"ORDER BY t::text), '')) FROM public.\"{table}\" t"
            )
            found[table] = cursor.fetchone()
        cursor.execute(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = 'public'"
        )
        for name, last_value in cursor.fetchall():
            found[f"sequence {name}"] = (last_value or 0, "")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        for (table,) in cursor.fetchall():
            # quote(): each value as SQL text, untouched by the converters
            # of Django's connection (dates, decimals).
            cursor.execute(f'PRAGMA table_info("{table}")')
            values = " || ',' || ".join(
                f'quote("{column[1]}")' for column in cursor.fetchall()
            )
            cursor.execute(f'SELECT {values} FROM "{table}"')
            rows = sorted(row[0] for row in cursor.fetchall())
            digest = hashlib.md5("\n".join(rows).encode()).hexdigest()
            found[table] = (len(rows), digest)
    return found


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    for name, content in MEDIA_FILES.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def fresh_database(tmp_path) -> Iterator[str]:
    """The URL of a new, empty database of the same kind as the test's."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    params = connection.get_connection_params()
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = {k: v for k, v in params.items() if k in {"host", "port", "user"}}
    admin["password"] = params.get("password") or ""
    with psycopg.connect(dbname="postgres", autocommit=True, **admin) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    url = (
        f"postgres://{admin['user']}:{admin['password']}@{admin.get('host') or ''}"
        f":{admin.get('port') or 5432}/{name}"
    )
    try:
        yield url
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _connect(url: str) -> Any:
    if url.startswith("sqlite:///"):
        return sqlite3.connect(url.removeprefix("sqlite:///"))
    return psycopg.connect(url.replace("postgres://", "postgresql://", 1))


def _manage(*args: str, database_url: str, media_root: Path) -> Any:
    env = dict(os.environ)
    env |= {
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_holds_every_row_sequence_and_file(
    media, fresh_database, tmp_path
):
    load_demo()
    before = _checksums(connection.connection, connection.vendor)
    assert sum(rows for rows, _digest in before.values()) > 5_000
    assert sum(1 for rows, _digest in before.values() if rows) > 30

    call_command("backup", str(tmp_path / "backups"))
    (backup,) = (tmp_path / "backups").iterdir()
    assert sorted(p.name for p in backup.iterdir()) == sorted(
        [DUMPS[connection.vendor], MEDIA, MANIFEST, "backup.json"]
    )
    assert backup.stat().st_mode & 0o077 == 0  # personal data: owner only
    # The manifest is sha256sum's: an operator checks a copy by hand.
    checked = subprocess.run(
        ["sha256sum", "-c", MANIFEST], cwd=backup, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout

    restored_media = tmp_path / "restored-media"
    done = _manage(
        "restore", str(backup), database_url=fresh_database, media_root=restored_media
    )
    assert done.returncode == 0, done.stderr
    assert "Restauré" in done.stdout

    with _connect(fresh_database) as db:
        after = _checksums(db, connection.vendor)
    assert after == before
    for name, content in MEDIA_FILES.items():
        assert (restored_media / name).read_bytes() == content
    assert sum(1 for p in restored_media.rglob("*") if p.is_file()) == len(MEDIA_FILES)

    # Restored once, the database is no longer empty: a second restore is
    # refused, and leaves it as it is.
    again = _manage(
        "restore", str(backup), database_url=fresh_database, media_root=restored_media
    )
    assert again.returncode == 1
    assert "base de données contient déjà" in again.stderr
    with _connect(fresh_database) as db:
        assert _checksums(db, connection.vendor) == before

    # --replace makes it exactly the backup again: a row changed since, a
    # table created since (a later migration's) are gone.
    with _connect(fresh_database) as db:
        db.execute("CREATE TABLE later_migration (id integer PRIMARY KEY)")
        db.execute("INSERT INTO later_migration VALUES (1)")
        db.execute("DELETE FROM django_session")
        db.execute("UPDATE accounts_user SET first_name = 'Changé'")
        db.commit()
    replaced = _manage(
        "restore",
        str(backup),
        "--replace",
        database_url=fresh_database,
        media_root=restored_media,
    )
    assert replaced.returncode == 0, replaced.stderr
    with _connect(fresh_database) as db:
        assert _checksums(db, connection.vendor) == before


def _one_backup(tmp_path: Path) -> Path:
    call_command("backup", str(tmp_path / "backups"))
    (backup,) = (tmp_path / "backups").iterdir()
    return backup


# Below, the backups are checked, never restored: whatever pg_dump sees of
# the test's database will do, and PostgreSQL is spared a flush after each
# test (seconds). SQLite's backup API, run on the test's own connection,
# would wait forever for the test's open transaction: there, commit.
SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


@pytest.mark.django_db(transaction=SQLITE)
@pytest.mark.parametrize("damaged", ["dump", MEDIA])
def test_a_damaged_backup_restores_nothing(media, tmp_path, damaged):
    User.objects.create_user(email="lea@example.com", password="x" * 20)
    backup = _one_backup(tmp_path)
    path = backup / (DUMPS[connection.vendor] if damaged == "dump" else damaged)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    User.objects.create_user(email="apres@example.com", password="x" * 20)
    before = _checksums(connection.connection, connection.vendor)

    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(backup), "--check")
    # Even told to overwrite the database, a damaged backup writes nothing.
    with pytest.raises(CommandError, match="SHA-256") as refused:
        call_command("restore", str(backup), "--replace")
    assert path.name in str(refused.value)
    assert _checksums(connection.connection, connection.vendor) == before
    assert User.objects.filter(email="apres@example.com").exists()
    assert sorted(p.relative_to(media).as_posix() for p in media.rglob("*.*")) == (
        sorted(MEDIA_FILES)
    )


def test_a_backup_into_a_directory_it_cannot_create_says_so(media, tmp_path):
    """Not a traceback: what is wrong, and how an operator fixes it."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with pytest.raises(CommandError) as refused:
        call_command("backup", str(blocker / "backups"))
    message = str(refused.value)
    assert str(blocker / "backups") in message
    assert "install -d -o binome" in message
    assert "Rien n'a été fait" in message


@pytest.mark.django_db(transaction=SQLITE)
def test_a_restore_into_a_database_that_holds_tables_is_refused(media, tmp_path):
    backup = _one_backup(tmp_path)
    call_command("restore", str(backup), "--check")
    User.objects.create_user(email="apres@example.com", password="x" * 20)
    with pytest.raises(CommandError, match="--replace"):
        call_command("restore", str(backup))
    assert User.objects.filter(email="apres@example.com").exists()
