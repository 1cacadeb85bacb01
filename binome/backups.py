"""Backups of the database and the uploaded files, and their restoration.

A backup is a directory holding:

- ``database.dump`` (PostgreSQL, ``pg_dump -Fc``) or ``database.sqlite3``
  (SQLite, a consistent copy made with SQLite's online backup API);
- ``media.tar.gz``: every file of MEDIA_ROOT;
- ``backup.json``: the database vendor, the date, the latest migration of
  each app;
- ``SHA256SUMS``: the SHA-256 of each of these files, in the format of
  ``sha256sum`` (``sha256sum -c SHA256SUMS`` checks a copy by hand).

A restore checks the whole manifest before it touches anything, refuses a
database that already holds tables (unless ``replace``), and restores the
database in a single transaction: a damaged or mismatched backup writes
nothing. With ``replace`` the database becomes exactly the backup's: on
PostgreSQL every table of the schema is dropped first, in the same
transaction, so that a table created after the backup (a later migration)
does not survive beside it; SQLite's backup API copies the whole file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

MANIFEST = "SHA256SUMS"
INFO = "backup.json"
MEDIA = "media.tar.gz"
DUMPS = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
FORMAT = 1
# Where a restore unpacks the files, inside MEDIA_ROOT, before they replace it.
STAGING = ".binome-restoring"


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why."""


@dataclass(frozen=True)
class Restored:
    vendor: str
    created_at: str
    media_files: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _vendor(connection: BaseDatabaseWrapper) -> str:
    if connection.vendor not in DUMPS:
        raise BackupError(
            _("Backups support PostgreSQL and SQLite, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    return connection.vendor


def _pg_env(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """The environment that points pg_dump and pg_restore at the database."""
    params = connection.get_connection_params()
    env = dict(os.environ)
    for key, variable in (
        ("host", "PGHOST"),
        ("port", "PGPORT"),
        ("user", "PGUSER"),
        ("password", "PGPASSWORD"),
        ("dbname", "PGDATABASE"),
        ("sslmode", "PGSSLMODE"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(
            _("%(program)s is missing: install the PostgreSQL client tools.")
            % {"program": command[0]}
        )
    done = subprocess.run(
        [program, *command[1:]], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise BackupError(
            _("%(program)s failed: %(error)s")
            % {"program": command[0], "error": done.stderr.strip()}
        )


# Drops every table and sequence of the schema the app uses (tables first:
# their own sequences go with them).
EMPTY_SCHEMA = """
DO $$
DECLARE item record;
BEGIN
  FOR item IN SELECT tablename FROM pg_tables WHERE schemaname = current_schema()
  LOOP
    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', item.tablename);
  END LOOP;
  FOR item IN SELECT sequencename FROM pg_sequences
              WHERE schemaname = current_schema()
  LOOP
    EXECUTE format('DROP SEQUENCE IF EXISTS %I CASCADE', item.sequencename);
  END LOOP;
END
$$;
"""


def _writable_directory(path: Path, hint: str) -> None:
    """Create ``path`` if needed and check that this process may write in
    it: a clear message before anything is written, not a traceback."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        problem: str = error.strerror or type(error).__name__
    else:
        if os.access(path, os.W_OK | os.X_OK):
            return
        problem = os.strerror(13)  # Permission denied
    raise BackupError(
        _("Cannot write in %(path)s (%(problem)s). %(hint)s Nothing was done.")
        % {"path": path, "problem": problem, "hint": hint}
    )


def table_names(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return list(connection.introspection.table_names(cursor))


def backup(destination: Path, *, using: str = "default") -> Path:
    """Write a new backup directory under ``destination`` and return it."""
    connection = connections[using]
    vendor = _vendor(connection)
    now = timezone.now()
    target = destination / f"binome-{now:%Y%m%d-%H%M%S}"
    suffix = 1
    while target.exists():
        suffix += 1
        target = destination / f"binome-{now:%Y%m%d-%H%M%S}-{suffix}"
    partial = target.with_name(target.name + ".partial")
    _writable_directory(
        destination,
        _(
            "Create it for the service's account, e.g. "
            "`sudo install -d -o binome -g binome -m 0700 %(path)s`."
        )
        % {"path": destination},
    )
    shutil.rmtree(partial, ignore_errors=True)
    # Personal data: the backup's directory is its owner's alone.
    partial.mkdir(mode=0o700)
    partial.chmod(0o700)
    try:
        dump = partial / DUMPS[vendor]
        if vendor == "postgresql":
            _run(
                ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}"],
                _pg_env(connection),
            )
        else:
            connection.ensure_connection()
            copy = sqlite3.connect(dump)
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
        media_root = Path(settings.MEDIA_ROOT)
        with tarfile.open(partial / MEDIA, "w:gz") as archive:
            if media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    if path.relative_to(media_root).parts[0] == STAGING:
                        continue  # what a restore left half unpacked
                    archive.add(
                        path, arcname=str(path.relative_to(media_root)), recursive=False
                    )
        recorder = MigrationRecorder(connection)
        migrations: dict[str, str] = {}
        if recorder.has_table():
            for app, name in recorder.migration_qs.order_by("app", "name").values_list(
                "app", "name"
            ):
                migrations[app] = name
        info = {
            "format": FORMAT,
            "vendor": vendor,
            "created_at": now.isoformat(),
            "migrations": migrations,
        }
        (partial / INFO).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
        lines = [
            f"{_sha256(partial / name)}  {name}\n"
            for name in (DUMPS[vendor], MEDIA, INFO)
        ]
        (partial / MANIFEST).write_text("".join(lines))
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return target


def verify(source: Path) -> dict[str, Any]:
    """Check every file of the backup against its manifest; return backup.json."""
    manifest = source / MANIFEST
    if not manifest.is_file():
        raise BackupError(
            _("%(path)s is not a Binôme backup: %(manifest)s is missing.")
            % {"path": source, "manifest": MANIFEST}
        )
    expected: dict[str, str] = {}
    for line in manifest.read_text().splitlines():
        digest, _sep, name = line.partition("  ")
        if not name or "/" in name or len(digest) != 64:
            raise BackupError(
                _("%(manifest)s is damaged: %(line)s")
                % {"manifest": MANIFEST, "line": repr(line)}
            )
        expected[name] = digest
    for name, digest in expected.items():
        path = source / name
        if not path.is_file():
            raise BackupError(
                _("The backup is incomplete: %(name)s is missing.") % {"name": name}
            )
        if _sha256(path) != digest:
            raise BackupError(
                _(
                    "%(name)s does not match its SHA-256 in %(manifest)s: the "
                    "backup is damaged. Nothing was restored."
                )
                % {"name": name, "manifest": MANIFEST}
            )
    info: dict[str, Any] = json.loads((source / INFO).read_text())
    if INFO not in expected or MEDIA not in expected:
        raise BackupError(_("The backup is incomplete: its manifest lists too little."))
    if info.get("format") != FORMAT or DUMPS.get(info.get("vendor", "")) not in (
        expected
    ):
        raise BackupError(_("This backup's format is unknown."))
    return info


@contextmanager
def _closed(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Close the connection around a restore by another process."""
    connection.close()
    try:
        yield
    finally:
        connection.close()


def restore(source: Path, *, replace: bool = False, using: str = "default") -> Restored:
    """Restore a backup into the database and MEDIA_ROOT."""
    info = verify(source)
    connection = connections[using]
    vendor = _vendor(connection)
    if info["vendor"] != vendor:
        raise BackupError(
            _(
                "This backup comes from a %(backup)s database; this database is "
                "%(here)s."
            )
            % {"backup": info["vendor"], "here": vendor}
        )
    tables = table_names(connection)
    if tables and not replace:
        raise BackupError(
            _(
                "The database already holds tables: a restore goes into an "
                "empty database. Create a new one, or pass --replace to "
                "overwrite this one. Nothing was restored."
            )
        )
    media_root = Path(settings.MEDIA_ROOT)
    held = media_root.is_dir() and any(p.name != STAGING for p in media_root.iterdir())
    if held and not replace:
        raise BackupError(
            _(
                "MEDIA_ROOT (%(path)s) is not empty: pass --replace to overwrite "
                "it. Nothing was restored."
            )
            % {"path": media_root}
        )
    _writable_directory(
        media_root,
        _("MEDIA_ROOT must belong to the service's account (binome)."),
    )
    # Unpack the files aside first, inside MEDIA_ROOT (the only directory the
    # service's account may write in): a bad archive stops here.
    staging = media_root / STAGING
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        with tarfile.open(source / MEDIA, "r:gz") as archive:
            archive.extractall(staging, filter="data")
        dump = source / DUMPS[vendor]
        if vendor == "postgresql":
            env = _pg_env(connection)
            # The dump as SQL, run by psql in one transaction after (with
            # replace) the statement that empties the schema: all or nothing.
            script = staging.with_name(staging.name + ".sql")
            try:
                _run(
                    [
                        "pg_restore",
                        "--no-owner",
                        "--no-privileges",
                        f"--file={script}",
                        str(dump),
                    ],
                    env,
                )
                sql = script.read_text(encoding="utf-8")
                script.write_text(
                    (EMPTY_SCHEMA if replace else "") + sql, encoding="utf-8"
                )
                with _closed(connection):
                    _run(
                        [
                            "psql",
                            "--no-psqlrc",
                            "--quiet",
                            "--single-transaction",
                            "--set=ON_ERROR_STOP=1",
                            f"--dbname={env.get('PGDATABASE', '')}",
                            f"--file={script}",
                        ],
                        env,
                    )
            finally:
                script.unlink(missing_ok=True)
        else:
            connection.ensure_connection()
            backup_db = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
            try:
                backup_db.backup(connection.connection)
            finally:
                backup_db.close()
        for entry in media_root.iterdir():
            if entry == staging:
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for entry in staging.iterdir():
            entry.rename(media_root / entry.name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = sum(1 for path in media_root.rglob("*") if path.is_file())
    return Restored(vendor, str(info["created_at"]), files)
