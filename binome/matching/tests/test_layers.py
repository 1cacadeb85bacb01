"""Only ``binome.matching`` imports the engine, and the apps below it
(accounts, people, skills, programs) never import it: the folders show the
architecture (docs: /work/shared/STYLE.md, « Dependencies point one way »).

Imports are read from the source (``ast``), tests included for the engine,
so a lazy import inside a function counts too."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BELOW_MATCHING = ("accounts", "people", "skills", "programs")


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _imports(modules: set[str], package: str) -> bool:
    return any(m == package or m.startswith(f"{package}.") for m in modules)


def test_only_the_matching_app_imports_the_engine() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "binome").rglob("*.py"))
        if not path.is_relative_to(ROOT / "binome" / "matching")
        and _imports(imported_modules(path), "pairmaker")
    ]
    assert offenders == []


def test_no_app_below_matching_imports_it() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for app in BELOW_MATCHING
        for path in sorted((ROOT / "binome" / app).rglob("*.py"))
        if "tests" not in path.relative_to(ROOT).parts
        and _imports(imported_modules(path), "binome.matching")
    ]
    assert offenders == []


def test_the_checks_see_an_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        "def f():\n    from binome.matching import rounds\n    import pairmaker.model\n"
    )
    modules = imported_modules(module)
    assert _imports(modules, "binome.matching")
    assert _imports(modules, "pairmaker")
    assert not _imports(modules, "binome.match")
