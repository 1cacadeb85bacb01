"""The deploy/ files and the settings they rely on, without starting
servers: the env file template names every variable of the README's table
« Variables d'environnement », and BEHIND_PROXY=1 takes the client's address
from X-Forwarded-For. The production smoke test, which runs the deploy/
files for real, is binome/tests/test_production_smoke.py."""

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


def test_behind_the_proxy_the_client_is_the_address_it_forwarded(rf):
    from django.http import HttpRequest, HttpResponse

    from binome.accounts.middleware import ForwardedForMiddleware

    seen: list[HttpRequest] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(request)
        return HttpResponse()

    middleware = ForwardedForMiddleware(view)
    for header, expected in (
        ("203.0.113.7", "203.0.113.7"),
        # A client's own header, then what the proxy appended: the last counts.
        ("10.0.0.1, 2001:db8::5", "2001:db8::5"),
        ("", "127.0.0.1"),
        ("not an address", "127.0.0.1"),
    ):
        request = rf.get("/", HTTP_X_FORWARDED_FOR=header, REMOTE_ADDR="127.0.0.1")
        middleware(request)
        assert seen.pop().META["REMOTE_ADDR"] == expected, header


def test_the_settings_trust_the_forwarded_address_only_behind_the_proxy():
    import os
    import secrets
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.MIDDLEWARE[0])"
    first = {}
    for behind in ("0", "1"):
        env = {
            k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}
        } | {
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DATABASE_URL": "sqlite:///:memory:",
            "BEHIND_PROXY": behind,
        }
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        first[behind] = done.stdout.strip().splitlines()[-1]
    assert first == {
        "0": "binome.ops.middleware.RequestIdMiddleware",
        "1": "binome.accounts.middleware.ForwardedForMiddleware",
    }
