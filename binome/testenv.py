"""pytest plugin loaded with ``-p binome.testenv`` before pytest-django reads
the settings: it gives the test run the environment a deployment would have
(a secret key, DEBUG off) without weakening the settings file itself.

It also adds ``--clock-shift=DAYS``: the whole run, every xdist worker and the
live server's threads included, sees the wall clock moved that many days
ahead (and still ticking). ``make test`` runs the SQLite suite once so, one
year ahead: a test that passes only in the month it was written fails there.
Tests that need a given day freeze the clock themselves (``time_machine``),
which overrides the shift for their duration.
"""

from __future__ import annotations

import datetime
import os
from typing import Any

import pytest

os.environ.setdefault("SECRET_KEY", "test-only-" + "k" * 50)
os.environ.setdefault("DEBUG", "0")
# The test client speaks plain HTTP.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")


_TRAVELLER = pytest.StashKey[Any]()


def pytest_addoption(parser: Any) -> None:
    parser.addoption(
        "--clock-shift",
        type=int,
        default=0,
        metavar="DAYS",
        help="move the wall clock this many days ahead for the whole run",
    )


def pytest_configure(config: Any) -> None:
    days = config.getoption("clock_shift", 0)
    if not days:
        return
    import time_machine

    moved = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
    traveller = time_machine.travel(moved, tick=True)
    traveller.start()
    config.stash[_TRAVELLER] = traveller


def pytest_unconfigure(config: Any) -> None:
    traveller = config.stash.get(_TRAVELLER, None)
    if traveller is not None:
        traveller.stop()


def pytest_report_header(config: Any) -> str | None:
    days = config.getoption("clock_shift", 0)
    if not days:
        return None
    return f"clock moved {days} days ahead: today is {datetime.date.today()}"
