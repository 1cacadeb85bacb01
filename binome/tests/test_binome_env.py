"""deploy/binome-env: the env file read as systemd reads it, for cron lines,
the operator's commands and deploy/upgrade.sh (which the production smoke
test runs for real)."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "binome-env"

ENV_FILE = """\
# a comment
; another
DEFAULT_FROM_EMAIL=Binôme <binome@exemple.fr>
WITH_DOLLAR=$HOME and `date` and spaces
QUOTED="a quoted value"
SINGLE='single quoted'
  PADDED = around
DATABASE_URL=postgres://binome@127.0.0.1/binome
EMPTY=
"""


def run(tmp_path: Path, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
    env_file = tmp_path / "binome.env"
    env_file.write_text(ENV_FILE, encoding="utf-8")
    base = {"PATH": os.environ["PATH"], "BINOME_ENV_FILE": str(env_file)}
    return subprocess.run(
        [str(SCRIPT), *command],
        env=base | env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_values_arrive_as_written_in_the_file(tmp_path):
    done = run(tmp_path, "env")
    assert done.returncode == 0, done.stderr
    seen = dict(line.split("=", 1) for line in done.stdout.splitlines())
    assert seen["DEFAULT_FROM_EMAIL"] == "Binôme <binome@exemple.fr>"
    assert seen["WITH_DOLLAR"] == "$HOME and `date` and spaces"
    assert seen["QUOTED"] == "a quoted value"
    assert seen["SINGLE"] == "single quoted"
    assert seen["PADDED"] == "around"
    assert seen["EMPTY"] == ""
    assert "a comment" not in done.stdout


def test_a_variable_set_on_the_command_line_wins(tmp_path):
    done = run(
        tmp_path,
        "sh",
        "-c",
        'printf "%s" "$DATABASE_URL"',
        DATABASE_URL="postgres://binome@127.0.0.1/binome_exercice",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "postgres://binome@127.0.0.1/binome_exercice"


def test_the_command_exit_status_is_kept_and_errors_are_in_french(tmp_path):
    assert run(tmp_path, "sh", "-c", "exit 3").returncode == 3
    missing = subprocess.run(
        [str(SCRIPT), "true"],
        env={"PATH": os.environ["PATH"], "BINOME_ENV_FILE": str(tmp_path / "none")},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert missing.returncode == 1
    assert "fichier d'environnement illisible" in missing.stderr
    assert run(tmp_path).returncode == 2  # no command: usage
