"""Real worker processes killed with SIGKILL: during a matching round, during
a publication, and in the middle of a notification to several people.

Each test runs real ``manage.py db_worker`` processes (or a small script
that calls the real code) against the test database, which must therefore be
reachable from another process: on PostgreSQL it is; on SQLite the in-memory
test database is copied to a file and the test's connection is pointed at it
(``shared_db``). Where the worker must be caught at a given instant, the
script or the SMTP server holds it there (a file or an event releases it);
every wait polls, with a generous deadline, and nothing is timed.
"""

from __future__ import annotations

import asyncio
import datetime
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from binome.accounts.models import AuditEvent, SentNotification, TaskHeartbeat
from binome.accounts.notifications import notify
from binome.matching import rounds
from binome.matching.models import MatchingRound
from binome.pairs.models import Pair
from binome.pairs.publishing import publish_round
from binome.programs import services
from binome.programs.models import Enrolment, Programme
from binome.recovery import MATCHING_TASK, reap_stale_work
from binome.skills.models import Skill

ROOT = Path(__file__).resolve().parents[3]
DEADLINE = 180  # seconds: generous, for a loaded 2-core machine
STALE = (
    "Le calcul a été interrompu : le processus qui le menait s'est arrêté. "
    "Vous pouvez relancer le tour."
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared_db(transactional_db, settings, tmp_path):
    """The test database's URL, for other processes; tasks go to the
    database queue, as in production."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    settings.MATCHING_HEARTBEAT_TIMEOUT = 120
    connection = connections["default"]
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        yield (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
        return
    # SQLite: copy the in-memory test database (migrated, reference data
    # loaded) to a file, and work on the file for the rest of the test.
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    on_file = connection.__class__({**db, "NAME": str(path)}, "default")
    connections["default"] = on_file
    try:
        yield f"sqlite:///{path}"
    finally:
        on_file.close()
        connections["default"] = connection


def _env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "binome.settings",
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        # Heartbeats every 0.25 s, so that the test sees one quickly.
        "MATCHING_HEARTBEAT_TIMEOUT": "2",
        **extra,
    }


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    return subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=out)


def _worker(url: str, log: Path, *more: str, **env: str) -> subprocess.Popen[bytes]:
    return _spawn(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "db_worker",
            "--no-startup-delay",
            "--interval=0.1",
            *more,
        ],
        _env(url, **env),
        log,
    )


def _wait(
    done: Callable[[], object], what: str, process: subprocess.Popen[bytes], log: Path
) -> None:
    """Poll until ``done()``; fail with the process's output if it died or
    the deadline passed."""
    deadline = time.monotonic() + DEADLINE
    while not done():
        if process.poll() is not None and not done():
            pytest.fail(f"waiting for {what}, the process exited:\n{log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(
                f"waiting for {what}, nothing after {DEADLINE} s:\n{log.read_text()}"
            )
        time.sleep(0.05)


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _last_sign_of_life(*times: datetime.datetime | None) -> datetime.datetime:
    beats = list(TaskHeartbeat.objects.values_list("beat_at", flat=True))
    return max(t for t in [*times, *beats] if t is not None)


def _enrol(programme, person, role):
    enrolment = services.volunteer(
        programme=programme, person=person, role=role, consent=True
    )
    enrolment.status = Enrolment.Status.ACCEPTED
    enrolment.save()
    return enrolment


@pytest.fixture
def two_pairs(shared_db, recruiting, people):
    """Camille and Xavier mentor Bernard and Victor: two pairs, four people."""
    skill = {s.code: s.pk for s in Skill.objects.all()}
    for name, role in [
        ("camille", "mentor"),
        ("xavier", "mentor"),
        ("bernard", "mentee"),
        ("victor", "mentee"),
    ]:
        _enrol(recruiting, people[name], role)
    services.save_self_assessment(
        person=people["camille"], levels={skill["linkedin"]: 4}
    )
    return recruiting


# The worker of the first test: the real db_worker, whose engine waits, once
# started, until the test releases it (a real cohort large enough to take
# minutes would take minutes to build).
SLOW_ENGINE_WORKER = """
import os, time
import django
django.setup()
import pairmaker
real = pairmaker.match
def held(*args, **kwargs):
    open(os.environ["ENGINE_STARTED"], "w").close()
    while not os.path.exists(os.environ["ENGINE_RELEASE"]):
        time.sleep(0.05)
    return real(*args, **kwargs)
pairmaker.match = held
from django.core.management import call_command
call_command("db_worker", no_startup_delay=True, interval=0.1, reload=False)
"""


def _slow_worker(
    url: str, tmp_path: Path
) -> tuple[subprocess.Popen[bytes], Path, Path]:
    script = tmp_path / "slow_worker.py"
    script.write_text(SLOW_ENGINE_WORKER)
    started, release = tmp_path / "engine-started", tmp_path / "engine-release"
    log = tmp_path / "slow-worker.log"
    worker = _spawn(
        [sys.executable, str(script)],
        _env(url, ENGINE_STARTED=str(started), ENGINE_RELEASE=str(release)),
        log,
    )
    return worker, started, log


def _start_and_catch_running(
    programme, user, tmp_path: Path, url: str
) -> tuple[MatchingRound, subprocess.Popen[bytes]]:
    worker, started, log = _slow_worker(url, tmp_path)
    round_ = rounds.start_round(programme=programme, by=user)
    _wait(started.exists, "the engine to start", worker, log)
    round_.refresh_from_db()
    assert round_.status == MatchingRound.Status.RUNNING
    first = round_.heartbeat_at
    assert first is not None
    # The heartbeat goes on while the engine runs.
    _wait(
        lambda: (MatchingRound.objects.get(pk=round_.pk).heartbeat_at or first) > first,
        "a heartbeat",
        worker,
        log,
    )
    return round_, worker


def test_a_round_whose_worker_is_killed_is_failed_and_can_run_again(
    shared_db, two_pairs, people, tmp_path
):
    odile = people["odile"].user
    round_, worker = _start_and_catch_running(two_pairs, odile, tmp_path, shared_db)
    _kill(worker)

    # Without the reaper the round would spin for ever.
    round_.refresh_from_db()
    assert round_.status == MatchingRound.Status.RUNNING
    task = DBTaskResult.objects.get(task_path=MATCHING_TASK)
    assert task.status == TaskResultStatus.RUNNING
    last = _last_sign_of_life(round_.heartbeat_at)
    # Within the timeout, the round may still be alive: nothing is reaped.
    assert not reap_stale_work(now=last + datetime.timedelta(seconds=110))
    round_.refresh_from_db()
    assert round_.status == MatchingRound.Status.RUNNING

    reaped = reap_stale_work(now=last + datetime.timedelta(seconds=121))
    assert reaped.rounds == [round_.pk]
    assert reaped.failed == [str(task.pk)] and reaped.requeued == []
    round_.refresh_from_db()
    assert round_.status == MatchingRound.Status.FAILED
    assert round_.error == STALE
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert task.exception_class_path == "binome.recovery.WorkerDied"
    assert not TaskHeartbeat.objects.exists()
    assert not MatchingRound.objects.exclude(
        status__in=(MatchingRound.Status.DONE, MatchingRound.Status.FAILED)
    ).exists()

    # A new round, run by a new worker, succeeds.
    again = rounds.start_round(programme=two_pairs, by=odile)
    log = tmp_path / "worker-2.log"
    worker = _worker(shared_db, log, "--batch")
    try:
        _wait(lambda: worker.poll() is not None, "the worker to finish", worker, log)
    finally:
        _kill(worker)
    again.refresh_from_db()
    assert again.status == MatchingRound.Status.DONE, log.read_text()
    assert len(again.pairs) == 2
    round_.refresh_from_db()
    assert round_.status == MatchingRound.Status.FAILED


def test_a_worker_that_comes_back_after_its_round_was_failed_changes_nothing(
    shared_db, two_pairs, people, tmp_path
):
    round_, worker = _start_and_catch_running(
        two_pairs, people["odile"].user, tmp_path, shared_db
    )
    os.kill(worker.pid, signal.SIGSTOP)  # frozen, not dead: a « zombie »
    try:
        last = _last_sign_of_life(MatchingRound.objects.get(pk=round_.pk).heartbeat_at)
        reap_stale_work(now=last + datetime.timedelta(seconds=121))
        (tmp_path / "engine-release").touch()
        os.kill(worker.pid, signal.SIGCONT)
        log = tmp_path / "slow-worker.log"
        # The worker ends the task it had (the reaper had failed it).
        _wait(
            lambda: DBTaskResult.objects.filter(
                task_path=MATCHING_TASK, status=TaskResultStatus.SUCCESSFUL
            ).exists(),
            "the worker to finish the round",
            worker,
            log,
        )
    finally:
        os.kill(worker.pid, signal.SIGCONT)
        _kill(worker)
    task = DBTaskResult.objects.get(task_path=MATCHING_TASK)
    assert task.return_value == {"status": "dropped"}
    round_.refresh_from_db()
    assert round_.status == MatchingRound.Status.FAILED
    assert round_.error == STALE and round_.result == {}


# Publication ----------------------------------------------------------------

# Publishes a round, and holds once the pairs are created and the round is
# marked published, inside the transaction, until killed.
HELD_PUBLISHER = """
import os, time
import django
django.setup()
from django.db.models.signals import post_save
from binome.pairs.publishing import publish_round
from binome.matching.models import MatchingRound
def hold(sender, instance, update_fields=None, **kwargs):
    if update_fields and "published_at" in update_fields:
        open(os.environ["HELD"], "w").close()
        time.sleep(3600)
post_save.connect(hold, sender=MatchingRound)
publish_round(round_=MatchingRound.objects.get(pk=int(os.environ["ROUND"])), by=None)
"""


class Mailbox:
    """An SMTP server's handler: keeps every message; can hold the reply to
    the n-th one (the message received, the « 250 » not yet sent)."""

    def __init__(self, hold_at: int = 0):
        self.messages: list[Any] = []
        self.hold_at = hold_at
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            message_from_bytes(envelope.content, policy=policy.default)
        )
        if len(self.messages) == self.hold_at:
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"

    def count(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for message in self.messages:
            out[message["To"]] = out.get(message["To"], 0) + 1
        return out


@pytest.fixture
def smtp(request):
    """A real SMTP server on loopback: (mailbox, port)."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = Mailbox(getattr(request, "param", 0))
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, port
    finally:
        mailbox.release.set()
        controller.stop()


def _smtp_env(port: int) -> dict[str, str]:
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
    }


def test_a_publication_killed_midway_leaves_nothing_and_publishes_once_again(
    shared_db, two_pairs, people, tmp_path, smtp
):
    mailbox, port = smtp
    round_ = rounds.start_round(programme=two_pairs, by=people["odile"].user)
    rounds.run_matching_round.call(round_.pk)
    round_.refresh_from_db()
    assert len(round_.pairs) == 2
    # The round ran here; its queued task and the enrolments' e-mails go.
    DBTaskResult.objects.all().delete()
    script, held = tmp_path / "publish.py", tmp_path / "held"
    script.write_text(HELD_PUBLISHER)
    log = tmp_path / "publish.log"
    publisher = _spawn(
        [sys.executable, str(script)],
        _env(shared_db, HELD=str(held), ROUND=str(round_.pk)),
        log,
    )
    try:
        _wait(held.exists, "the publication to hold", publisher, log)
    finally:
        _kill(publisher)

    round_.refresh_from_db()
    two_pairs.refresh_from_db()
    assert round_.published_at is None
    assert not Pair.objects.exists()
    assert two_pairs.status == Programme.Status.MATCHING
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PUBLISH).exists()
    assert not DBTaskResult.objects.exists()  # no e-mail queued

    publish_round(round_=round_, by=people["odile"].user)
    log = tmp_path / "worker.log"
    worker = _worker(shared_db, log, "--batch", **_smtp_env(port))
    try:
        _wait(lambda: worker.poll() is not None, "the worker to finish", worker, log)
    finally:
        _kill(worker)
    assert Pair.objects.count() == 2
    assert mailbox.count() == {
        f"{name}@test.example": 1 for name in ("camille", "xavier", "bernard", "victor")
    }, log.read_text()


# Notifications --------------------------------------------------------------


@pytest.mark.parametrize("smtp", [3], indirect=True)
def test_a_notification_killed_mid_send_then_retried_reaches_each_person_once(
    shared_db, people, tmp_path, smtp
):
    mailbox, port = smtp
    users = [
        people[n].user for n in ("camille", "bernard", "odile", "victor", "xavier")
    ]
    notify(
        "pair_published",
        users,
        {"programme": "Pilote", "name": "", "partner": "", "role": "mentor", "url": ""},
    )
    task = DBTaskResult.objects.get()
    log = tmp_path / "worker.log"
    worker = _worker(shared_db, log, **_smtp_env(port))
    try:
        # The server has the third message but has not said so yet.
        _wait(mailbox.holding.is_set, "the third e-mail", worker, log)
        # The task's heartbeat goes on while the worker waits for the server.
        task.refresh_from_db()
        assert task.started_at is not None
        started = task.started_at
        _wait(
            lambda: TaskHeartbeat.objects.filter(beat_at__gt=started).exists(),
            "a heartbeat of the task",
            worker,
            log,
        )
    finally:
        _kill(worker)
    mailbox.release.set()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.RUNNING  # django-tasks-db gives up here

    reaped = reap_stale_work(
        now=_last_sign_of_life(task.started_at) + datetime.timedelta(seconds=121)
    )
    assert reaped.requeued == [str(task.pk)]
    # The third e-mail's fate is unknown to the worker: reported, not resent.
    assert reaped.uncertain == ["odile@test.example"]
    task.refresh_from_db()
    assert task.status == TaskResultStatus.READY

    log = tmp_path / "worker-2.log"
    worker = _worker(shared_db, log, "--batch", **_smtp_env(port))
    try:
        _wait(lambda: worker.poll() is not None, "the worker to finish", worker, log)
    finally:
        _kill(worker)
    task.refresh_from_db()
    assert task.status == TaskResultStatus.SUCCESSFUL, log.read_text()
    assert mailbox.count() == {u.email: 1 for u in users}
    assert set(
        SentNotification.objects.filter(sent_at__isnull=True).values_list(
            "email", flat=True
        )
    ) == {"odile@test.example"}
