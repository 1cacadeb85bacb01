"""Benchmark: the programme dashboard of a programme with 5,000 pairs and
100,000 sessions (target: under 500 ms on PostgreSQL).

Builds the data with bulk_create in a throw-away test database, then times
the full dashboard page as its manager sees it (every indicator, the pairs
at risk, the seven SVG charts and the template) through Django's test
client, and prints the median of several renders: first computed live at
each view, then as served, from the snapshot that the background task keeps
fresh for programmes this large (``binome.insights.snapshots``). As a
baseline in the same run, it times the cadence, rhythm and ratings figures
computed the naive way: per-pair Python loops over each pair's sessions and
feedback.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/binome_bench \\
        SECRET_KEY=bench .venv/bin/python bench/dashboard.py [--pairs 5000]
        [--runs 7] [--skip-baseline]

It never touches the real database. It is a benchmark, not a timed test.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binome.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

TARGET_MS = 500.0
DEPARTMENTS = ["Finance", "RH", "DSI", "Marketing", "Commercial", "Juridique",
               "Opérations", "Relation client", "Achats", "Innovation"]  # fmt: skip


def build(pairs: int, sessions: int, seed: int = 11):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from binome.accounts.models import User
    from binome.pairs.models import Charter, ClosingSurvey, Feedback, Kpi, Meeting, Pair
    from binome.people.models import Department, Organisation, Person
    from binome.programs.models import Enrolment, Programme
    from binome.skills.models import Assessment, AssessmentItem, Skill

    rng = random.Random(seed)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=126)
    org = Organisation.objects.create(name="Bench", slug="bench")
    depts = Department.objects.bulk_create(
        Department(organisation=org, name=n, code=f"d{i}")
        for i, n in enumerate(DEPARTMENTS)
    )
    manager = User.objects.create_user(email="rh@bench.example", password="x" * 16)
    programme = Programme.objects.create(
        organisation=org,
        name="Vague bench",
        slug="bench",
        status="running",
        start_date=start,
        end_date=today + datetime.timedelta(days=56),
    )
    programme.managers.add(manager)
    people = Person.objects.bulk_create(
        Person(
            organisation=org,
            first_name=f"P{i}",
            last_name=f"N{i}",
            email=f"p{i}@bench.example",
            department=rng.choice(depts),
            level=rng.choice([1, 2]) if i % 2 == 0 else rng.choice([3, 4, 5]),
            languages=["fr"],
            availability=["mon-am"],
        )
        for i in range(2 * pairs)
    )
    consent = timezone.now()
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            programme=programme,
            person=p,
            role="mentor" if i % 2 == 0 else "mentee",
            status="accepted",
            consent_at=consent,
        )
        for i, p in enumerate(people)
    )
    pair_objs = Pair.objects.bulk_create(
        Pair(mentor=enrolments[2 * i], mentee=enrolments[2 * i + 1], started_on=start)
        for i in range(pairs)
    )
    per_pair = sessions // pairs
    meetings = []
    for pair in pair_objs:
        for k in range(per_pair):
            when = timezone.make_aware(
                datetime.datetime.combine(
                    start + datetime.timedelta(days=7 * k + rng.randint(0, 3)),
                    datetime.time(10),
                )
            )
            status = (
                "planned"
                if when.date() >= today
                else rng.choice(["held"] * 8 + ["missed", "cancelled"])
            )
            meetings.append(
                Meeting(
                    pair=pair,
                    starts_at=when,
                    status=status,
                    held_minutes=30 if status == "held" else None,
                )
            )
    meetings = Meeting.objects.bulk_create(meetings, batch_size=5000)
    feedback = [
        Feedback(
            meeting=m,
            author_id=m.pair.mentee_id,
            rating=rng.choice([2, 3, 4, 4, 5, 5]),
            useful=rng.random() < 0.9,
        )
        for m in meetings
        if m.status == "held" and rng.random() < 0.5
    ]
    Feedback.objects.bulk_create(feedback, batch_size=5000)
    digital = list(Skill.objects.digital()[:6])
    leadership = list(Skill.objects.leadership()[:3])
    assessments = Assessment.objects.bulk_create(
        Assessment(
            person=p, phase=phase, assessed_on=start + datetime.timedelta(days=d)
        )
        for p in people
        for phase, d in (("baseline", 0), ("midway", 60))
    )
    items = []
    for a in assessments:
        mentee = a.person.level >= 3
        for skill in digital if mentee else leadership:
            base = rng.randint(0, 2)
            items.append(
                AssessmentItem(
                    assessment=a,
                    skill=skill,
                    level=base if a.phase == "baseline" else min(4, base + 1),
                )
            )
    AssessmentItem.objects.bulk_create(items, batch_size=10000)
    charters = Charter.objects.bulk_create(Charter(pair=p) for p in pair_objs)
    Kpi.objects.bulk_create(
        Kpi(
            charter=c,
            direction="mentee",
            title="But",
            kpi="Cible",
            done=rng.random() < 0.6,
        )
        for c in charters
    )
    ClosingSurvey.objects.bulk_create(
        ClosingSurvey(
            pair=p,
            author_id=p.mentee_id,
            confidence_before=rng.randint(1, 3),
            confidence_after=rng.randint(3, 5),
            satisfaction=rng.randint(3, 5),
            would_recommend=rng.random() < 0.8,
        )
        for p in pair_objs
    )
    print(
        f"built: {pairs} pairs, {len(meetings)} sessions, {len(feedback)} ratings, "
        f"{len(items)} assessed skills"
    )
    return programme, manager, today


def naive(programme, today):  # type: ignore[no-untyped-def]
    """The baseline: cadence per fortnight, rhythm and ratings with per-pair
    Python loops (one query per pair and relation), as one would first write."""
    from binome.pairs.models import Pair

    start = programme.start_date
    cadence: dict[tuple[int, str], int] = {}
    keeping = total = 0
    ratings: list[int] = []
    for pair in Pair.objects.filter(mentee__programme=programme):
        held = 0
        for meeting in pair.meetings.all():
            index = (meeting.starts_at.date() - start).days // 14
            cadence[(index, meeting.status)] = (
                cadence.get((index, meeting.status), 0) + 1
            )
            held += meeting.status == "held"
            ratings.extend(f.rating for f in meeting.feedback.all())
        expected = (today - pair.started_on).days // programme.cadence_days
        total += 1
        keeping += held >= expected - 1
    return cadence, keeping / total, sum(ratings) / len(ratings)


def median_ms(fn, runs: int) -> tuple[float, list[float]]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--skip-baseline",
        action="store_true",
        help="skip the naive baseline (90 s at 5,000 pairs), e.g. while iterating",
    )
    parser.add_argument(
        "--keepdb",
        action="store_true",
        help="keep the test database and its data between runs (iterating)",
    )
    args = parser.parse_args()

    setup_test_environment()
    from django.conf import settings
    from django.test.utils import override_settings

    # No collectstatic manifest here, as in the tests.
    static = override_settings(
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
            },
        }
    )
    static.enable()
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=args.keepdb
    )
    try:
        from django.test import Client
        from django.utils import timezone

        from binome.accounts.models import User
        from binome.programs.models import Programme

        kept = Programme.objects.filter(slug="bench").first() if args.keepdb else None
        if kept is not None:
            programme, today = kept, timezone.localdate()
            manager = User.objects.get(email="rh@bench.example")
            print("kept: the data of an earlier run (--keepdb)")
        else:
            programme, manager, today = build(args.pairs, args.sessions)
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("ANALYZE")
        client = Client()
        client.force_login(manager)
        url = f"/indicateurs/{programme.slug}/"

        def page() -> None:
            response = client.get(url, secure=True)
            assert response.status_code == 200, response.status_code

        queries: list[str] = []

        def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
            queries.append(sql)
            return execute(sql, params, many, context)

        from binome.insights.models import DashboardSnapshot

        # 1. Computed live at every view (what a programme under the
        # snapshot threshold gets, and what each snapshot costs).
        with override_settings(INSIGHTS_SNAPSHOT_MIN_PAIRS=10**9):
            page()  # warm-up: caches, connections
            # Not CaptureQueriesContext: each request resets connection.queries.
            with connection.execute_wrapper(count):
                page()
            live, live_times = median_ms(page, args.runs)
        print(f"database: {connection.vendor}")
        print(
            f"dashboard computed live at each view, median of {args.runs}: "
            f"{live:8.1f} ms; runs: " + ", ".join(f"{t:.0f}" for t in live_times)
        )
        print(f"SQL queries per live page: {len(queries)}")

        # 2. As served: from the snapshot that the background task keeps
        # fresh (the first view computes it, as the task would). The
        # threshold at 1 pair, so that --pairs under 500 gets one too.
        with override_settings(INSIGHTS_SNAPSHOT_MIN_PAIRS=1):
            DashboardSnapshot.objects.all().delete()
            page()
            snapshot = DashboardSnapshot.objects.get()
            queries.clear()
            with connection.execute_wrapper(count):
                page()
            median, times = median_ms(page, args.runs)
        verdict = "OK" if median <= TARGET_MS else "OVER TARGET"
        print(
            f"dashboard page as served (snapshot), median of {args.runs}: "
            f"{median:8.1f} ms   (target {TARGET_MS:.0f} ms: {verdict}); runs: "
            + ", ".join(f"{t:.0f}" for t in times)
        )
        print(
            f"SQL queries per page from the snapshot: {len(queries)}; computing "
            f"the snapshot took {snapshot.duration_ms} ms "
            f"({len(bytes(snapshot.data)) // 1024} KiB)"
        )
        if args.skip_baseline:
            return
        base, _times = median_ms(lambda: naive(programme, today), 1)
        print(
            f"baseline, 3 indicators with per-pair loops:   {base:8.1f} ms"
            f"   ({base / live:.0f}× the whole live dashboard)"
        )
    finally:
        if args.keepdb:
            connection.close()
            settings.DATABASES[connection.alias]["NAME"] = old_name
        else:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
