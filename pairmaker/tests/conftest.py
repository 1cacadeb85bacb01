"""pairmaker's tests need neither Django nor a database.

The project's root conftest has an autouse fixture that asks for pytest-django's
``settings``; overriding it here by name keeps these tests runnable with
``-p no:django`` (and unchanged under pytest-django).
"""

import pytest


@pytest.fixture(autouse=True)
def _fast_tests() -> None:
    return None
