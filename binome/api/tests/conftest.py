"""Fixtures of the API tests: tokens for the shared cast, and a client that
sends them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from binome.accounts.models import ApiToken, Scope

ALL_SCOPES = [Scope.READ, Scope.WRITE]


@pytest.fixture
def make_token():
    def _make(
        person: Any,
        scopes: list[str] | None = None,
        expires_in: datetime.timedelta | None = datetime.timedelta(days=30),
    ) -> str:
        _token, clear = ApiToken.issue(
            owner=person.user,
            name="test",
            scopes=list(scopes or ALL_SCOPES),
            expires_at=timezone.now() + expires_in if expires_in else None,
        )
        return clear

    return _make


class ApiClient:
    """The Django test client, sending a bearer token and JSON bodies."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            path,
            body if body is not None else {},
            content_type="application/json",
            headers=self.headers,
        )


@pytest.fixture
def api_as(make_token):
    def _as(person: Any, scopes: list[str] | None = None) -> ApiClient:
        return ApiClient(make_token(person, scopes))

    return _as


@pytest.fixture
def anonymous_api() -> ApiClient:
    return ApiClient(None)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """How many cases schemathesis ran in this process (the brief bounds them)."""
    import sys

    module = sys.modules.get("binome.api.tests.test_schemathesis")
    cases = getattr(module, "CASES", None)
    if cases:
        from collections import Counter

        terminalreporter.write_line(f"schemathesis: {len(cases)} cases")
        for (operation, status), n in sorted(Counter(cases).items()):
            terminalreporter.write_line(f"  {operation} -> {status}: {n}")
