"""The French catalogue is always complete: a missing or fuzzy entry fails."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"
FRENCH_PLURALS = 3  # the catalogue's Plural-Forms: nplurals=3


def _untranslated(po_text: str) -> list[str]:
    problems = []
    for block in po_text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue  # obsolete entries are not used
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        text = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        if not text:
            continue  # the header
        if "#, fuzzy" in block:
            problems.append(f"fuzzy: {text}")
            continue
        strs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        if not strs or any(not "".join(re.findall(r'"(.*)"', s)) for s in strs):
            problems.append(f"untranslated: {text}")
        elif "msgid_plural" in block and len(strs) < FRENCH_PLURALS:
            # French has 3 forms (1, millions, others): a missing one shows
            # the English text.
            problems.append(f"plural forms missing: {text}")
    return problems


def test_the_committed_catalogue_has_no_untranslated_entry():
    assert _untranslated(PO.read_text(encoding="utf-8")) == []


def test_the_checker_catches_a_missing_translation():
    sample = (
        'msgid ""\nmsgstr ""\n\n'
        'msgid "Hello"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "A"\nmsgstr "B"\n'
    )
    assert _untranslated(sample) == ["untranslated: Hello", "fuzzy: A"]


def test_the_checker_catches_a_missing_plural_form():
    sample = (
        'msgid "%(n)s pair"\nmsgid_plural "%(n)s pairs"\n'
        'msgstr[0] "%(n)s binôme"\nmsgstr[1] "%(n)s binômes"\n'
    )
    assert _untranslated(sample) == ["plural forms missing: %(n)s pair"]


def test_the_catalogue_declares_three_plural_forms():
    assert "nplurals=3;" in PO.read_text(encoding="utf-8")


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path):
    """Extract the messages again in a copy of the tree: nothing may come out
    untranslated. A copy, because makemessages rewrites the catalogue in place."""
    root = Path(settings.BASE_DIR)
    for name in ("binome", "templates", "locale"):
        shutil.copytree(
            root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(root / "manage.py", tmp_path / "manage.py")
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "DATABASE_URL": "sqlite:///:memory:"},
    )
    assert result.returncode == 0, result.stderr
    po = tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    assert _untranslated(po.read_text(encoding="utf-8")) == []


def test_catalogue_compiles_with_consistent_placeholders(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_english_times_use_the_24_hour_clock_and_end_a_sentence_cleanly():
    """« 10 a.m. » ended sentences with « a.m.. »; French readers expect 10:00."""
    import datetime

    from django.utils import formats, translation

    moment = datetime.datetime(2026, 9, 14, 14, 30)
    with translation.override("en"):
        text = formats.date_format(moment, "DATETIME_FORMAT")
        assert text == "Sept. 14, 2026, 14:30"
        assert formats.time_format(moment.time()) == "14:30"
    with translation.override("fr"):
        french = formats.date_format(moment, "DATETIME_FORMAT")
        assert french == "14 septembre 2026 14:30"
