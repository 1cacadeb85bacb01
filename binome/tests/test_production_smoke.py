"""Production smoke test: Binôme installed the way README « Mise en production »
says, with the files of deploy/, and used over HTTPS.

A fresh PostgreSQL database; ``migrate``, ``collectstatic`` and ``check
--deploy`` with the variables of deploy/binome.env.example; gunicorn and the
task worker started from the ExecStart lines of their systemd units (the
paths of the units and of the env file moved to this checkout and a
temporary directory); Debian's nginx in front with deploy/nginx/binome.conf
and a self-signed certificate; an SMTP server (aiosmtpd) on loopback. Nothing
of the demo: the organisation comes from ``create_organisation``, its HR
administrator activates her account from the e-mail the worker sent, the
rest through the application's services. Then, through nginx: each role's
main page, static files served by nginx, HTTP redirected to HTTPS, a
matching round run by the worker process, the periodic jobs of the timers,
and an upgrade (deploy/upgrade.sh: HUP to gunicorn) during requests, none of
which may fail.

Marked ``production``: deselected from the two passes of ``make test``,
which runs it as its own phase when PostgreSQL answers
(``pytest -m production binome/tests/test_production_smoke.py``).

To extend it (a health page, metrics…): use the ``stack`` fixture; it gives
the HTTPS base URL, a logged-in session per role, the env of the processes,
their logs and PIDs.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import os
import re
import secrets
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
import requests
import requests.adapters

from binome.tests import servers
from binome.tests.servers import Process, csrf_token, free_port, spawn

pytestmark = pytest.mark.production

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
NGINX = os.environ.get("NGINX", "/usr/sbin/nginx")
# What the deploy files call the install's places, and where the test puts them.
INSTALL_DIR = "/srv/binome"
RUNTIME_DIR = "/run/binome-web"
METRICS_TOKEN = secrets.token_urlsafe(32)
STATE_DIR = "/var/lib/binome"
ENV_FILE = "/etc/binome/binome.env"

ORGANISATION = "Acme Énergie"
PROGRAMME_SLUG = "pilote-acme"
PASSWORD = "Un-vrai-secret-de-prod-2026"
# Mentors (level 1-2) and mentees (level 4-5) of an HRIS file.
HRIS_CSV = (
    "matricule;prénom;nom;e-mail;direction;niveau;langues\n"
    "A1;Nadia;Sow;nadia.sow@acme.example;DSI;1;fr|en\n"
    "A2;Hugo;Lenoir;hugo.lenoir@acme.example;Finance;5;fr\n"
    "A3;Inès;Faure;ines.faure@acme.example;Data;2;fr\n"
    "A4;Marc;Petit;marc.petit@acme.example;Achats;4;fr|en\n"
    "A5;Sophie;Garnier;sophie.garnier@acme.example;Direction générale;5;fr\n"
)
# Run by `manage.py shell` with the production variables: the programme,
# the HRIS import, two volunteers accepted per role, and a sponsor, through
# the services the pages use. Nadia (mentor), Hugo (mentee) and Sophie
# (sponsor) get a password so that the test can log in as them.
SEED = f"""
from binome.accounts.models import User
from binome.people.models import Organisation, Person
from binome.programs import imports, services
from binome.programs.models import Enrolment, Programme

org = Organisation.objects.get(name={ORGANISATION!r})
hr = User.objects.get(email="rh@acme.example")
programme = Programme.objects.create(
    organisation=org, name="Pilote Acme", slug={PROGRAMME_SLUG!r},
    status=Programme.Status.RECRUITING, mentor_max_level=2, mentee_min_level=4,
    require_preparation=False,
)
programme.managers.add(hr)
upload = imports.store_upload(
    programme=programme, content={HRIS_CSV.encode()!r}, file_name="sirh.csv", by=hr
)
plan = imports.apply_import(upload=upload)
rejected = [(row.number, row.reasons) for row in plan.rows if row.action == "reject"]
assert not plan.errors and not rejected, (plan.errors, rejected)
for employee_id in ("A1", "A2", "A5"):
    person = Person.objects.get(organisation=org, employee_id=employee_id)
    person.user = User.objects.create_user(
        email=person.email, password={PASSWORD!r},
        first_name=person.first_name, last_name=person.last_name,
    )
    person.save()
for employee_id, role in (("A1", "mentor"), ("A3", "mentor"), ("A2", "mentee"),
                          ("A4", "mentee")):
    person = Person.objects.get(organisation=org, employee_id=employee_id)
    enrolment = services.volunteer(
        programme=programme, person=person, role=role, consent=True
    )
    services.decide_candidate(enrolment=enrolment, accept=True, by=hr)
services.grant_role(
    programme=programme, person=Person.objects.get(organisation=org, employee_id="A5"),
    role="sponsor", by=hr,
)
print("seeded", Enrolment.objects.filter(status="accepted").count())
"""


def unit(name: str) -> dict[str, str]:
    """The keys of a systemd unit file (the last value of a repeated key)."""
    values: dict[str, str] = {}
    for line in (UNITS / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def env_template() -> dict[str, str]:
    """The variables the env file template sets (commented lines aside)."""
    values: dict[str, str] = {}
    text = (DEPLOY / "binome.env.example").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith(("#", ";")):
            key, sep, value = line.partition("=")
            assert sep, f"binome.env.example: not NAME=value: {line!r}"
            values[key] = value
    return values


@dataclass
class Stack:
    base: str  # https://localhost:<port>
    http_base: str
    tmp: Path
    env: dict[str, str]
    env_file: Path
    cert: Path
    db_url: str
    mailbox: Any
    logs: dict[str, Path] = field(default_factory=dict)
    procs: dict[str, Process] = field(default_factory=dict)
    timings: list[tuple[str, float]] = field(default_factory=list)
    sessions: dict[str, requests.Session] = field(default_factory=dict)
    deploy_check: str = ""

    def substitute(self, text: str) -> str:
        return (
            text.replace(INSTALL_DIR, str(ROOT))
            .replace(STATE_DIR, str(self.tmp / "state"))
            .replace(RUNTIME_DIR, str(self.tmp / "run-web"))
        )

    def command(self, unit_name: str) -> list[str]:
        """The ExecStart of a unit, its paths moved to this checkout."""
        values = unit(unit_name)
        assert values["WorkingDirectory"] == INSTALL_DIR, unit_name
        assert values["EnvironmentFile"] == ENV_FILE, unit_name
        return shlex.split(self.substitute(values["ExecStart"]))

    def unit_env(self, unit_name: str) -> dict[str, str]:
        """What the unit adds to the env file (Environment=NAME=value)."""
        values = unit(unit_name)
        if "Environment" not in values:
            return {}
        name, _, value = values["Environment"].partition("=")
        return {name: self.substitute(value)}

    def start(
        self, name: str, argv: list[str], env: dict[str, str] | None = None
    ) -> Process:
        process = spawn(name, argv, self.env | (env or {}), self.tmp)
        self.logs[name] = process.log
        self.procs[name] = process
        return process

    def manage(self, *args: str, timeout: float = 120) -> str:
        python = self.command("binome-worker.service")[0]
        done = subprocess.run(
            [python, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, (
            f"manage.py {' '.join(args)}: {done.stdout}\n{done.stderr}"
        )
        return done.stdout + done.stderr

    def time(self, label: str, started: float) -> None:
        self.timings.append((label, time.monotonic() - started))

    def session(self) -> requests.Session:
        http = requests.Session()
        # Neither a proxy nor a CA bundle of the environment (requests would
        # prefer REQUESTS_CA_BUNDLE to this certificate).
        http.trust_env = False
        http.verify = str(self.cert)
        return http

    def log_text(self, name: str) -> str:
        return self.logs[name].read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        # SIGTERM to every group first, so that they stop side by side.
        for process in self.procs.values():
            if process.alive():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.popen.pid, signal.SIGTERM)
        for process in self.procs.values():
            process.stop(timeout=15)


def post_form(
    http: requests.Session,
    url: str,
    data: dict[str, str],
    *,
    action: str = "",
) -> requests.Response:
    """GET the page of a form, POST the form (to ``action``, by default the
    page itself) with its CSRF token and the Referer a browser sends (Django
    checks it on HTTPS)."""
    page = http.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return http.post(
        action or page.url,
        data={"csrfmiddlewaretoken": csrf_token(page.text), **data},
        headers={"Referer": page.url},
    )


class FromAddress(requests.adapters.HTTPAdapter):
    """Connections from another loopback address (127.0.0.2): nginx sees a
    client that is not itself."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def log_in(
    stack: Stack, email: str, password: str, *, source: str = ""
) -> requests.Session:
    http = stack.session()
    if source:
        http.mount("https://", FromAddress(source))
    response = post_form(
        http,
        stack.base + "/compte/connexion/",
        {"login": email, "password": password},
    )
    assert response.status_code == 200, response.status_code
    assert urlsplit(response.url).path == "/", (email, response.url)
    return http


def wait_until(what: str, ready: Any, timeout: float, stack: Stack) -> Any:
    """servers.wait_until, failing as soon as a process of the stack exits
    (but the worker an upgrade stops on purpose)."""
    return servers.wait_until(
        ready,
        timeout=timeout,
        what=what,
        processes=[p for name, p in stack.procs.items() if name != "worker-old"],
    )


def answers(url: str, http: requests.Session) -> bool:
    try:
        http.get(url, timeout=2, allow_redirects=False)
    except requests.RequestException:
        return False
    return True


def nginx_conf(stack: Stack, https_port: int, http_port: int, app_port: int) -> str:
    """deploy/nginx/binome.conf on test ports and paths, inside the main
    configuration an nginx package provides (here written for -p tmp)."""
    site = (DEPLOY / "nginx" / "binome.conf").read_text(encoding="utf-8")
    tmp = stack.tmp
    replacements = {
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen [::]:443 ssl http2;": "",
        "server_name binome.exemple.fr;": "server_name localhost;",
        "/etc/ssl/binome/fullchain.pem": str(tmp / "cert.pem"),
        "/etc/ssl/binome/privkey.pem": str(tmp / "key.pem"),
        f"alias {INSTALL_DIR}/staticfiles/;": f"alias {tmp / 'staticfiles'}/;",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
    }
    for old, new in replacements.items():
        assert old in site, f"deploy/nginx/binome.conf no longer has {old!r}"
        site = site.replace(old, new)
    # As root, nginx's workers run as nobody (www-data in Debian's package).
    user = "user nobody nogroup;" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {tmp / ('nginx-' + kind)};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "nginx-error.log"} warn;
daemon off;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {tmp / "nginx-access.log"};
{temp}
{site}
}}
"""


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest) -> Iterator[Stack]:
    from aiosmtpd.controller import Controller

    from conftest import _Mailbox

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter
    if not Path(NGINX).exists():
        pytest.fail(f"nginx is missing ({NGINX}): `make test` installs it with apt")
    started_all = time.monotonic()
    pg = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/binome")
    if not pg.startswith(("postgres://", "postgresql://")):
        pg = "postgres://postgres@127.0.0.1:5432/binome"
    server = pg.rsplit("/", 1)[0]
    admin_url = server.replace("postgres://", "postgresql://", 1) + "/postgres"
    db_name = f"smoke_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{db_name}"')
    tmp = Path(tempfile.mkdtemp(prefix="binome-prod-"))
    tmp.chmod(0o755)  # nginx's unprivileged workers read the static files
    mailbox = _Mailbox()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    https_port, http_port, app_port = free_port(), free_port(), free_port()
    base = f"https://localhost:{https_port}"

    # The env file: the template, its places moved here, its placeholders
    # (the organisation's own values) replaced by the test's.
    template = env_template()
    own = {
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "localhost",
        "CSRF_TRUSTED_ORIGINS": base,
        "SITE_URL": base,
        "DATABASE_URL": f"{server}/{db_name}",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "GUNICORN_BIND": f"127.0.0.1:{app_port}",
        "PRIVACY_DPO_CONTACT": "dpo@acme.example",
        "DEFAULT_FROM_EMAIL": "binome@acme.example",
    }
    missing = sorted(set(own) - set(template))
    assert not missing, f"binome.env.example no longer sets {missing}"
    assert template["DEBUG"] == "0" and template["BEHIND_PROXY"] == "1"
    # Optional in the template (commented out): the metrics page.
    values = template | own | {"GUNICORN_WORKERS": "2", "METRICS_TOKEN": METRICS_TOKEN}
    stack = Stack(
        base=base,
        http_base=f"http://localhost:{http_port}",
        tmp=tmp,
        env={},
        env_file=tmp / "binome.env",
        cert=tmp / "cert.pem",
        db_url=values["DATABASE_URL"],
        mailbox=mailbox,
    )
    values = {k: stack.substitute(v) for k, v in values.items()}
    values["STATIC_ROOT"] = str(tmp / "staticfiles")
    stack.env_file.write_text(
        "".join(f"{k}={v}\n" for k, v in values.items()), encoding="utf-8"
    )
    # What systemd gives a service: a plain PATH, a UTF-8 locale, the
    # EnvironmentFile; nothing of this test process's environment.
    stack.env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(tmp),
        **values,
    }
    try:
        step = time.monotonic()
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes"),
                *("-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")),
                *("-days", "2", "-subj", "/CN=localhost"),
                *("-addext", "subjectAltName=DNS:localhost"),
            ],
            check=True,
            capture_output=True,
        )
        # migrate, and meanwhile collectstatic and check --deploy (neither
        # needs the database).
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            migrate = pool.submit(stack.manage, "migrate", "--no-input")
            static = pool.submit(stack.manage, "collectstatic", "--no-input", "-v0")
            check = pool.submit(
                stack.manage, "check", "--deploy", "--fail-level", "WARNING"
            )
            stack.deploy_check = check.result()
            static.result()
            migrate.result()
        (tmp / "staticfiles").chmod(0o755)
        stack.time("migrate + collectstatic + check --deploy", step)

        step = time.monotonic()
        web_env = stack.unit_env("binome-web.service")
        assert "PROMETHEUS_MULTIPROC_DIR" in web_env
        (tmp / "run-web").mkdir()  # systemd's RuntimeDirectory
        stack.start("gunicorn", stack.command("binome-web.service"), web_env)
        stack.start("worker", stack.command("binome-worker.service"))
        (tmp / "nginx.conf").write_text(
            nginx_conf(stack, https_port, http_port, app_port), encoding="utf-8"
        )
        stack.start(
            "nginx",
            [
                *(NGINX, "-p", str(tmp), "-e", str(tmp / "nginx-error.log")),
                *("-c", str(tmp / "nginx.conf")),
            ],
        )
        wait_until(
            "gunicorn behind nginx",
            lambda: (
                answers(base + "/compte/connexion/", stack.session())
                and "Booting worker" in stack.log_text("gunicorn")
            ),
            60,
            stack,
        )
        stack.time("gunicorn, worker and nginx up", step)

        step = time.monotonic()
        stack.manage(
            "create_organisation",
            ORGANISATION,
            "--admin-email=rh@acme.example",
            "--admin-first-name=Léa",
            "--admin-last-name=Martin",
        )
        superuser = stack.env | {
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
            "DJANGO_SUPERUSER_EMAIL": "dpo@acme.example",
        }
        python = stack.command("binome-worker.service")[0]
        subprocess.run(
            [python, "manage.py", "createsuperuser", "--no-input"],
            cwd=ROOT,
            env=superuser,
            check=True,
            capture_output=True,
        )
        # The activation e-mail: queued by the command, sent by the worker
        # through SMTP, its link pointing at SITE_URL.
        messages = wait_until(
            "the activation e-mail",
            lambda: mailbox.to("rh@acme.example"),
            60,
            stack,
        )
        link = re.search(re.escape(base) + r"/\S+", mailbox.body(messages[0]))
        assert link, mailbox.body(messages[0])
        hr = stack.session()
        page = hr.get(link.group(0))
        assert page.status_code == 200, page.status_code
        activated = post_form(
            hr, page.url, {"new_password1": PASSWORD, "new_password2": PASSWORD}
        )
        assert activated.status_code == 200
        assert urlsplit(activated.url).path == "/", activated.url
        stack.sessions["manager"] = hr
        stack.manage("shell", "-c", SEED)
        stack.time("organisation (e-mail, activation) and programme", step)
        yield stack
    finally:
        stack.stop()
        smtp.stop()
        if request.session.testsfailed:
            for name in stack.logs:
                print(f"\n--- {name} (end) ---\n{stack.log_text(name)[-4000:]}")
            error_log = tmp / "nginx-error.log"
            if error_log.exists():
                print(f"--- nginx-error.log ---\n{error_log.read_text()[-2000:]}")
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        shutil.rmtree(tmp, ignore_errors=True)
        stack.time("whole production smoke test", started_all)
        print()
        for label, seconds in stack.timings:
            print(f"production smoke: {label}: {seconds:.1f} s")


def test_deploy_check_is_clean(stack):
    assert "System check identified no issues" in stack.deploy_check, stack.deploy_check


def test_the_units_pass_systemd_analyze_verify(stack, tmp_path):
    tool = shutil.which("systemd-analyze")
    if tool is None:
        pytest.skip("systemd-analyze is not installed")
    for path in sorted(UNITS.iterdir()):
        text = stack.substitute(path.read_text(encoding="utf-8"))
        text = text.replace(ENV_FILE, str(stack.env_file))
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    done = subprocess.run(
        [tool, "verify", *sorted(str(p) for p in tmp_path.iterdir())],
        capture_output=True,
        text=True,
    )
    # Outside a booted systemd, verify also complains about the host's own
    # units; only ours matter.
    ours = [
        line for line in (done.stdout + done.stderr).splitlines() if "binome-" in line
    ]
    assert ours == [], "\n".join(ours)
    assert done.returncode == 0, done.stdout + done.stderr


def test_http_is_redirected_to_https(stack):
    response = stack.session().get(
        stack.http_base + "/compte/connexion/?next=/", allow_redirects=False
    )
    assert response.status_code == 301
    assert response.headers["Location"] == "https://localhost/compte/connexion/?next=/"


def test_pages_come_from_django_over_https_with_its_security_headers(stack):
    response = stack.session().get(stack.base + "/compte/connexion/")
    assert response.status_code == 200
    headers = response.headers
    # Django's headers, each once (requests joins repeated ones with ", ").
    assert headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Server"].startswith("nginx")
    csrf = next(c for c in response.cookies if c.name == "csrftoken")
    assert csrf.secure


def test_static_files_are_served_by_nginx(stack):
    home = stack.sessions["manager"].get(stack.base + "/")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home.text)
    assert stylesheet, "no stylesheet on the home page"
    path = stylesheet.group(1)
    # collectstatic's hashed name: cached for a year by browsers.
    assert re.search(r"\.[0-9a-f]{12}\.css$", path), path
    response = stack.session().get(
        stack.base + path, headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/css"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip"  # the .gz of collectstatic
    # nginx answered it alone: Django (whitenoise) never served a static file.
    assert requests_counted(stack, "accounts:login") > 0
    assert requests_counted(stack, "static") == 0


def requests_counted(stack: Stack, route: str) -> float:
    """binome_http_requests_total for a route, summed over methods, statuses
    and gunicorn's worker processes, read from /metriques/ through nginx."""
    response = stack.session().get(
        stack.base + "/metriques/",
        headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
    )
    assert response.status_code == 200, response.status_code
    total = 0.0
    for line in response.text.splitlines():
        if line.startswith("binome_http_requests_total{") and (
            f'route="{route}"' in line
        ):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_health_and_metrics_answer_through_nginx(stack):
    health = stack.session().get(stack.base + "/sante/")
    assert health.status_code == 200, health.text
    report = health.json()
    assert report["status"] in {"ok", "degraded"}, report
    assert report["database"]["ok"] is True, report
    # Without the token, the metrics page does not exist.
    assert stack.session().get(stack.base + "/metriques/").status_code == 404
    before = requests_counted(stack, "accounts:login")
    for _ in range(12):
        stack.session().get(stack.base + "/compte/connexion/")
    # Twelve more, whichever of gunicorn's workers served them.
    assert requests_counted(stack, "accounts:login") == before + 12
    assert any((stack.tmp / "run-web").glob("counter_*.db"))


def test_each_role_sees_its_main_page(stack):
    manager = stack.sessions["manager"]
    page = manager.get(f"{stack.base}/programmes/{PROGRAMME_SLUG}/")
    assert page.status_code == 200
    assert "Pilote Acme" in page.text
    for role, email, seen in (
        ("mentor", "nadia.sow@acme.example", "Nadia"),
        ("mentee", "hugo.lenoir@acme.example", "Hugo"),
        ("sponsor", "sophie.garnier@acme.example", "Pilote Acme"),
    ):
        # The mentor from another address, which the audit log must record.
        source = "127.0.0.2" if role == "mentor" else ""
        http = log_in(stack, email, PASSWORD, source=source)
        home = http.get(stack.base + "/")
        assert home.status_code == 200, role
        assert seen in home.text, role
        stack.sessions[role] = http
    with psycopg.connect(stack.db_url.replace("postgres://", "postgresql://", 1)) as db:
        logins = db.execute(
            "SELECT u.email, host(e.ip_address) FROM accounts_auditevent e "
            "JOIN accounts_user u ON u.id = e.actor_id WHERE e.action = 'login'"
        ).fetchall()
    # nginx's X-Forwarded-For, read because BEHIND_PROXY=1: not 127.0.0.1.
    assert ("nadia.sow@acme.example", "127.0.0.2") in logins, logins
    indicators = stack.sessions["sponsor"].get(
        f"{stack.base}/indicateurs/{PROGRAMME_SLUG}/"
    )
    assert indicators.status_code == 200
    # The superuser (the DPO) logs in on the same page; the admin is theirs.
    admin = log_in(stack, "dpo@acme.example", PASSWORD).get(stack.base + "/admin/")
    assert admin.status_code == 200
    assert urlsplit(admin.url).path == "/admin/", admin.url
    assert "Pilote Acme" not in admin.text and "/admin/programs/" in admin.text


def _gunicorn_workers(master: int) -> set[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return {int(pid) for pid in children.read_text().split()}


def test_an_upgrade_reloads_gunicorn_without_dropping_a_request(stack):
    """deploy/upgrade.sh during requests: migrate, collectstatic, check
    --deploy, HUP to gunicorn (systemctl reload), TERM to the worker
    (systemctl restart; systemd starts it again, here the test does)."""
    master = stack.procs["gunicorn"].popen.pid
    old_workers = _gunicorn_workers(master)
    assert len(old_workers) == 2, old_workers
    worker = stack.procs.pop("worker")
    stack.procs["worker-old"] = worker
    stop = threading.Event()
    statuses: list[int | str] = []

    def hammer(path: str, http: requests.Session) -> None:
        while not stop.is_set():
            try:
                statuses.append(http.get(stack.base + path, timeout=30).status_code)
            except requests.RequestException as error:
                statuses.append(repr(error))
            stop.wait(0.2)  # leave the two cores to the upgrade too

    threads = [
        threading.Thread(target=hammer, args=(path, stack.sessions[role]))
        for path, role in (
            ("/", "mentor"),
            (f"/programmes/{PROGRAMME_SLUG}/", "manager"),
            ("/", "sponsor"),
        )
    ]
    for thread in threads:
        thread.start()
    try:
        upgrade = subprocess.run(
            [str(DEPLOY / "upgrade.sh")],
            env=stack.env
            | {
                "BINOME_ENV_FILE": str(stack.env_file),
                "BINOME_INSTALL": "true",  # the venv is this checkout's
                "BINOME_USER": "",  # no binome account here: as this test
                "BINOME_RELOAD_WEB": f"kill -s HUP {master}",
                "BINOME_RESTART_WORKER": f"kill -s TERM {worker.popen.pid}",
            },
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
        # Until both old workers are gone and two new ones serve.
        wait_until(
            "the reload of gunicorn",
            lambda: (
                len(_gunicorn_workers(master) - old_workers) == 2
                and not _gunicorn_workers(master) & old_workers
            ),
            60,
            stack,
        )
        time.sleep(1)  # some requests on the new workers only
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert worker.popen.wait(timeout=30) == 0  # the worker stopped gracefully
    stack.start("worker", stack.command("binome-worker.service"))
    failures = [s for s in statuses if s != 200]
    assert failures == [], failures[:5]
    assert len(statuses) >= 10, statuses
    print(f"production smoke: {len(statuses)} requests during the upgrade, all 200")


def test_a_matching_round_runs_in_the_worker(stack):
    manager = stack.sessions["manager"]
    rounds = f"{stack.base}/programmes/{PROGRAMME_SLUG}/appariement/"
    started = post_form(manager, rounds, {"confirm": "1"}, action=rounds + "lancer/")
    assert started.status_code == 200
    assert re.search(r"/appariement/1/$", started.url), started.url

    def finished() -> str | None:
        with psycopg.connect(
            stack.db_url.replace("postgres://", "postgresql://", 1)
        ) as conn:
            row = conn.execute(
                "SELECT r.status FROM programs_matchinground r "
                "JOIN programs_programme p ON p.id = r.programme_id "
                "WHERE p.slug = %s AND r.number = 1",
                [PROGRAMME_SLUG],
            ).fetchone()
        return row[0] if row and row[0] in ("done", "failed") else None

    assert wait_until("the matching round", finished, 60, stack) == "done"
    page = manager.get(started.url)
    assert page.status_code == 200
    assert "Nadia" in page.text and "Hugo" in page.text


def test_the_periodic_jobs_of_the_timers_run(stack):
    timers = sorted(p.stem for p in UNITS.glob("*.timer"))
    assert timers == [
        "binome-apply-retention",
        "binome-reap-stale-work",
        "binome-refresh-dashboards",
        "binome-send-reminders",
    ]
    for name in timers:
        service = unit(f"{name}.service")
        assert service["Type"] == "oneshot"
        assert unit(f"{name}.timer")["OnCalendar"]
    with concurrent.futures.ThreadPoolExecutor(len(timers)) as pool:
        runs = {
            name: pool.submit(
                subprocess.run,
                stack.command(f"{name}.service"),
                cwd=ROOT,
                env=stack.env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            for name in timers
        }
    for name, run in runs.items():
        done = run.result()
        assert done.returncode == 0, f"{name}: {done.stdout}\n{done.stderr}"
    # /sante/ saw each run: no periodic job is late any more.
    jobs = stack.session().get(stack.base + "/sante/").json()["jobs"]
    for name in (
        "send_reminders",
        "refresh_dashboards",
        "apply_retention",
        "reap_stale_work",
    ):
        assert jobs[name]["ok"] is True and not jobs[name]["late"], jobs
