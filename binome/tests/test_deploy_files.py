"""The env file template of deploy/ names every variable of the README's
table « Variables d'environnement » (the production smoke test, which runs
the deploy/ files, is binome/tests/test_production_smoke.py)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _readme_variables() -> set[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Variables d'environnement", 1)[1].split("\n\n", 2)[1]
    names: set[str] = set()
    for row in table.splitlines()[2:]:
        first_cell = row.split("|")[1]
        names |= set(re.findall(r"`([A-Z][A-Z0-9_]+)`", first_cell))
    return names


def test_the_env_template_names_every_variable_of_the_readme():
    names = _readme_variables()
    assert {"SECRET_KEY", "BEHIND_PROXY", "GUNICORN_BIND"} <= names
    template = (ROOT / "deploy" / "binome.env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?([A-Z][A-Z0-9_]+)=", template, flags=re.MULTILINE))
    assert sorted(names - named) == []
