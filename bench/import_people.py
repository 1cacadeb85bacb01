"""Benchmark: import of an HRIS export of 5,000 people (dry run, then write).

Prints the wall time of the preview (plan_import) and of the confirmed import
(apply_import), first on an empty organisation (everything created) and then
again with the same file (everything unchanged), against the target of 30 s.
Run it with the project's settings, on SQLite or PostgreSQL:

    SECRET_KEY=bench .venv/bin/python bench/import_people.py [--rows 5000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/binome_bench ...

It creates a throw-away database (Django's test database machinery), so it
never touches the real one.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binome.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "k" * 50)

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

TARGET_SECONDS = 30.0
DEPARTMENTS = ["Finance", "Ressources humaines", "Systèmes d'information", "Marketing",
               "Commercial", "Juridique", "Opérations", "Relation client", "Achats",
               "Innovation"]  # fmt: skip
SITES = ["Paris La Défense", "Lyon", "Nantes", "Lille", "Bordeaux", "Toulouse"]


def make_csv(rows: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    lines = [
        "Matricule;Prénom;Nom;E-mail;Poste;Direction;Site;Niveau;Matricule manager;"
        "Année d'embauche;Langues;Rôle"
    ]
    for i in range(rows):
        level = 5 if i < 10 else rng.choice([1, 1, 1, 2, 2, 3, 4])
        manager = "" if i < 10 else f"E{rng.randrange(0, min(i, 400)):06d}"
        role = rng.choice(["mentor", "mentoré", "", ""])
        lines.append(
            f"E{i:06d};Prénom{i};Nom{i};p{i}@bench.example;Poste {i % 50};"
            f"{rng.choice(DEPARTMENTS)};{rng.choice(SITES)};{level};{manager};"
            f"{rng.randint(1985, 2026)};fr|en;{role}"
        )
    return ("\ufeff" + "\n".join(lines) + "\n").encode("utf-8")


def timed(label: str, fn):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    verdict = "OK" if elapsed <= TARGET_SECONDS else "OVER TARGET"
    print(f"{label:<44} {elapsed:8.2f} s   (target {TARGET_SECONDS:.0f} s: {verdict})")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from binome.people.models import Organisation, Person
        from binome.programs import imports
        from binome.programs.models import Programme

        org = Organisation.objects.create(name="Bench", slug="bench")
        programme = Programme.objects.create(
            organisation=org, name="Vague", slug="vague", status="recruiting"
        )
        content = make_csv(args.rows)
        print(
            f"database: {connection.vendor}; rows: {args.rows}; "
            f"file: {len(content) / 1e6:.1f} MB"
        )
        plan = timed(
            "preview, empty organisation",
            lambda: imports.plan_import(content, "rh.csv", programme),
        )
        print(
            f"  plan: {plan.count('create')} to create, {plan.count('reject')} rejected"
        )
        upload = imports.store_upload(
            programme=programme, content=content, file_name="rh.csv", by=None
        )
        timed("import (create everything)", lambda: imports.apply_import(upload=upload))
        print(
            f"  people: {Person.objects.count()}, "
            f"enrolments: {programme.enrolments.count()}"
        )
        plan = timed(
            "preview, same file again",
            lambda: imports.plan_import(content, "rh.csv", programme),
        )
        print(f"  plan: {plan.count('unchanged')} unchanged")
        again = imports.store_upload(
            programme=programme, content=content, file_name="rh.csv", by=None
        )
        timed(
            "import again (nothing changes)", lambda: imports.apply_import(upload=again)
        )
        print(f"  people: {Person.objects.count()} (no duplicate)")

        # Baseline in the same run: the naive import, one ORM save per row
        # (what a hand-written loop does), into a second organisation.
        from django.db import transaction

        other = Organisation.objects.create(name="Baseline", slug="baseline")
        _headers, rows = imports.read_rows(content, "rh.csv")

        @transaction.atomic
        def naive() -> None:
            for row in rows:
                Person.objects.update_or_create(
                    organisation=other,
                    employee_id=row[0],
                    defaults={
                        "first_name": row[1],
                        "last_name": row[2],
                        "email": row[3],
                        "job_title": row[4],
                        "level": int(row[7]),
                        "hire_year": int(row[9]),
                    },
                )

        timed("baseline: naive row-by-row ORM import", naive)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
