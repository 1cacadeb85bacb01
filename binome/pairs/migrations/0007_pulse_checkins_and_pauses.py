"""Pulse check-ins (three questions HR words, answers per member and round)
and pauses of a pair (#18). The default wording is copied here, not
imported, so that this migration keeps its meaning."""

from typing import Any

import django.core.validators


import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


QUESTIONS = {
    "useful": {
        "position": 1,
        "text_fr": "Nos séances me sont utiles.",
        "text_en": "Our sessions are useful to me.",
        "low_fr": "Pas du tout",
        "low_en": "Not at all",
        "high_fr": "Tout à fait",
        "high_en": "Very much",
    },
    "rhythm": {
        "position": 2,
        "text_fr": "Notre rythme de séances tient.",
        "text_en": "We keep to our rhythm of sessions.",
        "low_fr": "Pas du tout",
        "low_en": "Not at all",
        "high_fr": "Tout à fait",
        "high_en": "Very much",
    },
    "safety": {
        "position": 3,
        "text_fr": "Je me sens libre de dire ce que je pense.",
        "text_en": "I feel free to say what I think.",
        "junior_text_fr": (
            "Je me sens libre de dire ce que je pense à mon binôme, même "
            "quand je ne suis pas d'accord."
        ),
        "junior_text_en": (
            "I feel free to tell my partner what I think, even when I disagree."
        ),
        "low_fr": "Pas du tout",
        "low_en": "Not at all",
        "high_fr": "Tout à fait",
        "high_en": "Very much",
    },
}


def load_questions(apps: Any, schema_editor: Any) -> None:
    PulseQuestion = apps.get_model("pairs", "PulseQuestion")
    for key, fields in QUESTIONS.items():
        PulseQuestion.objects.get_or_create(key=key, defaults=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("pairs", "0006_programme_closing"),
        ("programs", "0012_heartbeat_resilience"),
    ]

    operations = [
        migrations.CreateModel(
            name="PulseQuestion",
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
                    "key",
                    models.CharField(
                        choices=[
                            ("useful", "Usefulness of the sessions"),
                            ("rhythm", "Rhythm of the sessions"),
                            ("safety", "Freedom to speak one's mind"),
                        ],
                        max_length=10,
                        verbose_name="question",
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
                    models.CharField(max_length=300, verbose_name="question (French)"),
                ),
                (
                    "text_en",
                    models.CharField(
                        blank=True, max_length=300, verbose_name="question (English)"
                    ),
                ),
                (
                    "junior_text_fr",
                    models.CharField(
                        blank=True,
                        help_text="Shown to the mentor (the junior) instead, when written.",
                        max_length=300,
                        verbose_name="question for the mentor (French)",
                    ),
                ),
                (
                    "junior_text_en",
                    models.CharField(
                        blank=True,
                        max_length=300,
                        verbose_name="question for the mentor (English)",
                    ),
                ),
                (
                    "low_fr",
                    models.CharField(max_length=60, verbose_name="label of 1 (French)"),
                ),
                (
                    "low_en",
                    models.CharField(
                        blank=True, max_length=60, verbose_name="label of 1 (English)"
                    ),
                ),
                (
                    "high_fr",
                    models.CharField(max_length=60, verbose_name="label of 5 (French)"),
                ),
                (
                    "high_en",
                    models.CharField(
                        blank=True, max_length=60, verbose_name="label of 5 (English)"
                    ),
                ),
            ],
            options={
                "verbose_name": "check-in question",
                "verbose_name_plural": "check-in questions",
                "ordering": ["position", "id"],
                "constraints": [
                    models.UniqueConstraint(fields=("key",), name="pulse_question_once")
                ],
            },
        ),
        migrations.CreateModel(
            name="PairPause",
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
                    "starts_on",
                    models.DateField(
                        default=django.utils.timezone.localdate, verbose_name="from"
                    ),
                ),
                ("until", models.DateField(verbose_name="until")),
                (
                    "reason",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("mission", "A mission or a busy period"),
                            ("leave", "Leave"),
                            ("workload", "Workload"),
                            ("other", "Another reason"),
                        ],
                        max_length=10,
                        verbose_name="reason (private)",
                    ),
                ),
                (
                    "ended_on",
                    models.DateField(
                        blank=True, null=True, verbose_name="resumed early on"
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="created at"
                    ),
                ),
                (
                    "by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pauses",
                        to="programs.enrolment",
                        verbose_name="paused by",
                    ),
                ),
                (
                    "pair",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pauses",
                        to="pairs.pair",
                        verbose_name="pair",
                    ),
                ),
            ],
            options={
                "verbose_name": "pause",
                "verbose_name_plural": "pauses",
                "ordering": ["-starts_on", "-id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("until__gte", models.F("starts_on"))),
                        name="pause_dates_ordered",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PulseCheckIn",
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
                ("round", models.PositiveSmallIntegerField(verbose_name="round")),
                (
                    "useful",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="usefulness of the sessions",
                    ),
                ),
                (
                    "rhythm",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="rhythm of the sessions",
                    ),
                ),
                (
                    "safety",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                        verbose_name="freedom to speak one's mind",
                    ),
                ),
                (
                    "comment",
                    models.TextField(
                        blank=True, max_length=2000, verbose_name="comment"
                    ),
                ),
                (
                    "share_comment",
                    models.BooleanField(
                        default=False,
                        verbose_name="share the comment with the programme team",
                    ),
                ),
                (
                    "answered_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="answered at"
                    ),
                ),
                (
                    "author",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checkins",
                        to="programs.enrolment",
                        verbose_name="author",
                    ),
                ),
                (
                    "pair",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="checkins",
                        to="pairs.pair",
                        verbose_name="pair",
                    ),
                ),
            ],
            options={
                "verbose_name": "check-in",
                "verbose_name_plural": "check-ins",
                "ordering": ["-answered_at", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("pair", "author", "round"),
                        name="checkin_once_per_round",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("useful__gte", 1), ("useful__lte", 5)),
                        name="checkin_useful_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("rhythm__gte", 1), ("rhythm__lte", 5)),
                        name="checkin_rhythm_range",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("safety__gte", 1), ("safety__lte", 5)),
                        name="checkin_safety_range",
                    ),
                ],
            },
        ),
        migrations.RunPython(load_questions, migrations.RunPython.noop),
    ]
