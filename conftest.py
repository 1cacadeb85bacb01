"""The shared cast of the test stories.

Camille (a junior in IT) mentors Bernard (an executive in Finance) in the
pilot. Inès is enrolled in the pilot but not paired, and must never see
their workspace. Odile runs the programme. Victor runs another programme.
"""

import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

DAY = datetime.datetime(2026, 9, 2, 9, 0, tzinfo=datetime.UTC)
# The moment the story is told: the pilot (14 September to 18 December 2026)
# is running. Every test runs at this moment, whatever the real date.
STORY_NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))


def _fast_settings() -> dict[str, object]:
    from django.conf import settings

    return {
        # Argon2 is deliberately slow; tests do not need it.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Background tasks run at once, so emails land in mail.outbox; the
        # tests of the real workers (database, Celery) set their own.
        "TASKS": {
            "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
        },
        # The rate limits of a test stay in its process: most tests touch no
        # database. The shared caches (database, Redis) are tested with real
        # server processes in binome/tests/test_several_servers.py.
        "CACHES": {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        },
        # No collectstatic manifest in tests.
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        },
    }


@pytest.fixture(scope="session", autouse=True)
def _test_settings(request):
    """The settings every test runs with, set once for the whole session:
    overriding them around each test costs more than most tests."""
    # pairmaker's own tests also run without Django (-p no:django).
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.apps import apps
    from django.db.models.signals import post_migrate
    from django.test.utils import override_settings

    post_migrate.connect(
        _load_reference_data,
        sender=apps.get_app_config("programs"),
        dispatch_uid="tests-reference-data",
    )
    with override_settings(**_fast_settings()):
        yield


@pytest.fixture(autouse=True)
def _story_clock(request):
    """The clock of every test starts at STORY_NOW and ticks from there, so
    that no test depends on the day it runs (``--clock-shift`` proves it).
    A test that needs another moment travels there itself (``time_machine``).

    Browser tests keep the real clock: chromium has its own, and would find
    the cookies of a frozen past already expired. They must hold on any day:
    the shifted pass of ``make test`` runs them a year ahead."""
    if "live_server" in request.fixturenames:
        yield
        return
    import time_machine

    with time_machine.travel(STORY_NOW, tick=True):
        yield


@pytest.fixture(autouse=True)
def _fast_tests(request):
    if not request.config.pluginmanager.hasplugin("django"):
        return
    # Rate limits (allauth, axes) live in the cache: no test inherits another's.
    from django.core.cache import cache

    cache.clear()


def _load_reference_data(**kwargs: object) -> None:
    """Load what data migrations put in the database (the skills catalogue,
    the preparation module). Connected to ``post_migrate``: the test
    databases are made from the models (no data migration runs), and
    transactional tests flush every table at their end, after which Django
    sends ``post_migrate`` again; the tests that follow find the data there,
    outside their own transaction, without reloading it each time."""
    import importlib

    from django.apps import apps

    from binome.skills.models import Skill

    if Skill.objects.exists():
        return
    for module in (
        "binome.skills.migrations.0002_load_catalogue",
        "binome.skills.migrations.0005_leadership_scale_not_rated",
        "binome.programs.migrations.0011_editable_content",
    ):
        importlib.import_module(module).load(apps, None)


@pytest.fixture
def org(db):
    from binome.people.models import Organisation

    return Organisation.objects.create(name="Groupe Test", slug="groupe-test")


@pytest.fixture
def departments(org):
    from binome.people.models import Department

    dsi = Department.objects.create(organisation=org, name="DSI", code="dsi")
    return {
        "dsi": dsi,
        "data": Department.objects.create(
            organisation=org, name="Data", code="data", parent=dsi
        ),
        "finance": Department.objects.create(
            organisation=org, name="Finance", code="finance"
        ),
        "rh": Department.objects.create(organisation=org, name="RH", code="rh"),
    }


def _person(org, dept, first, last, level, **kw):
    from binome.accounts.models import User
    from binome.people.models import Person

    email = f"{first.lower()}@test.example"
    user = User.objects.create_user(
        email=email, password="mot-de-passe-solide", first_name=first, last_name=last
    )
    return Person.objects.create(
        organisation=org,
        user=user,
        first_name=first,
        last_name=last,
        email=email,
        department=dept,
        level=level,
        languages=["fr", "en"],
        availability=["mon-am", "thu-pm"],
        **kw,
    )


@pytest.fixture
def people(org, departments):
    return {
        "camille": _person(
            org, departments["data"], "Camille", "Rivière", 1, hire_year=2024
        ),
        "bernard": _person(
            org, departments["finance"], "Bernard", "Lemoine", 5, hire_year=1998
        ),
        "ines": _person(
            org, departments["data"], "Inès", "Benhamou", 1, hire_year=2025
        ),
        "odile": _person(
            org, departments["rh"], "Odile", "Marchand", 4, hire_year=2005
        ),
        "victor": _person(org, departments["rh"], "Victor", "Hugo", 4, hire_year=2003),
        "xavier": _person(
            org, departments["finance"], "Xavier", "Nul", 2, hire_year=2019
        ),
    }


@pytest.fixture
def pilot(org, people):
    from binome.programs.models import Programme

    programme = Programme.objects.create(
        organisation=org,
        name="Pilote",
        slug="pilote",
        status=Programme.Status.RUNNING,
        is_pilot=True,
        start_date=datetime.date(2026, 9, 14),
        end_date=datetime.date(2026, 12, 18),
    )
    programme.managers.add(people["odile"].user)
    return programme


@pytest.fixture
def other_programme(org, people):
    from binome.programs.models import Programme

    programme = Programme.objects.create(
        organisation=org, name="Autre programme", slug="autre"
    )
    programme.managers.add(people["victor"].user)
    return programme


@pytest.fixture
def enrolments(pilot, people):
    from binome.programs.models import Enrolment

    def enrol(person, role):
        return Enrolment.objects.create(
            programme=pilot,
            person=person,
            role=role,
            status=Enrolment.Status.ACCEPTED,
            consent_at=DAY,
            consent_version="test",
        )

    return {
        "camille": enrol(people["camille"], Enrolment.Role.MENTOR),
        "bernard": enrol(people["bernard"], Enrolment.Role.MENTEE),
        "ines": enrol(people["ines"], Enrolment.Role.MENTOR),
    }


@pytest.fixture
def pair(enrolments):
    from binome.pairs.models import Pair

    return Pair.objects.create(
        mentor=enrolments["camille"], mentee=enrolments["bernard"]
    )


@pytest.fixture
def recruiting(org, people):
    """A programme recruiting volunteers: Odile manages it, Victor is on its panel."""
    from binome.programs.models import Programme

    programme = Programme.objects.create(
        organisation=org,
        name="Vague 2027",
        slug="vague",
        status=Programme.Status.RECRUITING,
        mentor_max_level=2,
        mentee_min_level=3,
    )
    programme.managers.add(people["odile"].user)
    return programme


@pytest.fixture
def login(client):
    def _login(person):
        client.force_login(person.user)
        return client

    return _login


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; the test command installs it."""
    import shutil

    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail("chromium is missing: run `make test`, which installs it with apt")
    # Playwright's sync API keeps an event loop running in this thread; the
    # ORM calls made by the tests themselves are still plain synchronous ones.
    mp = pytest.MonkeyPatch()
    mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, args=BROWSER_ARGS
        )
        yield browser
        browser.close()
    mp.undo()


AXE = Path(__file__).parent / "binome" / "tests" / "vendor" / "axe.min.js"


def assert_accessible(page) -> None:
    """Run axe-core (WCAG 2.1 A and AA rules) on the page: no serious or
    critical violation is allowed. Evaluated through the driver, so our CSP
    (no inline script) stays on."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}
        })).violations
          .filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — '
               + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"""
    )
    assert violations == [], f"{page.url}: {violations}"


@pytest.fixture
def page(browser, live_server):
    """A fresh page; any CSP violation or JavaScript error fails the test."""
    context = browser.new_context(locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda msg: (
            problems.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(str(error)))
    yield page
    context.close()
    assert problems == [], problems


@pytest.fixture
def page_without_js(browser, live_server):
    context = browser.new_context(
        locale="fr-FR", base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    yield page
    context.close()


class _Mailbox:
    """The messages an SMTP server on loopback received, parsed."""

    def __init__(self):
        import threading

        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address):
        return [m for m in self.messages if address.lower() in m["To"].lower()]

    @staticmethod
    def body(message):
        return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on loopback, and Django's SMTP backend
    pointed at it: e-mails leave through SMTP and are read back here."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 10},
        }
    }
    try:
        yield mailbox
    finally:
        controller.stop()


@pytest.fixture
def db_tasks(settings):
    """Background tasks through the database queue, as in production; call
    the fixture's result to run the db_worker until the queue is empty."""
    from django.core.management import call_command

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }

    def run_worker():
        call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)

    return run_worker
