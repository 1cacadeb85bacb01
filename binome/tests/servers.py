"""Real server processes for the tests: gunicorn (``binome.wsgi``), a
Celery worker, a database-queue worker; each in a process group of its own
(gunicorn on a free port of loopback), waited for until it answers, and
stopped with everything it spawned::

    env = production_env(database_url(connection, tmp_path), CACHE_URL=...)
    a = start_gunicorn(env, tmp_path / "logs", name="a")
    try:
        client = Client()
        client.post_form(a, "/compte/connexion/", {"login": ..., "password": ...})
        assert client.get(a, "/compte/").status == 200
    finally:
        a.stop()

``spawn_gunicorn`` then ``wait_gunicorn`` start several at once. The
settings are production's (DEBUG off) but for the static files, which are
not collected (binome/tests/server_settings.py). ``database_url`` shows the
test database to the subprocesses (PostgreSQL: the test database itself,
with ``transactional_db``; SQLite: a file copy of the in-memory test
database, made when it is called).

Used by binome/tests/test_several_servers.py, and by
binome/tests/test_production_smoke.py (processes, ports, forms).
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

BASE_DIR = Path(__file__).resolve().parents[2]
# Generous: two cores shared by many processes import Django slowly.
START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env(database_url: str, **overrides: str) -> dict[str, str]:
    """The environment of a production server (DEBUG off), on plain HTTP on
    loopback: no SSL redirect, 127.0.0.1 as the host name. The settings are
    binome.tests.server_settings: binome.settings without collected static
    files (see there)."""
    env = {
        key: value
        for key, value in os.environ.items()
        # The test run's own choices do not leak into the servers.
        if key not in {"CACHE_URL", "TASKS_BACKEND", "CELERY_BROKER_URL"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "test-only-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="binome.tests.server_settings",
        PYTHONPATH=os.pathsep.join(
            p for p in [str(BASE_DIR), os.environ.get("PYTHONPATH", "")] if p
        ),
        PYTHONUNBUFFERED="1",
    )
    env.pop("DJANGO_CONFIGURATION", None)
    env.update(overrides)
    return env


def database_url(connection: Any, directory: Path) -> str:
    """A DATABASE_URL that shows the test database to other processes.

    PostgreSQL: the test database (the test must use ``transactional_db`` so
    that its rows are committed). SQLite: the test database lives in memory,
    so it is copied to a file in ``directory`` now, rows included; the
    servers then share that file, not the test's own connection."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        user = urllib.parse.quote(settings["USER"] or "")
        password = urllib.parse.quote(settings["PASSWORD"] or "")
        credentials = f"{user}:{password}@" if password else f"{user}@"
        port = f":{settings['PORT']}" if settings["PORT"] else ""
        host = settings["HOST"] or "localhost"
        return f"postgres://{credentials}{host}{port}/{settings['NAME']}"
    if connection.vendor == "sqlite":
        path = directory / "shared.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return f"sqlite:///{path}"
    raise NotImplementedError(connection.vendor)


@dataclass
class Process:
    """A process group started by ``spawn``; its output goes to ``log``."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict, repr=False)
    url: str = ""
    workers: int = 1
    _log_file: IO[bytes] | None = field(default=None, repr=False)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM to the whole group (gunicorn's workers, Celery's pool),
        then SIGKILL if it lingers."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=timeout)
        # Whatever is left of the group (an orphaned worker) goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=timeout)
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None


def spawn(name: str, args: list[str], env: dict[str, str], logs: Path) -> Process:
    """``args`` in a process group of its own, its output appended to
    ``logs/<name>.log`` (appended: a process started again under the same
    name keeps the earlier one's lines)."""
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / f"{name}.log"
    log_file = log.open("ab")
    popen = subprocess.Popen(
        args,
        cwd=BASE_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a process group of its own, to stop it whole
    )
    return Process(name, popen, log, env, _log_file=log_file)


def wait_until(
    check: Any,
    *,
    timeout: float = START_TIMEOUT,
    every: float = 0.2,
    what: str = "",
    processes: Iterable[Process] = (),
) -> Any:
    """Poll ``check()`` until it returns something true; fail after
    ``timeout`` seconds (a bound for a stuck test, not a measurement), or as
    soon as one of ``processes`` exits (with the end of its output)."""
    deadline = time.monotonic() + timeout
    watched = list(processes)
    while True:
        for process in watched:
            if not process.alive():
                raise AssertionError(
                    f"{process.name} exited ({process.popen.returncode}) while "
                    f"waiting for {what or check}:\n{process.output()[-3000:]}"
                )
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what or check}")
        time.sleep(every)


def _answers(process: Process, port: int) -> bool:
    if not process.alive():
        raise RuntimeError(
            f"{process.name} exited ({process.popen.returncode}):\n{process.output()}"
        )
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/compte/connexion/", headers={"Host": "127.0.0.1"})
        status = connection.getresponse().status
    except OSError:
        return False
    finally:
        connection.close()
    if status >= 500:  # started, but broken: no use waiting
        raise RuntimeError(f"{process.name} answers {status}:\n{process.output()}")
    return True


def spawn_gunicorn(
    env: dict[str, str], logs: Path, *, name: str = "gunicorn", workers: int = 1
) -> Process:
    """``gunicorn binome.wsgi`` on a free port of loopback, not waited for
    (``wait_gunicorn``): several servers can start at the same time."""
    port = free_port()
    process = spawn(
        name,
        [
            sys.executable,
            "-m",
            "gunicorn",
            "binome.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
        ],
        env,
        logs,
    )
    process.url = f"http://127.0.0.1:{port}"
    process.workers = workers
    return process


def wait_gunicorn(process: Process) -> Process:
    """Wait until the server answers; if another program took its port
    between ``free_port`` and gunicorn's bind, start it again elsewhere.
    Stops the server and raises (with its output) if it cannot start."""
    for attempt in range(3):
        try:
            wait_until(
                functools.partial(
                    _answers, process, int(process.url.rsplit(":", 1)[1])
                ),
                what=f"{process.name} to answer",
            )
            return process
        except RuntimeError:
            process.stop()
            if "Connection in use" not in process.output():
                raise
        except BaseException:
            process.stop()
            raise
        if attempt == 2:
            raise RuntimeError(f"{process.name}: no free port after 3 attempts")
        logs = process.log.parent
        # spawn() reopens the log: keep the failed attempt's lines.
        process.log.rename(logs / f"{process.name}.port-taken.log")
        process = spawn_gunicorn(
            process.env, logs, name=process.name, workers=process.workers
        )
    raise AssertionError("unreachable")


def start_gunicorn(
    env: dict[str, str], logs: Path, *, name: str = "gunicorn", workers: int = 1
) -> Process:
    """``gunicorn binome.wsgi`` on a free port of loopback, once it answers."""
    return wait_gunicorn(spawn_gunicorn(env, logs, name=name, workers=workers))


def spawn_celery_worker(
    env: dict[str, str], logs: Path, *, name: str = "celery"
) -> Process:
    """``celery -A binome worker`` (one process, queue ``default``), not
    waited for (``wait_celery_worker``). Tasks queued before it is ready wait
    for it in the broker."""
    return spawn(
        name,
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "binome",
            "worker",
            "--pool",
            "solo",
            "--queues",
            "default",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        env,
        logs,
    )


def wait_celery_worker(process: Process) -> Process:
    """Wait until the worker says it is ready; stop it and raise (with its
    output) if it exits first."""

    def ready() -> bool:
        if not process.alive():
            raise RuntimeError(f"{process.name} exited:\n{process.output()}")
        return " ready." in process.output()

    try:
        wait_until(ready, what=f"{process.name} to be ready")
    except BaseException:
        process.stop()
        raise
    return process


def start_celery_worker(
    env: dict[str, str], logs: Path, *, name: str = "celery"
) -> Process:
    """``celery -A binome worker``, once it is ready."""
    return wait_celery_worker(spawn_celery_worker(env, logs, name=name))


def start_db_worker(
    env: dict[str, str], logs: Path, *, name: str = "db_worker"
) -> Process:
    """``manage.py db_worker``, the database queue's worker (it needs no
    wait: what is queued before it polls is taken at its first look)."""
    return spawn(
        name,
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--interval",
            "0.5",
        ],
        env,
        logs,
    )


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(html: str, where: str = "the page") -> str:
    """The CSRF token of the (first) form in ``html``."""
    token = _CSRF_INPUT.search(html)
    assert token, f"no CSRF token on {where}"
    return token.group(1)


class Client:
    """A browser's cookies, sent to whichever server it is given: the
    session cookie set by one server is presented to the other, as a load
    balancer would. Cookies marked Secure are sent over plain HTTP too (the
    servers run without TLS on loopback)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def request(
        self,
        server: Process,
        method: str,
        path: str,
        data: dict[str, str] | None = None,
    ) -> Response:
        parsed = urllib.parse.urlsplit(server.url)
        connection = http.client.HTTPConnection(
            parsed.hostname or "127.0.0.1", parsed.port, timeout=60
        )
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value in ("", '""') or "max-age=0" in header.lower():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return Response(response.status, response.headers, text)

    def get(self, server: Process, path: str) -> Response:
        return self.request(server, "GET", path)

    def post_form(
        self, server: Process, path: str, data: dict[str, str], *, page: str = ""
    ) -> Response:
        """GET the page of the form (``path``, or ``page`` when the form posts
        elsewhere), then POST the form to ``path`` with its CSRF token."""
        shown = self.get(server, page or path)
        token = csrf_token(shown.text, f"{page or path} ({shown.status})")
        return self.request(
            server, "POST", path, {"csrfmiddlewaretoken": token, **data}
        )
