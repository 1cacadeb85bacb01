"""Load benchmark: gunicorn + PostgreSQL holding a large organisation
(``bench/generate_org.py``), driven by locust.

Three kinds of simulated users, with a think time of a few seconds between
pages, measured in the same run:

- baseline: the login page (``GET /compte/connexion/``), anonymous;
- participants (a mentor or a mentee of the big programme, logged in): home,
  pair workspace, sessions list, a session page, progress;
- managers (a programme manager): programme page, pairs page (« suivi »),
  health page, dashboard.

For each kind and each page: requests per second, p50/p95/p99 latency and
errors, next to the baseline of the same run, with the machine's load
averages. Scenarios: ``50`` users (target: participant p95 ≤ 150 ms,
manager p95 ≤ 300 ms, no error), ``200`` users for 5 minutes (no error,
p99 ≤ 1 s), and ``step``: more users at each step until a target is missed,
to find the largest sustainable rate. Each for every ``--workers`` count.

    .venv/bin/python bench/generate_org.py \\
        --database-url postgres://postgres@127.0.0.1:5432/binome_bench
    .venv/bin/python bench/load.py \\
        --database-url postgres://postgres@127.0.0.1:5432/binome_bench \\
        [--workers 2 4] [--scenarios 50 200 step] [--port 8400]

It starts gunicorn itself (``binome.wsgi``, DEBUG=0, production settings
except SECURE_SSL_REDIRECT=0 on loopback) unless ``--host`` names a server
that already runs on that database. locust (``requirements-bench.txt``)
runs in a child process of its own: gevent patches the standard library.
It is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "bench"))

PASSWORD = "bench-only-Pa55word"  # bench/generate_org.py: BENCH_PASSWORD
PROGRAMME = "bench-grand"
TARGETS_P95 = {"participant": 150.0, "manager": 300.0}
GROUPS = ("baseline", "participant", "manager")


# --- The simulated users (child process only: imports gevent) --------------


def run_locust(spec: dict) -> dict:  # type: ignore[type-arg]
    """Run one load in this process and return the raw figures: spec holds
    host, users (a list of steps: [users, seconds]), think, accounts."""
    import itertools
    import random
    import re

    import gevent
    from locust import HttpUser, between, events, task
    from locust.env import Environment

    accounts = spec["accounts"]
    participants = itertools.cycle(accounts["participants"])
    managers = itertools.cycle(accounts["managers"])
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    samples: list[tuple[str, str, float, bool, float]] = []
    state = {"measuring": False, "window": 0}

    class Base(HttpUser):
        abstract = True
        wait_time = between(*spec["think"])
        group = ""

        def loopback(self) -> None:
            # The production cookies are Secure; gunicorn is served on plain
            # HTTP on loopback here (as nginx would reach it): send them
            # anyway. (requests copies the jar for each request, so a cookie
            # policy of the session's jar would not apply.)
            for cookie in self.client.cookies:
                cookie.secure = False

        def get(self, page: str, url: str) -> None:
            self.loopback()
            with self.client.get(
                url,
                name=f"{self.group}: {page}",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"HTTP {response.status_code}")

        def login(self, email: str) -> None:
            page = self.client.get("/compte/connexion/", name="login (setup)")
            token = csrf.search(page.text)
            self.loopback()
            assert token, "no CSRF token on the login page"
            response = self.client.post(
                "/compte/connexion/",
                data={
                    "login": email,
                    "password": PASSWORD,
                    "csrfmiddlewaretoken": token.group(1),
                },
                name="login (setup)",
                allow_redirects=False,
            )
            if response.status_code != 302:
                raise RuntimeError(f"login of {email}: HTTP {response.status_code}")

    class Anonymous(Base):
        weight = 1
        group = "baseline"

        @task
        def login_page(self) -> None:
            self.get("login page", "/compte/connexion/")

    class Participant(Base):
        weight = 8
        group = "participant"

        def on_start(self) -> None:
            self.account = next(participants)
            self.login(self.account["email"])
            self.pair = f"/binomes/{self.account['pair']}/"

        @task(2)
        def home(self) -> None:
            self.get("home", "/")

        @task(3)
        def workspace(self) -> None:
            self.get("pair workspace", self.pair)

        @task(2)
        def sessions(self) -> None:
            self.get("sessions list", self.pair + "seances/")

        @task(2)
        def session(self) -> None:
            meeting = random.choice(self.account["meetings"])
            self.get("a session", f"{self.pair}seances/{meeting}/")

        @task(1)
        def progress(self) -> None:
            self.get("progress", self.pair + "progres/")

    class Manager(Base):
        weight = 1
        group = "manager"

        def on_start(self) -> None:
            self.login(next(managers))

        @task
        def programme(self) -> None:
            self.get("programme page", f"/programmes/{PROGRAMME}/")

        @task
        def pairs(self) -> None:
            self.get("pairs page", f"/binomes/suivi/{PROGRAMME}/")

        @task
        def health(self) -> None:
            self.get("health page", f"/programmes/{PROGRAMME}/sante/")

        @task
        def dashboard(self) -> None:
            self.get("dashboard", f"/indicateurs/{PROGRAMME}/")

    def record(
        request_type, name, response_time, response_length, exception=None, **kw
    ):  # type: ignore[no-untyped-def]
        if state["measuring"] and ":" in name:
            group, page = name.split(": ", 1)
            samples.append(
                (group, page, response_time, exception is None, state["window"])
            )

    env = Environment(
        user_classes=[Anonymous, Participant, Manager], host=spec["host"], events=events
    )
    env.events.request.add_listener(record)
    runner = env.create_local_runner()
    windows = []
    for index, (users, seconds) in enumerate(spec["steps"]):
        state["measuring"] = False
        runner.start(users, spawn_rate=spec["spawn_rate"])
        while runner.user_count < users:
            gevent.sleep(0.5)
        gevent.sleep(spec["settle"])  # logins of the new users are not measured
        state["window"] = index
        load_before = os.getloadavg()
        began = time.monotonic()
        state["measuring"] = True
        gevent.sleep(seconds)
        state["measuring"] = False
        windows.append(
            {
                "users": users,
                "seconds": time.monotonic() - began,
                "load_before": load_before,
                "load_after": os.getloadavg(),
                "setup_failures": sum(
                    e.num_failures
                    for e in env.stats.entries.values()
                    if e.name == "login (setup)"
                ),
            }
        )
        if spec.get("stop_on_miss") and not passes(summarise(samples, windows, index)):
            break
    runner.quit()
    return {"samples": samples, "windows": windows}


# --- Figures ------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def figures(times: list[float], errors: int, seconds: float) -> dict[str, float]:
    return {
        "count": len(times),
        "rps": len(times) / seconds,
        "p50": percentile(times, 50),
        "p95": percentile(times, 95),
        "p99": percentile(times, 99),
        "errors": errors,
    }


def summarise(samples, windows, index):  # type: ignore[no-untyped-def]
    """Figures per group and per page for one measuring window."""
    seconds = windows[index]["seconds"]
    rows: dict[tuple[str, str], dict[str, float]] = {}
    keys = sorted(
        {(g, "") for g, *_ in samples} | {(g, p) for g, p, *_ in samples},
        key=lambda k: (GROUPS.index(k[0]), k[1]),
    )
    for group, page in keys:
        picked = [
            s
            for s in samples
            if s[4] == index and s[0] == group and (not page or s[1] == page)
        ]
        rows[(group, page)] = figures(
            [s[2] for s in picked], sum(not s[3] for s in picked), seconds
        )
    return {"rows": rows, "window": windows[index]}


def passes(summary) -> bool:  # type: ignore[no-untyped-def]
    rows = summary["rows"]
    if summary["window"]["setup_failures"]:
        return False
    for (group, page), row in rows.items():
        if row["errors"]:
            return False
        if not page and group in TARGETS_P95 and row["p95"] > TARGETS_P95[group]:
            return False
    return True


# --- gunicorn -----------------------------------------------------------------


def server_env(database_url: str, static_root: str, port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "DATABASE_URL", "CACHE_URL"}
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="bench-only-" + "s" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=database_url,
        STATIC_ROOT=static_root,
        SITE_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    return env


def start_gunicorn(env: dict[str, str], workers: int, port: int) -> subprocess.Popen:  # type: ignore[type-arg]
    process = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "binome.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/compte/connexion/", timeout=5
            ) as response:
                if response.status == 200:
                    time.sleep(3 * workers)  # each worker warms up on its own
                    return process
        except OSError:
            time.sleep(1)
        if process.poll() is not None:
            sys.exit(f"gunicorn exited with {process.returncode}")
    stop(process)
    sys.exit("gunicorn did not answer within 120 s")


def stop(process: subprocess.Popen) -> None:  # type: ignore[type-arg]
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def accounts(database_url: str, count: int) -> dict:  # type: ignore[type-arg]
    """The participants the bench logs in as, with their pair and a few of
    its sessions, and the managers."""
    import psycopg

    with psycopg.connect(database_url) as conn:
        rows = conn.execute(
            """
            SELECT p.id, u.email FROM pairs_pair p
            JOIN programs_enrolment e ON e.id IN (p.mentor_id, p.mentee_id)
            JOIN programs_programme g ON g.id = e.programme_id
            JOIN people_person pe ON pe.id = e.person_id
            JOIN accounts_user u ON u.id = pe.user_id
            WHERE g.slug = %s ORDER BY p.id, e.role LIMIT %s
            """,
            [PROGRAMME, count],
        ).fetchall()
        meetings: dict[int, list[int]] = {}
        for pair, meeting in conn.execute(
            "SELECT pair_id, id FROM pairs_meeting WHERE pair_id = ANY(%s)",
            [[r[0] for r in rows]],
        ):
            meetings.setdefault(pair, []).append(meeting)
        managers = [
            r[0]
            for r in conn.execute(
                "SELECT u.email FROM accounts_user u "
                "JOIN programs_programme_managers m ON m.user_id = u.id "
                "JOIN programs_programme g ON g.id = m.programme_id "
                "WHERE g.slug = %s ORDER BY u.id",
                [PROGRAMME],
            )
        ]
    if not rows or not managers:
        sys.exit("no bench accounts: run bench/generate_org.py first")
    return {
        "participants": [
            {"email": email, "pair": pair, "meetings": meetings[pair]}
            for pair, email in rows
        ],
        "managers": managers,
    }


# --- Main ---------------------------------------------------------------------


def print_table(title: str, summary, workers: int | str) -> list[str]:  # type: ignore[no-untyped-def]
    rows = summary["rows"]
    window = summary["window"]
    base = rows.get(("baseline", ""))
    lines = [
        f"\n{title}: {window['users']} users, {workers} gunicorn workers, "
        f"{window['seconds']:.0f} s measured, load average "
        f"{window['load_before'][0]:.1f} → {window['load_after'][0]:.1f}, "
        f"{'meets the targets' if passes(summary) else 'MISSES a target'}",
        "",
        "| group | page | req/s | p50 ms | p95 ms | p99 ms | errors | p95 / baseline |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for (group, page), row in rows.items():
        ratio = row["p95"] / base["p95"] if base and base["p95"] else float("nan")
        label = f"**{group}**" if not page else group
        lines.append(
            f"| {label} | {page or 'all'} | {row['rps']:.1f} | {row['p50']:.0f} "
            f"| {row['p95']:.0f} | {row['p99']:.0f} | {row['errors']:.0f} "
            f"| {ratio:.1f} |"
        )
    if window["setup_failures"]:
        lines.append(f"\nlogins failed: {window['setup_failures']}")
    print("\n".join(lines), flush=True)
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--workers", type=int, nargs="+", default=[2, 4])
    parser.add_argument(
        "--scenarios", nargs="+", default=["50", "200", "step"],
        choices=["50", "200", "step"],
    )  # fmt: skip
    parser.add_argument("--port", type=int, default=8400)
    parser.add_argument(
        "--host", help="an already running server on that database (no gunicorn)"
    )
    parser.add_argument("--think", type=float, nargs=2, default=[2.0, 5.0])
    parser.add_argument("--seconds-50", type=float, default=120)
    parser.add_argument("--seconds-200", type=float, default=300)
    parser.add_argument("--step-users", type=int, nargs="+",
                        default=[10, 25, 50, 100, 150])  # fmt: skip
    parser.add_argument("--step-seconds", type=float, default=45)
    parser.add_argument("--output", help="also write the figures here (JSON)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:  # the locust process
        spec = json.loads(Path(args.child).read_text())
        result = run_locust(spec)
        Path(args.child).write_text(json.dumps(result))
        return

    people = accounts(args.database_url, 2 * max([200, *args.step_users]))
    report: list[str] = []
    results = []
    with tempfile.TemporaryDirectory(prefix="binome-load-") as tmp:
        static_root = str(Path(tmp) / "static")
        env = server_env(args.database_url, static_root, args.port)
        if not args.host:
            # A bench database generated by an older checkout lacks the
            # newer tables (the shared cache's, say): every login would fail.
            subprocess.run(
                [str(VENV_BIN / "python"), "manage.py", "migrate", "--no-input",
                 "-v", "0"],
                cwd=ROOT, env=env, check=True,
            )  # fmt: skip
            subprocess.run(
                [str(VENV_BIN / "python"), "manage.py", "collectstatic",
                 "--no-input", "-v", "0"],
                cwd=ROOT, env=env, check=True,
            )  # fmt: skip
        for workers in [None] if args.host else args.workers:
            host = args.host or f"http://127.0.0.1:{args.port}"
            server = None if args.host else start_gunicorn(env, workers, args.port)
            try:
                for scenario in args.scenarios:
                    if scenario == "step":
                        steps = [[u, args.step_seconds] for u in args.step_users]
                    else:
                        users = int(scenario)
                        seconds = args.seconds_50 if users == 50 else args.seconds_200
                        steps = [[users, seconds]]
                    spec_file = Path(tmp) / "spec.json"
                    spec_file.write_text(
                        json.dumps(
                            {
                                "host": host,
                                "steps": steps,
                                "think": args.think,
                                "accounts": people,
                                "spawn_rate": 10,
                                "settle": 15,
                                # Every step: past the targets, the steps
                                # still show where the throughput stops growing.
                                "stop_on_miss": False,
                            }
                        )
                    )
                    subprocess.run(
                        [str(VENV_BIN / "python"), __file__,
                         "--database-url", args.database_url, "--child",
                         str(spec_file)],
                        check=True,
                    )  # fmt: skip
                    raw = json.loads(spec_file.read_text())
                    summaries = [
                        summarise(raw["samples"], raw["windows"], i)
                        for i in range(len(raw["windows"]))
                    ]
                    for i, summary in enumerate(summaries):
                        title = f"step {i + 1}" if scenario == "step" else "scenario"
                        report += print_table(title, summary, workers or "?")
                        results.append(
                            {
                                "scenario": scenario,
                                "workers": workers,
                                "window": summary["window"],
                                "passes": passes(summary),
                                "rows": {
                                    f"{g}/{p or 'all'}": r
                                    for (g, p), r in summary["rows"].items()
                                },
                            }
                        )
                    if scenario == "step":
                        good = [s for s in summaries if passes(s)]
                        best = max(
                            (sum(r["rps"] for (g, p), r in s["rows"].items()
                                 if not p) for s in good),
                            default=0.0,
                        )  # fmt: skip
                        totals = [
                            sum(r["rps"] for (g, p), r in s["rows"].items() if not p)
                            for s in summaries
                        ]
                        peak = max(range(len(totals)), key=totals.__getitem__)
                        line = (
                            f"\nlargest sustainable rate with {workers} workers: "
                            f"{best:.1f} req/s"
                            + (
                                f" ({good[-1]['window']['users']} users)"
                                if good
                                else " (no step met the targets)"
                            )
                            + f"; highest throughput: {totals[peak]:.1f} req/s "
                            f"({summaries[peak]['window']['users']} users)"
                        )
                        print(line, flush=True)
                        report.append(line)
            finally:
                if server is not None:
                    stop(server)
    if args.output:
        Path(args.output).write_text(json.dumps(results, indent=1))
    print("\n" + "\n".join(report))
    print(
        "\nFigures are noisy on a shared machine: compare each page with the "
        "baseline of the same run, and mind the load averages."
    )


if __name__ == "__main__":
    main()
