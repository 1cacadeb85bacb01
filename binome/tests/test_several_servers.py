"""Two gunicorn servers and a worker behave as one site (README « Plusieurs
serveurs »): a browser sent to either server, as a load balancer would, keeps
its session, and the limits count its attempts on both servers together.

Real processes, production settings (DEBUG off), the same database; once
with the cache in the database (the default), once with Redis and Celery.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection

from binome.accounts.models import User
from binome.tests import servers

# This helper's own Redis databases: the cache, and Celery's broker.
REDIS_CACHE = "redis://127.0.0.1:6379/5"
REDIS_BROKER = "redis://127.0.0.1:6379/6"
PASSWORD = "Mot-de-passe-solide-42"
LINK = re.compile(r"https?://[^/\s]+(/compte/mot-de-passe/\S+/\S+/)")


def _user(email: str) -> User:
    # The servers know the production hashers only, not the tests' MD5.
    hasher = Argon2PasswordHasher()
    user = User.objects.create_user(email=email, first_name=email.split("@")[0])
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    return user


def _flush_redis() -> None:
    import redis

    for url in (REDIS_CACHE, REDIS_BROKER):
        redis.Redis.from_url(url).flushdb()


@pytest.fixture(params=["database", "redis"])
def site(request, transactional_db, smtp_server, tmp_path: Path):
    """Server A, server B and a worker, on the same database, cache and
    mail server; the worker is Celery with Redis, or the database queue."""
    for email in ("camille@test.example", "bernard@test.example", "nadia@test.example"):
        _user(email)
    smtp_port = _smtp_port()
    env = servers.production_env(
        servers.database_url(connection, tmp_path),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        AXES_FAILURE_LIMIT="5",
    )
    if request.param == "redis":
        _flush_redis()
        env.update(
            CACHE_URL=REDIS_CACHE,
            TASKS_BACKEND="binome.tasks_celery.CeleryBackend",
            CELERY_BROKER_URL=REDIS_BROKER,
        )
    logs = tmp_path / "logs"
    started: list[servers.Process] = []
    try:
        # All three start at once, then each is waited for.
        if request.param == "redis":
            started.append(servers.spawn_celery_worker(env, logs))
        else:
            started.append(servers.start_db_worker(env, logs))
        started += [servers.spawn_gunicorn(env, logs, name=n) for n in ("a", "b")]
        for i in (1, 2):  # a server started again elsewhere replaces its first try
            started[i] = servers.wait_gunicorn(started[i])
        if request.param == "redis":
            servers.wait_celery_worker(started[0])
        yield started[1], started[2], smtp_server
    finally:
        for process in reversed(started):
            process.stop()
            # Shown by pytest when the test fails.
            print(f"--- {process.name}\n{process.output()[-4000:]}")
        if request.param == "redis":
            _flush_redis()


def _smtp_port() -> int:
    from django.conf import settings

    options: dict[str, object] = settings.MAILERS["default"]["OPTIONS"]  # type: ignore[assignment]
    return int(str(options["port"]))


def _login(client: servers.Client, server: servers.Process, email: str, password: str):
    return client.post_form(
        server, "/compte/connexion/", {"login": email, "password": password}
    )


def test_two_servers_share_sessions_limits_and_tasks(site):
    a, b, mailbox = site

    # Logged in on A, known on B; logged out on A, the same cookie is
    # refused on B (the session is gone from the shared store).
    browser = servers.Client()
    assert _login(browser, a, "camille@test.example", PASSWORD).status == 302
    assert browser.get(b, "/compte/").status == 200
    stolen = dict(browser.cookies)
    assert (
        browser.post_form(a, "/compte/deconnexion/", {}, page="/compte/").status == 302
    )
    copy = servers.Client()
    copy.cookies = stolen
    refused = copy.get(b, "/compte/")
    assert refused.status == 302 and "/compte/connexion/" in refused.location

    # Five wrong passwords, three on A and two on B, lock the account on
    # both: the count is the site's, not each server's.
    guesser = servers.Client()
    for server in (a, b, a, b):
        failed = _login(guesser, server, "bernard@test.example", "mauvais")
        assert failed.status == 200, (server.name, failed.status, failed.location)
    fifth = _login(guesser, a, "bernard@test.example", "mauvais")
    assert fifth.status == 429, fifth.status
    for server in (b, a):
        locked = _login(servers.Client(), server, "bernard@test.example", PASSWORD)
        assert locked.status == 429, (server.name, locked.status)

    # « Mot de passe oublié »: five links an hour for one address, asked on
    # either server; the sixth is refused wherever it is asked.
    asker = servers.Client()
    for server in (a, b, a, b, b):
        sent = asker.post_form(
            server, "/compte/mot-de-passe/", {"email": "nadia@test.example"}
        )
        assert sent.status == 302, (server.name, sent.status)
    for server in (a, b):
        refused = asker.post_form(
            server, "/compte/mot-de-passe/", {"email": "nadia@test.example"}
        )
        assert refused.status == 200 and "Trop de liens" in refused.text, server.name

    # The worker sent the five links (tasks queued by A and B). One opened
    # on B, the new password chosen on A (the link's token is in the
    # session), then used to log in on B.
    servers.wait_until(
        lambda: len(mailbox.to("nadia@test.example")) >= 5,
        what="five e-mails to nadia",
    )
    assert len(mailbox.to("nadia@test.example")) == 5
    link = LINK.search(mailbox.body(mailbox.to("nadia@test.example")[-1]))
    assert link, mailbox.body(mailbox.to("nadia@test.example")[-1])
    owner = servers.Client()
    form = owner.get(b, link.group(1))
    assert form.status == 302, form.status
    chosen = owner.post_form(
        a,
        form.location,
        {"new_password1": "Nouveau-secret-77", "new_password2": "Nouveau-secret-77"},
    )
    assert chosen.status == 302, (chosen.status, chosen.text[:2000])
    nadia = servers.Client()
    assert _login(nadia, b, "nadia@test.example", "Nouveau-secret-77").status == 302
    assert nadia.get(a, "/compte/").status == 200
