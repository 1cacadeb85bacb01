"""Packaging: pyproject.toml declares every direct dependency, requirements*.txt
pins them and nothing else (but what they need), and ``pip install .`` gives a
working, French-speaking ``binome`` command.
"""

import ast
import functools
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# Modules the application loads by name, never by an import statement.
NAMED_IN_SETTINGS = {
    "psycopg": "DATABASE_URL=postgres://… (Django's PostgreSQL backend)",
    "argon2": "PASSWORD_HASHERS (Argon2)",
    "whitenoise": "MIDDLEWARE",
    "django_tasks_db": "INSTALLED_APPS, TASKS",
    "redis": "CACHES (CACHE_URL=redis://…), Celery's broker",
    "gunicorn": "the production server (deploy/)",
    "prometheus_client": "the metrics",
    "pythonjsonlogger": "LOGGING (JSON logs)",
}


def _declared(requirements: list[str]) -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in map(Requirement, requirements)}


RUNTIME = _declared(PYPROJECT["dependencies"])
DEV = _declared(PYPROJECT["optional-dependencies"]["dev"])


def _pins(name: str) -> dict[str, Requirement]:
    """The requirements of a requirements file (its own lines, not its -r)."""
    pins: dict[str, Requirement] = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            requirement = Requirement(line)
            pins[canonicalize_name(requirement.name)] = requirement
    return pins


RUNTIME_PINS = _pins("requirements.txt")
DEV_PINS = _pins("requirements-dev.txt")


def _imported(test_code: bool) -> dict[str, set[str]]:
    """Top-level modules imported by the application (or by its tests), with
    the files that import each, standard library and our own packages left out."""
    found: dict[str, set[str]] = {}
    files = [*ROOT.glob("binome/**/*.py"), *ROOT.glob("pairmaker/**/*.py")]
    for path in [*files, ROOT / "conftest.py", ROOT / "manage.py"]:
        relative = path.relative_to(ROOT)
        is_test = (
            "tests" in relative.parts
            or path.name.startswith("test")
            or path.name == "conftest.py"
        )
        if is_test != test_code:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], set()).add(str(relative))
    local = {"binome", "pairmaker", "bench", "conftest", "manage"}
    return {
        module: where
        for module, where in found.items()
        if module not in sys.stdlib_module_names and module not in local
    }


@functools.cache
def _distributions() -> Mapping[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _uncovered(modules: dict[str, set[str]], declared: set[str]) -> list[str]:
    distributions = _distributions()
    missing = []
    for module, where in sorted(modules.items()):
        providers = {canonicalize_name(d) for d in distributions.get(module, [])}
        if not providers & declared:
            missing.append(f"{module} ({', '.join(sorted(where)[:3])})")
    return missing


def test_every_declared_dependency_is_pinned_with_its_extras():
    for name, requirement in RUNTIME.items():
        pin = RUNTIME_PINS.get(name)
        assert pin is not None, f"{name}: not in requirements.txt"
        assert [s.operator for s in pin.specifier] == ["=="], pin
        assert pin.extras == requirement.extras, (pin, requirement)
    for name in DEV:
        pin = DEV_PINS.get(name) or RUNTIME_PINS.get(name)
        assert pin is not None, f"{name}: in no requirements file"
        assert [s.operator for s in pin.specifier] == ["=="], pin


def test_the_application_imports_only_declared_dependencies():
    runtime = _imported(test_code=False)
    for module in NAMED_IN_SETTINGS:
        runtime.setdefault(module, set()).add("settings")
    assert _uncovered(runtime, set(RUNTIME)) == []


def test_the_tests_import_only_declared_dependencies():
    assert _uncovered(_imported(test_code=True), set(RUNTIME) | set(DEV)) == []


def test_the_checker_sees_an_undeclared_import():
    assert "tablib" in _imported(test_code=False)
    assert _uncovered({"tablib": {"x.py"}}, set(RUNTIME) - {"tablib"}) == [
        "tablib (x.py)"
    ]


def _closure(roots: dict[str, Requirement]) -> set[str]:
    """The declared distributions and all they need, as installed here (with
    their extras and this machine's environment markers)."""
    seen: set[str] = set()
    todo = [(name, set(r.extras)) for name, r in roots.items()]
    extras_seen: dict[str, set[str]] = {}
    while todo:
        name, extras = todo.pop()
        if name in seen and extras <= extras_seen[name]:
            continue
        seen.add(name)
        extras_seen[name] = extras_seen.get(name, set()) | extras
        for line in importlib.metadata.requires(name) or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is None or any(
                marker.evaluate({"extra": extra}) for extra in extras or {""}
            ):
                todo.append(
                    (canonicalize_name(requirement.name), set(requirement.extras))
                )
    return seen


def test_requirements_pin_exactly_the_declared_dependencies_and_what_they_need():
    # A pin nothing declared needs is a dependency missing from pyproject (or
    # a leftover); a needed distribution without a pin escapes the pins.
    runtime = _closure(RUNTIME)
    assert set(RUNTIME_PINS) - runtime == set(), "pinned, needed by nothing declared"
    assert runtime - set(RUNTIME_PINS) == set(), "needed but not pinned"
    everything = _closure(RUNTIME | DEV)
    assert set(DEV_PINS) - everything == set(), "dev pin needed by nothing declared"
    assert everything - set(RUNTIME_PINS) - set(DEV_PINS) == set()


def _uv() -> str | None:
    beside = Path(sys.executable).parent / "uv"
    return str(beside) if beside.exists() else shutil.which("uv")


def _run(env: dict[str, str]) -> dict[str, Any]:
    return {
        "env": env,
        "capture_output": True,
        "text": True,
        "timeout": 300,
        "check": True,
    }


@pytest.mark.skipif(_uv() is None, reason="uv is not installed (scripts/bootstrap)")
def test_pip_install_gives_a_working_binome_command_in_french(tmp_path):
    # A fresh virtual environment, offline, from uv's cache: the wheel is
    # built from this checkout (--refresh-package: never an older build).
    uv = _uv()
    assert uv is not None
    # The sources, copied: the build leaves build/ and *.egg-info behind, and
    # uv caches the wheel of a directory by its path (a fresh path: a fresh
    # build of today's code and catalogue).
    source = tmp_path / "source"
    for name in ("binome", "pairmaker", "locale"):
        shutil.copytree(
            ROOT / name,
            source / name,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.pyc"),
        )
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, source / name)
    venv = tmp_path / "venv"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "UV"))}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    subprocess.run(
        [uv, "venv", "-q", "--python", sys.executable, str(venv)], **_run(env)
    )
    # Offline: every wheel comes from uv's cache (filled by scripts/bootstrap).
    subprocess.run(
        [uv, "pip", "install", "-q", "--offline", "--python", str(venv / "bin/python"),
         "-c", str(ROOT / "requirements.txt"), str(source)],
        cwd=tmp_path, **_run(env),
    )  # fmt: skip
    run = _run(env)
    elsewhere = tmp_path / "rh"
    elsewhere.mkdir()
    shutil.copy(ROOT / "docs/example.csv", elsewhere / "binomes.csv")
    binome = str(venv / "bin/binome")
    fr = subprocess.run(
        [binome, "match", "binomes.csv", "-o", "paires.csv"], cwd=elsewhere, **run
    )
    assert re.search(r"\d+ binômes ; \d+ mentorés appariés sur \d+", fr.stdout)
    assert "optimum prouvé" in fr.stdout
    assert "décloisonne les directions" in (elsewhere / "paires.csv").read_text()
    en = subprocess.run(
        [binome, "match", "--lang", "en", "binomes.csv", "-o", "pairs.csv"],
        cwd=elsewhere,
        **run,
    )
    assert re.search(r"\d+ pairs; \d+ of \d+ mentees matched", en.stdout)
    assert "crosses departments" in (elsewhere / "pairs.csv").read_text()
    # The installed command imports the installed package, not this checkout.
    where = subprocess.run(
        [str(venv / "bin/python"), "-c", "import binome; print(binome.__file__)"],
        cwd=elsewhere,
        **run,
    )
    assert str(venv) in where.stdout
