"""Everything the database holds, as text, to look for strings in it."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from django.db import connection


def dumpdata() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def raw_rows() -> list[tuple[str, str]]:
    """(table, value) for every value of every column of every table, read
    with plain SQL (so nothing a model hides is missed)."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")
            for values in cursor.fetchall():
                for value in values:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "ignore")
                    if value is not None:
                        found.append((table, str(value)))
    return found


def variants(needle: str) -> set[str]:
    """The needle as text and as JSON escapes it (« \\u00e9 »)."""
    return {needle.lower(), json.dumps(needle.lower())[1:-1]}


def occurrences(needles: list[str]) -> list[str]:
    """Where any needle appears: in dumpdata's output, or in a raw column."""
    hits = []
    dump = dumpdata().lower()
    for needle in needles:
        for form in variants(needle):
            if form in dump:
                start = dump.index(form)
                hits.append(f"dumpdata: …{dump[max(0, start - 120) : start + 60]}…")
    for table, value in raw_rows():
        lowered = value.lower()
        for needle in needles:
            if any(form in lowered for form in variants(needle)):
                hits.append(f"{table}: {value[:160]}")
    return hits
