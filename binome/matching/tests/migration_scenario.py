"""A database at the state before the move of the rounds (#17), with rows,
then migrated to the latest state: run by test_migration_move.py in a
separate process and database (``python -m binome.matching.tests.migration_scenario``)
and prints what it finds as JSON.

Not a test module itself: the suite's databases are built without migrations.
"""

from __future__ import annotations

import datetime
import json

import django

BEFORE = [
    ("programs", "0012_heartbeat_resilience"),
    ("contenttypes", "0002_remove_content_type_name"),
    ("auth", "0012_alter_user_first_name_max_length"),
    ("django_tasks_database", "0021_conditional_partial_index_ordering"),
]
OLD_TASK = "binome.programs.rounds.run_matching_round"


def before() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Organisation = apps.get_model("people", "Organisation")
    Person = apps.get_model("people", "Person")
    Programme = apps.get_model("programs", "Programme")
    Enrolment = apps.get_model("programs", "Enrolment")
    MatchingRound = apps.get_model("programs", "MatchingRound")
    PairDecision = apps.get_model("programs", "PairDecision")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")

    org = Organisation.objects.create(name="Acme", slug="acme")
    programme = Programme.objects.create(organisation=org, name="Vague", slug="vague")
    mentor, mentee = (
        Enrolment.objects.create(
            programme=programme,
            person=Person.objects.create(
                organisation=org, first_name=name, last_name="X", level=level
            ),
            role=role,
        )
        for name, level, role in (("Camille", 1, "mentor"), ("Bernard", 5, "mentee"))
    )
    MatchingRound.objects.create(
        programme=programme,
        number=1,
        status="done",
        result={"pairs": [{"mentor": mentor.pk, "mentee": mentee.pk}]},
    )
    PairDecision.objects.create(
        programme=programme, mentor=mentor, mentee=mentee, kind="lock"
    )
    # What post_migrate had created on the install: content types and the
    # admin permissions, one of them given to a group.
    group = Group.objects.create(name="Appariement")
    for model in ("matchinground", "pairdecision"):
        ct = ContentType.objects.create(app_label="programs", model=model)
        permission = Permission.objects.create(
            content_type=ct, codename=f"view_{model}", name=f"Can view {model}"
        )
        group.permissions.add(permission)
    DBTaskResult.objects.create(
        task_path=OLD_TASK,
        queue_name="default",
        backend_name="default",
        args_kwargs={"args": [], "kwargs": {"round_id": 1}},
        run_after=datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC),
    )


def after() -> dict[str, object]:
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    call_command("migrate", verbosity=0)
    from binome.matching.models import MatchingRound, PairDecision

    group = Group.objects.get(name="Appariement")
    return {
        "rounds": list(MatchingRound.objects.values_list("number", "status")),
        "round_pairs": MatchingRound.objects.get().pairs,
        "decisions": list(PairDecision.objects.values_list("kind", flat=True)),
        "content_types": sorted(
            ContentType.objects.filter(
                model__in=["matchinground", "pairdecision"]
            ).values_list("app_label", "model")
        ),
        "group_permissions": sorted(
            group.permissions.values_list("content_type__app_label", "codename")
        ),
        "tasks": list(DBTaskResult.objects.values_list("task_path", flat=True)),
    }


if __name__ == "__main__":
    django.setup()
    before()
    print(json.dumps(after()))
