"""The docstring examples of every pairmaker module run, and pass.

An example doctest does not find (in a string that is not a docstring, or
on an object imported from elsewhere) would silently never run: so each
module must run exactly as many examples as its source has prompts.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import pairmaker

MODULES = [
    "pairmaker",
    *sorted(m.name for m in pkgutil.walk_packages(pairmaker.__path__, "pairmaker.")),
]
PROMPT = re.compile(r"^\s*>>>( |$)", re.MULTILINE)


def prompts(name: str) -> int:
    source = importlib.import_module(name).__file__
    assert source is not None
    return len(PROMPT.findall(Path(source).read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_pass(name: str) -> None:
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner()
    report: list[str] = []
    for test in doctest.DocTestFinder().find(module):
        runner.run(test, out=report.append)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, "".join(report)
    assert attempted == prompts(name)


def test_the_public_functions_have_examples() -> None:
    # match, recommend and allowed_pairs show how they are called.
    assert prompts("pairmaker.solve") >= 3
