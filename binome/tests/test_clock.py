"""The test clock: every test starts at the story's moment, and
``--clock-shift`` moves a whole run's clock ahead (binome/testenv.py)."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import time_machine
from django.utils import timezone

from conftest import STORY_NOW

ROOT = Path(__file__).resolve().parents[2]


def test_a_test_starts_at_the_story_moment():
    now = timezone.now()
    assert STORY_NOW <= now < STORY_NOW + datetime.timedelta(minutes=5)
    assert timezone.localdate() == datetime.date(2026, 11, 22)


def _today_in_a_run(tmp_path: Path, *options: str) -> datetime.date:
    """The date a test sees in a separate pytest run with ``options``."""
    seen = tmp_path / "today.txt"
    (tmp_path / "test_today.py").write_text(
        "import datetime, os\n"
        "def test_today():\n"
        "    with open(os.environ['SEEN'], 'w') as f:\n"
        "        f.write(datetime.date.today().isoformat())\n"
    )
    command = [sys.executable, "-m", "pytest", "-q", "-p", "binome.testenv"]
    command += ["-p", "no:django", "-p", "no:cacheprovider", *options]
    result = subprocess.run(
        [*command, "test_today.py"],
        cwd=tmp_path,
        env={**os.environ, "SEEN": str(seen), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return datetime.date.fromisoformat(seen.read_text())


def test_clock_shift_moves_the_whole_run_ahead(tmp_path):
    # The real date, outside this test's own frozen clock.
    real = time_machine.escape_hatch.datetime.date.today()
    plain = _today_in_a_run(tmp_path)
    shifted = _today_in_a_run(tmp_path, "--clock-shift=365")
    # A run may straddle midnight: allow one day either way.
    assert abs((plain - real).days) <= 1
    assert abs((shifted - real).days - 365) <= 1
