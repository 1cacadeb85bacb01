"""Permission-matrix rows of binome.people's URLs (format: binome/tests/matrix.py)."""

from __future__ import annotations

import itertools
from typing import Any

EVERYONE_OK = {"*": 200}
_ADDRESSES = itertools.count()

ROWS: list[dict[str, Any]] = [
    {"url": "people:access_link", "expect": EVERYONE_OK},
    {
        "url": "people:access_link",
        "method": "POST",
        # A new address per case: the matrix keeps the cache (and so the
        # rate limit of 5 links per address) across its cases.
        "data": lambda w: {"email": f"nobody{next(_ADDRESSES)}@x.example"},
        "expect": {"*": 302},
        "why": "the same answer whether the address exists or not",
    },
    {
        "url": "people:activate",
        "kwargs": lambda w: {"token": "faux-jeton"},
        "expect": {"*": 410},
        "why": "a forged or used activation link",
    },
    {
        "url": "people:activate",
        "method": "POST",
        "kwargs": lambda w: {"token": "faux-jeton"},
        "expect": {"*": 410},
    },
    {
        "url": "people:activate_form",
        "expect": {"*": 410},
        "why": "no activation link opened in this session",
    },
    {
        "url": "people:activate_form",
        "method": "POST",
        "data": {"new_password1": "x", "new_password2": "x"},
        "expect": {"*": 410},
    },
]
