"""Demo data for the programme dashboards: the pilot's mid-way
self-assessments, progress on the KPIs of its charters, and the final
survey of its participants (the pilot is in its last weeks). Idempotent:
keyed on stable facts, drawn from a seeded generator."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from binome.pairs import services
from binome.pairs.models import ClosingSurvey, Kpi, Pair
from binome.people.models import Person
from binome.programs.models import Programme
from binome.skills.models import Assessment, AssessmentItem, SkillArea

MIDWAY_DAY = datetime.date(2026, 11, 2)


def _midway(person: Person, learns: str, rng: random.Random) -> None:
    baseline = (
        Assessment.objects.for_person(person)
        .self_assessed()
        .filter(phase=Assessment.Phase.BASELINE)
        .order_by("-assessed_on", "-pk")
        .first()
    )
    if baseline is None:
        return
    midway, created = Assessment.objects.get_or_create(
        person=person,
        phase=Assessment.Phase.MIDWAY,
        assessed_on=MIDWAY_DAY,
        assessor=None,
    )
    if not created:
        return
    items = []
    for item in baseline.items.select_related("skill__area"):
        step = 0
        if item.skill.area.kind == learns:
            step = rng.choice([0, 1, 1, 1, 2])
        # « Not rated » at the start stays not rated: no level is invented.
        level = None if item.level is None else min(4, item.level + step)
        items.append(AssessmentItem(assessment=midway, skill=item.skill, level=level))
    AssessmentItem.objects.bulk_create(items)


@transaction.atomic
def load_insights_demo(
    pilot: Programme, wave: Programme, *, today: datetime.date | None = None
) -> None:
    """Give the dashboards something to show for the pilot. The wave is still
    recruiting: its dashboard shows the funnel only, as it should."""
    today = today or timezone.localdate()
    pairs = (
        Pair.objects.in_programme(pilot)
        .select_related("mentor__person", "mentee__person")
        .order_by("pk")
    )
    when = timezone.make_aware(
        datetime.datetime.combine(min(today, MIDWAY_DAY), datetime.time(12))
    )
    for number, pair in enumerate(pairs):
        rng = random.Random(f"insights-{pair.mentee.person.email}")
        _midway(pair.mentee.person, SkillArea.Kind.DIGITAL, rng)
        _midway(pair.mentor.person, SkillArea.Kind.LEADERSHIP, rng)
        charter = services.get_or_create_charter(pair=pair)
        for k, kpi in enumerate(Kpi.objects.filter(charter=charter)):
            if kpi.progress_updated_at is not None:
                continue
            reached = (number + k) % 3 != 2
            if kpi.target_value:
                ratio = Decimal(1) if reached else Decimal("0.5")
                kpi.current_value = (kpi.target_value * ratio).quantize(Decimal("1"))
            else:
                kpi.done = reached
            kpi.progress_updated_at = when
            kpi.save()
        for enrolment in (pair.mentee, pair.mentor):
            before = rng.choice([1, 2, 2, 3])
            ClosingSurvey.objects.get_or_create(
                pair=pair,
                author=enrolment,
                defaults={
                    "confidence_before": before,
                    "confidence_after": min(5, before + rng.choice([1, 1, 2, 2, 3])),
                    "satisfaction": rng.choice([4, 4, 5, 5, 5, 3]),
                    "would_recommend": rng.random() < 0.85,
                    "answered_at": when,
                },
            )
