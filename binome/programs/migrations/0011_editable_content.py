"""The self-check answers and the goal examples become content HR edits in
the administration.

Each step's answers, stored so far as two JSON lists and the position of the
right one, become rows (one per answer, in both languages); the goal
examples, so far a constant in the code, are loaded as they were shown. Both
are written here, not imported, so this migration keeps its meaning.
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


GOAL_EXAMPLES = [
    {
        "title_fr": "Être visible sur LinkedIn",
        "title_en": "Be visible on LinkedIn",
        "kpi_fr": "Publier un post LinkedIn par semaine",
        "kpi_en": "Publish one LinkedIn post a week",
        "target_value": 4,
        "unit_fr": "posts",
        "unit_en": "posts",
        "skill": "linkedin",
    },
    {
        "title_fr": "Automatiser les tâches répétitives",
        "title_en": "Automate repetitive tasks",
        "kpi_fr": "Automatiser 3 tâches avec Zapier",
        "kpi_en": "Automate 3 tasks with Zapier",
        "target_value": 3,
        "unit_fr": "tâches",
        "unit_en": "tasks",
        "skill": "automation",
    },
    {
        "title_fr": "Utiliser l'IA générative au quotidien",
        "title_en": "Use generative AI every day",
        "kpi_fr": "Préparer 5 notes avec un assistant IA",
        "kpi_en": "Prepare 5 notes with an AI assistant",
        "target_value": 5,
        "unit_fr": "notes",
        "unit_en": "notes",
        "skill": "generative-ai",
    },
    {
        "title_fr": "Prendre la parole en comité de direction",
        "title_en": "Speak up in leadership meetings",
        "kpi_fr": "Présenter 2 fois en comité de direction",
        "kpi_en": "Present twice to the management committee",
        "target_value": 2,
        "unit_fr": "présentations",
        "unit_en": "presentations",
        "skill": "public-speaking",
    },
]


def load_goal_examples(apps: Any, schema_editor: Any) -> None:
    GoalExample = apps.get_model("programs", "GoalExample")
    Skill = apps.get_model("skills", "Skill")
    for position, example in enumerate(GOAL_EXAMPLES, start=1):
        fields = {k: v for k, v in example.items() if k != "skill"}
        GoalExample.objects.update_or_create(
            title_fr=example["title_fr"],
            defaults={
                **fields,
                "position": position,
                "skill": Skill.objects.filter(code=example["skill"]).first(),
            },
        )


def answers_to_rows(apps: Any, schema_editor: Any) -> None:
    PreparationStep = apps.get_model("programs", "PreparationStep")
    PreparationChoice = apps.get_model("programs", "PreparationChoice")
    for step in PreparationStep.objects.all():
        for position, (fr, en) in enumerate(
            zip(step.choices_fr, step.choices_en, strict=True)
        ):
            PreparationChoice.objects.create(
                step=step,
                position=position + 1,
                text_fr=fr,
                text_en=en,
                is_correct=position == step.correct_choice,
            )


def rows_to_answers(apps: Any, schema_editor: Any) -> None:
    PreparationStep = apps.get_model("programs", "PreparationStep")
    for step in PreparationStep.objects.all():
        answers = list(step.answers.order_by("position", "id"))
        step.choices_fr = [a.text_fr for a in answers]
        step.choices_en = [a.text_en for a in answers]
        right = [i for i, a in enumerate(answers) if a.is_correct]
        step.correct_choice = right[0] if right else 0
        step.save()


def forwards(apps: Any, schema_editor: Any) -> None:
    answers_to_rows(apps, schema_editor)
    load_goal_examples(apps, schema_editor)


def backwards(apps: Any, schema_editor: Any) -> None:
    rows_to_answers(apps, schema_editor)


def load(apps: Any, schema_editor: Any) -> None:
    """Today's module and examples on the current models, for a database
    made from the models rather than by the migrations (the test suite's,
    see conftest.py): what 0003 and this migration leave on an install."""
    from importlib import import_module

    steps = import_module("binome.programs.migrations.0003_load_preparation").STEPS
    PreparationStep = apps.get_model("programs", "PreparationStep")
    PreparationChoice = apps.get_model("programs", "PreparationChoice")
    answer_fields = {"choices_fr", "choices_en", "correct_choice"}
    for position, data in enumerate(steps, start=1):
        fields = {k: v for k, v in data.items() if k not in answer_fields}
        step, created = PreparationStep.objects.update_or_create(
            title_fr=data["title_fr"], defaults={**fields, "position": position}
        )
        if created or not step.answers.exists():
            for i, (fr, en) in enumerate(
                zip(data["choices_fr"], data["choices_en"], strict=True)
            ):
                PreparationChoice.objects.create(
                    step=step,
                    position=i + 1,
                    text_fr=fr,
                    text_en=en,
                    is_correct=i == data["correct_choice"],
                )
    load_goal_examples(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0010_coffee_time_and_profile_corrections"),
        ("skills", "0005_leadership_scale_not_rated"),
    ]

    operations = [
        migrations.CreateModel(
            name="GoalExample",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0, verbose_name="position"
                    ),
                ),
                (
                    "title_fr",
                    models.CharField(max_length=200, verbose_name="title (French)"),
                ),
                (
                    "title_en",
                    models.CharField(max_length=200, verbose_name="title (English)"),
                ),
                (
                    "kpi_fr",
                    models.CharField(
                        max_length=200, verbose_name="measurable target (French)"
                    ),
                ),
                (
                    "kpi_en",
                    models.CharField(
                        max_length=200, verbose_name="measurable target (English)"
                    ),
                ),
                (
                    "target_value",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        max_digits=10,
                        null=True,
                        verbose_name="target value",
                    ),
                ),
                (
                    "unit_fr",
                    models.CharField(
                        blank=True, max_length=50, verbose_name="unit (French)"
                    ),
                ),
                (
                    "unit_en",
                    models.CharField(
                        blank=True, max_length=50, verbose_name="unit (English)"
                    ),
                ),
                ("is_active", models.BooleanField(default=True, verbose_name="active")),
                (
                    "skill",
                    models.ForeignKey(
                        blank=True,
                        help_text="Prefilled when the participant wants to learn this skill.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="skills.skill",
                        verbose_name="skill",
                    ),
                ),
            ],
            options={
                "verbose_name": "goal example",
                "verbose_name_plural": "goal examples",
                "ordering": ["position", "id"],
            },
        ),
        migrations.CreateModel(
            name="PreparationChoice",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        default=0, verbose_name="position"
                    ),
                ),
                (
                    "text_fr",
                    models.CharField(max_length=300, verbose_name="answer (French)"),
                ),
                (
                    "text_en",
                    models.CharField(max_length=300, verbose_name="answer (English)"),
                ),
                (
                    "is_correct",
                    models.BooleanField(default=False, verbose_name="right answer"),
                ),
                (
                    "step",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="answers",
                        to="programs.preparationstep",
                        verbose_name="step",
                    ),
                ),
            ],
            options={
                "verbose_name": "self-check answer",
                "verbose_name_plural": "self-check answers",
                "ordering": ["step", "position", "id"],
            },
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name="preparationstep",
            name="choices_en",
        ),
        migrations.RemoveField(
            model_name="preparationstep",
            name="choices_fr",
        ),
        migrations.RemoveField(
            model_name="preparationstep",
            name="correct_choice",
        ),
    ]
