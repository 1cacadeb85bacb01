"""Fill a PostgreSQL database with one large organisation, for the load
benchmark (``bench/load.py``).

One organisation of 100,000 employees (110 departments in 10 divisions, 20
sites, 5 levels, every employee's line manager one level up in the same
division), four programmes: a big running one with 5,000 pairs (enrolments
accepted with consent, consent records, charters with a goal, self-assessments
at baseline and midway) and 95,000 sessions, a closed pilot of 250 pairs and
5,000 sessions, a programme recruiting 1,500 volunteers, and a draft. Held
sessions carry shared notes, action items, ratings and private notes in
realistic proportions; the next planned ones an agenda.

Accounts, all with the bench-only password ``BENCH_PASSWORD`` below: every
participant of the big programme (``mentor-K@bench.example`` and
``mentee-K@bench.example`` are the two members of its K-th pair, from 0),
the programme managers ``manager-0@…``, ``manager-1@…`` and a sponsor,
``sponsor@bench.example``.

    .venv/bin/python bench/generate_org.py \\
        --database-url postgres://postgres@127.0.0.1:5432/binome_bench [--recreate]

Safety: the database is named explicitly (``--database-url``, never the
environment's ``DATABASE_URL``), its name must contain « bench », and the
script refuses a database that already holds an organisation or an account;
``--recreate`` drops and creates it again (still only a « bench » name). It
creates the database when it does not exist, then migrates it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_PASSWORD = "bench-only-Pa55word"
DOMAIN = "bench.example"
DIVISIONS = ["Finance", "RH", "DSI", "Marketing", "Commercial", "Juridique",
             "Opérations", "Relation client", "Achats", "Innovation"]  # fmt: skip
FIRST = ["Camille", "Léa", "Hugo", "Chloé", "Louis", "Inès", "Jules", "Manon", "Nathan",
         "Sarah", "Karim", "Yasmine", "Paul", "Emma", "Lucas", "Zoé"]  # fmt: skip
LAST = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit",
        "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel",
        "Garcia", "Diallo", "Nguyen", "Benali", "Rousseau", "Fontaine"]  # fmt: skip
SLOTS = ["mon-am", "mon-pm", "tue-am", "tue-pm", "wed-am", "wed-pm", "thu-am",
         "thu-pm", "fri-am", "fri-pm"]  # fmt: skip


def check_target(url: str) -> str:
    """The database name, after refusing anything but a PostgreSQL « bench »
    database."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"}:
        sys.exit("generate_org: --database-url must be a PostgreSQL URL")
    if "bench" not in name:
        sys.exit(
            f"generate_org: refusing database {name!r}: its name must contain "
            "« bench » (this script fills a throw-away benchmark database)"
        )
    return name


def prepare_database(url: str, name: str, recreate: bool) -> None:
    """Create the database if needed (drop it first with --recreate)."""
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if exists and recreate:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


class Timer:
    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()

    def step(self, what: str) -> None:
        now = time.perf_counter()
        print(f"  {now - self.last:6.1f} s  {what}", flush=True)
        self.last = now


def build(seed: int, pairs: int, employees: int) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from binome.accounts.models import User
    from binome.pairs.models import (
        ActionItem,
        AgendaItem,
        Charter,
        Feedback,
        Kpi,
        Meeting,
        Pair,
        PrivateNote,
    )
    from binome.people.models import Department, Organisation, Person, Site
    from binome.programs.models import ConsentRecord, Enrolment, Programme
    from binome.programs.services import CONSENT_VERSION
    from binome.skills.models import Assessment, AssessmentItem, Skill

    if Organisation.objects.exists() or User.objects.exists():
        sys.exit(
            "generate_org: the database already holds data; use --recreate to "
            "drop it and start again"
        )
    rng = random.Random(seed)
    timer = Timer()
    today = timezone.localdate()
    now = timezone.now()
    batch = 5000

    with transaction.atomic():
        org = Organisation.objects.create(name="Grande Entreprise", slug="bench")
        sites = Site.objects.bulk_create(
            Site(organisation=org, name=f"Site {i}", city=f"Ville {i}")
            for i in range(20)
        )
        divisions = Department.objects.bulk_create(
            Department(organisation=org, name=n, code=f"div{i}")
            for i, n in enumerate(DIVISIONS)
        )
        services = Department.objects.bulk_create(
            Department(
                organisation=org,
                name=f"{d.name} – service {j}",
                code=f"div{i}-s{j}",
                parent=d,
            )
            for i, d in enumerate(divisions)
            for j in range(10)
        )
        timer.step("organisation, 20 sites, 110 departments")

        # Employees, top down so that each line manager exists first: per
        # division 2 executives, 50 senior managers, 500 managers, the rest
        # level 1 or 2. Each reports to someone one level up, same division.
        per_div = employees // len(divisions)
        shape = [(5, 2), (4, 50), (3, 500)]
        people: list[Person] = []
        serial = 0

        def person(div: int, level: int, manager: Person | None) -> Person:
            nonlocal serial
            serial += 1
            return Person(
                organisation=org,
                employee_id=f"E{serial:06d}",
                first_name=rng.choice(FIRST),
                last_name=f"{rng.choice(LAST)}-{serial}",
                email=f"p{serial}@{DOMAIN}",
                job_title="Collaborateur" if level < 3 else "Manager",
                department=(
                    divisions[div]
                    if level >= 4
                    else services[div * 10 + rng.randrange(10)]
                ),
                site=rng.choice(sites),
                level=level,
                manager=manager,
                hire_year=rng.randint(1990, today.year),
                languages=["fr", "en"] if rng.random() < 0.4 else ["fr"],
                availability=rng.sample(SLOTS, 3),
            )

        above: dict[int, list[Person]] = {}
        for level, count in shape:
            divs = [div for div in range(len(divisions)) for _ in range(count)]
            rows = Person.objects.bulk_create(
                [
                    person(div, level, rng.choice(above[div]) if above else None)
                    for div in divs
                ],
                batch_size=batch,
            )
            people.extend(rows)
            above = {}
            for div, p in zip(divs, rows, strict=True):
                above.setdefault(div, []).append(p)
        rest = per_div - sum(c for _l, c in shape)
        rows = [
            person(div, rng.choice([1, 1, 2]), rng.choice(above[div]))
            for div in range(len(divisions))
            for _ in range(rest)
        ]
        people.extend(Person.objects.bulk_create(rows, batch_size=batch))
        timer.step(f"{len(people)} employees with their line managers")

        # Accounts: one hash for all (Argon2 for 10,000 accounts would take
        # minutes), the bench-only password.
        password = make_password(BENCH_PASSWORD)
        juniors = [p for p in people if p.level <= 2]
        seniors = [p for p in people if p.level >= 3]
        rng.shuffle(juniors)
        rng.shuffle(seniors)
        mentors = juniors[:pairs]
        mentees = seniors[:pairs]
        pilot_mentors = juniors[pairs : pairs + 250]
        pilot_mentees = seniors[pairs : pairs + 250]
        volunteers = (
            juniors[pairs + 250 : pairs + 1000] + seniors[pairs + 250 : pairs + 1000]
        )
        users = []
        for k in range(pairs):
            for role, p in (("mentor", mentors[k]), ("mentee", mentees[k])):
                users.append(
                    User(
                        email=f"{role}-{k}@{DOMAIN}",
                        password=password,
                        first_name=p.first_name,
                        last_name=p.last_name,
                    )
                )
        staff = [
            User(email=f"manager-{j}@{DOMAIN}", password=password) for j in range(2)
        ] + [User(email=f"sponsor@{DOMAIN}", password=password)]
        users = User.objects.bulk_create(users + staff, batch_size=batch)
        staff = users[-3:]
        for k in range(pairs):
            mentors[k].user = users[2 * k]
            mentees[k].user = users[2 * k + 1]
        Person.objects.bulk_update(mentors + mentees, ["user"], batch_size=batch)
        timer.step(f"{len(users)} accounts")

        start = today - datetime.timedelta(days=14 * 17 + 3)
        big = Programme.objects.create(
            organisation=org,
            name="Mentorat inversé 2026",
            slug="bench-grand",
            status=Programme.Status.RUNNING,
            start_date=start,
            end_date=start + datetime.timedelta(days=14 * 22),
        )
        pilot = Programme.objects.create(
            organisation=org,
            name="Pilote 2025",
            slug="bench-pilote",
            status=Programme.Status.CLOSED,
            is_pilot=True,
            start_date=start - datetime.timedelta(days=400),
            end_date=start - datetime.timedelta(days=400 - 14 * 21),
        )
        recruiting = Programme.objects.create(
            organisation=org,
            name="Vague 2027",
            slug="bench-vague",
            status=Programme.Status.RECRUITING,
            open_call=True,
            start_date=today + datetime.timedelta(days=60),
        )
        Programme.objects.create(
            organisation=org, name="Brouillon", slug="bench-brouillon"
        )
        for programme in (big, pilot, recruiting):
            programme.managers.add(*staff[:2])
            programme.sponsors.add(staff[2])
        skills = list(Skill.objects.digital()[:8]) + list(
            Skill.objects.leadership()[:4]
        )
        timer.step("4 programmes")

        enrolments = []
        for programme, ms, ts, status in (
            (big, mentors, mentees, Enrolment.Status.ACCEPTED),
            (pilot, pilot_mentors, pilot_mentees, Enrolment.Status.ACCEPTED),
        ):
            for m, t in zip(ms, ts, strict=True):
                for role, p in (("mentor", m), ("mentee", t)):
                    enrolments.append(
                        Enrolment(
                            programme=programme,
                            person=p,
                            role=role,
                            status=status,
                            consent_at=now,
                            consent_version=CONSENT_VERSION,
                            motivation="Apprendre et transmettre.",
                        )
                    )
        for p in volunteers:
            enrolments.append(
                Enrolment(
                    programme=recruiting,
                    person=p,
                    role="mentor" if p.level <= 2 else "mentee",
                    status=Enrolment.Status.VOLUNTEERED,
                    consent_at=now,
                    consent_version=CONSENT_VERSION,
                )
            )
        enrolments = Enrolment.objects.bulk_create(enrolments, batch_size=batch)
        ConsentRecord.objects.bulk_create(
            (
                ConsentRecord(
                    person_id=e.person_id,
                    enrolment=e,
                    kind=ConsentRecord.Kind.ENROLMENT,
                    notice_version=CONSENT_VERSION,
                    given_at=now,
                )
                for e in enrolments
            ),
            batch_size=batch,
        )
        timer.step(f"{len(enrolments)} enrolments with their consent records")

        pair_rows = []
        for k in range(pairs):
            pair_rows.append((big, enrolments[2 * k], enrolments[2 * k + 1]))
        for k in range(250):
            first = 2 * pairs + 2 * k
            pair_rows.append((pilot, enrolments[first], enrolments[first + 1]))
        pair_objs = Pair.objects.bulk_create(
            (
                Pair(
                    mentor=m,
                    mentee=t,
                    started_on=prog.start_date,
                    status=(
                        Pair.Status.CLOSED if prog is pilot else Pair.Status.ACTIVE
                    ),
                    closed_on=prog.end_date if prog is pilot else None,
                )
                for prog, m, t in pair_rows
            ),
            batch_size=batch,
        )
        # Most pairs accepted their charter in their first weeks.
        charters = Charter.objects.bulk_create(
            (
                Charter(
                    pair=p,
                    mentee_objectives="Mieux utiliser les outils numériques.",
                    mentor_objectives="Comprendre les enjeux de la direction.",
                    mentor_accepted_at=accepted,
                    mentee_accepted_at=accepted,
                )
                for p in pair_objs
                for accepted in [
                    timezone.make_aware(
                        datetime.datetime.combine(
                            p.started_on + datetime.timedelta(days=10),
                            datetime.time(12),
                        )
                    )
                    if rng.random() < 0.9
                    else None
                ]
            ),
            batch_size=batch,
        )
        Kpi.objects.bulk_create(
            (
                Kpi(
                    charter=c,
                    direction="mentee",
                    title="Maîtriser un outil numérique",
                    kpi="Trois usages réguliers",
                    done=rng.random() < 0.4,
                )
                for c in charters
            ),
            batch_size=batch,
        )
        timer.step(f"{len(pair_objs)} pairs with charters")

        # Sessions: every 14 days from the start; 19 per pair in the big
        # programme (the last two still planned), 20 per pilot pair.
        meetings = []
        for pair, (prog, _m, _t) in zip(pair_objs, pair_rows, strict=True):
            count = 20 if prog is pilot else 19
            for k in range(count):
                day = prog.start_date + datetime.timedelta(
                    days=14 * k + rng.randint(0, 4)
                )
                when = timezone.make_aware(
                    datetime.datetime.combine(day, datetime.time(9 + k % 8))
                )
                if when > now:
                    status = Meeting.Status.PLANNED
                else:
                    status = rng.choice(["held"] * 8 + ["missed", "cancelled"])
                held = status == "held"
                meetings.append(
                    Meeting(
                        pair=pair,
                        starts_at=when,
                        status=status,
                        held_minutes=rng.choice([30, 30, 45, 60]) if held else None,
                        icebreaker="Un café et les nouvelles" if held else "",
                        notes=(
                            "Nous avons parlé des outils de l'équipe et des "
                            "priorités du trimestre. " * rng.randint(1, 4)
                            if held and rng.random() < 0.6
                            else ""
                        ),
                        mentor_learned="Le point de vue de la direction."
                        if held and rng.random() < 0.3
                        else "",
                        mentee_learned="Un nouvel usage du tableur."
                        if held and rng.random() < 0.3
                        else "",
                    )
                )
        meetings = Meeting.objects.bulk_create(meetings, batch_size=batch)
        timer.step(f"{len(meetings)} sessions")

        enrolment_of = {p.pk: (p.mentor_id, p.mentee_id) for p in pair_objs}
        feedback, actions, notes, agenda = [], [], [], []
        for m in meetings:
            mentor_id, mentee_id = enrolment_of[m.pair_id]
            if m.status == "held":
                if rng.random() < 0.5:
                    feedback.append(
                        Feedback(
                            meeting=m,
                            author_id=mentee_id,
                            rating=rng.choice([2, 3, 4, 4, 5, 5]),
                            useful=rng.random() < 0.9,
                        )
                    )
                if rng.random() < 0.3:
                    feedback.append(
                        Feedback(
                            meeting=m,
                            author_id=mentor_id,
                            rating=rng.choice([3, 4, 4, 5, 5]),
                            useful=rng.random() < 0.9,
                        )
                    )
                if rng.random() < 0.5:
                    actions.append(
                        ActionItem(
                            meeting=m,
                            text="Essayer l'outil présenté",
                            owner_id=rng.choice([mentor_id, mentee_id]),
                            due_date=m.starts_at.date() + datetime.timedelta(days=14),
                            done_at=now if rng.random() < 0.7 else None,
                        )
                    )
                if rng.random() < 0.2:
                    notes.append(
                        PrivateNote(
                            meeting=m,
                            author_id=rng.choice([mentor_id, mentee_id]),
                            text="À reprendre la prochaine fois.",
                        )
                    )
            elif m.status == "planned" and rng.random() < 0.5:
                agenda.append(
                    AgendaItem(meeting=m, text="Un sujet du moment", position=0)
                )
        Feedback.objects.bulk_create(feedback, batch_size=batch)
        ActionItem.objects.bulk_create(actions, batch_size=batch)
        PrivateNote.objects.bulk_create(notes, batch_size=batch)
        AgendaItem.objects.bulk_create(agenda, batch_size=batch)
        timer.step(
            f"{len(feedback)} ratings, {len(actions)} action items, "
            f"{len(notes)} private notes, {len(agenda)} agenda items"
        )

        participants = [(p, start) for p in mentors + mentees] + [
            (p, pilot.start_date) for p in pilot_mentors + pilot_mentees
        ]
        assessments = Assessment.objects.bulk_create(
            (
                Assessment(
                    person=p,
                    phase=phase,
                    assessed_on=begin + datetime.timedelta(days=days),
                )
                for p, begin in participants
                for phase, days in (("baseline", 0), ("midway", 120))
            ),
            batch_size=batch,
        )
        items = []
        for a in assessments:
            for skill in rng.sample(skills, 5):
                base = rng.randint(0, 2)
                items.append(
                    AssessmentItem(
                        assessment=a,
                        skill=skill,
                        level=base if a.phase == "baseline" else min(4, base + 1),
                    )
                )
        AssessmentItem.objects.bulk_create(items, batch_size=10000)
        timer.step(f"{len(assessments)} assessments, {len(items)} assessed skills")

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timer.step("ANALYZE")
    print(f"generated in {time.perf_counter() - timer.start:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--recreate", action="store_true")
    parser.add_argument("--pairs", type=int, default=5000)
    parser.add_argument("--employees", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args()
    name = check_target(args.database_url)
    begin = time.perf_counter()
    prepare_database(args.database_url, name, args.recreate)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binome.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"  {time.perf_counter() - begin:6.1f} s  database created and migrated")
    build(args.seed, args.pairs, args.employees)
    print(f"total {time.perf_counter() - begin:.0f} s")


if __name__ == "__main__":
    main()
