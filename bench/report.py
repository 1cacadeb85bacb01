"""Benchmark: the PDF report of a programme, its first rendering in a process
and the later ones, against the HTML dashboard page, in the same run.

Builds, in a throw-away test database, the demo (its pilot: 8 pairs) and a
large programme (``bench/dashboard.py``'s generator: 2,000 pairs and 40,000
sessions by default), then starts fresh Python processes that each log the
manager in with Django's test client and time one kind of page: its first
request in the process, then ``--runs`` more. Two kinds of process:

- **server**: imports ``binome.wsgi`` first, as the web server does (the
  warm-up it runs at start is timed apart);
- **cold**: does not, as every process did before the warm-up existed.

It prints the medians over ``--processes`` processes (first requests) and over
all later requests.

    SECRET_KEY=bench .venv/bin/python bench/report.py [--pairs 2000]
        [--sessions 40000] [--processes 5] [--runs 3]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/binome_bench SECRET_KEY=bench \\
        .venv/bin/python bench/report.py

It never touches the real database. It is a benchmark, not a timed test.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binome.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

MANAGER = "rh@binome.example"


def _url(slug: str, kind: str) -> str:
    return f"/indicateurs/{slug}/" + ("rapport.pdf" if kind == "pdf" else "")


def child(args: argparse.Namespace) -> None:
    """One fresh process: the first request of one kind, then more."""
    started = time.perf_counter()
    import django

    django.setup()
    from django.conf import settings

    warm_up = None
    if args.mode == "server":
        begin = time.perf_counter()
        import binome.wsgi  # noqa: F401 -- what the web server imports

        warm_up = time.perf_counter() - begin
    import logging

    logging.disable(logging.INFO)  # WeasyPrint's progress, axes' login lines
    from django.test import Client
    from django.test.utils import override_settings

    from binome.accounts.models import User

    static = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
    )
    static.enable()
    client = Client()
    client.force_login(User.objects.get(email=args.user))
    times = []
    for _ in range(1 + args.runs):
        begin = time.perf_counter()
        response = client.get(_url(args.slug, args.kind), secure=True)
        times.append(time.perf_counter() - begin)
        assert response.status_code == 200, response.status_code
    print(
        json.dumps(
            {
                "first": times[0],
                "later": times[1:],
                "warm_up": warm_up,
                "process": time.perf_counter() - started,
            }
        )
    )


def run_child(  # type: ignore[no-untyped-def]
    args, db: str, slug: str, user: str, kind: str, mode: str
) -> dict:
    # The child opens the test database through DATABASE_URL, as a server
    # would open its own.
    url = urlsplit(os.environ.get("DATABASE_URL", "sqlite://"))
    if url.scheme.startswith("postgres"):
        env_url = urlunsplit(url._replace(path="/" + db))
    else:
        env_url = f"sqlite:///{db}"
    command = [
        sys.executable,
        __file__,
        "--child",
        "--slug",
        slug,
        "--user",
        user,
        "--kind",
        kind,
        "--mode",
        mode,
        "--runs",
        str(args.runs),
    ]
    out = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": env_url},
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode:
        sys.exit(out.stderr)
    result: dict = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--sessions", type=int, default=40_000)
    parser.add_argument("--processes", type=int, default=5)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--slug", help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    parser.add_argument("--kind", choices=["pdf", "html"], help=argparse.SUPPRESS)
    parser.add_argument("--mode", choices=["server", "cold"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return

    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment

    setup_test_environment()
    if connection.vendor == "sqlite":
        # A file, not SQLite's in-memory test database: the timed processes
        # open it too.
        connection.settings_dict["TEST"]["NAME"] = "/tmp/binome-bench-report.sqlite3"
    static = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
    )
    static.enable()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from binome.accounts.models import User
        from binome.demo.services import load_demo
        from binome.programs.models import Programme

        load_demo()
        spec = importlib.util.spec_from_file_location(
            "bench_dashboard", ROOT / "bench" / "dashboard.py"
        )
        assert spec is not None and spec.loader is not None
        dashboard = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(dashboard)
        large, large_manager, _today = dashboard.build(args.pairs, args.sessions)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        demo = Programme.objects.get(slug="pilote-2026")
        db = str(settings.DATABASES["default"]["NAME"])
        programmes = [
            ("demo pilot (8 pairs)", demo, MANAGER),
            (f"large ({args.pairs} pairs)", large, large_manager.email),
        ]
        # Both pages once, so that the large programme's dashboard snapshots
        # (computed by a background task in production) exist before timing.
        client = Client()
        for _label, programme, email in programmes:
            client.force_login(User.objects.get(email=email))
            for kind in ("html", "pdf"):
                assert client.get(_url(programme.slug, kind), secure=True).status_code
        connection.close()

        print(
            f"database: {connection.vendor}; bytecode written: "
            f"{not sys.flags.dont_write_bytecode}; {args.processes} processes "
            f"per line, {args.runs} later requests each; times in ms (medians)"
        )
        header = (
            f"{'programme':<22} {'page':<5} {'process':<7} {'first':>7} "
            f"{'later':>7} {'first/later':>11} {'warm-up':>8}"
        )
        print(header)
        print("-" * len(header))
        for label, programme, email in programmes:
            for kind, mode in (("html", "server"), ("pdf", "server"), ("pdf", "cold")):
                results = [
                    run_child(args, db, programme.slug, email, kind, mode)
                    for _ in range(args.processes)
                ]
                first = 1000 * statistics.median(r["first"] for r in results)
                later = 1000 * statistics.median(t for r in results for t in r["later"])
                warm = (
                    f"{1000 * statistics.median(r['warm_up'] for r in results):8.0f}"
                    if mode == "server"
                    else f"{'—':>8}"
                )
                print(
                    f"{label:<22} {kind:<5} {mode:<7} {first:7.0f} {later:7.0f} "
                    f"{first / later:11.2f} {warm}",
                    flush=True,
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
