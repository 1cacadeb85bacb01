import datetime

import pytest
from django.db import IntegrityError, transaction

from binome.skills.models import Assessment, AssessmentItem, Skill
from binome.tests.constraints import violates


def _assess(person, on, levels, assessor=None, phase=Assessment.Phase.BASELINE):
    assessment = Assessment.objects.create(
        person=person, assessed_on=on, assessor=assessor, phase=phase
    )
    for code, level in levels.items():
        AssessmentItem.objects.create(
            assessment=assessment, skill=Skill.objects.get(code=code), level=level
        )
    return assessment


def test_assessments_are_kept_per_date_so_progress_can_be_compared(people):
    bernard = people["bernard"]
    _assess(bernard, datetime.date(2026, 9, 1), {"linkedin": 1, "generative-ai": 0})
    _assess(
        bernard,
        datetime.date(2026, 12, 1),
        {"linkedin": 3, "generative-ai": 2},
        phase=Assessment.Phase.FINAL,
    )
    history = list(Assessment.objects.for_person(bernard).order_by("assessed_on"))
    assert [a.levels() for a in history] == [
        {"linkedin": 1, "generative-ai": 0},
        {"linkedin": 3, "generative-ai": 2},
    ]


def test_assessment_by_an_assessor_is_told_apart_from_a_self_assessment(people):
    camille, odile = people["camille"], people["odile"]
    own = _assess(camille, datetime.date(2026, 9, 1), {"dataviz": 3})
    by_hr = _assess(
        camille, datetime.date(2026, 9, 2), {"dataviz": 2}, assessor=odile.user
    )
    assert own.is_self_assessment and not by_hr.is_self_assessment
    assert list(Assessment.objects.self_assessed()) == [own]


@pytest.mark.parametrize("level", [5, 9])
def test_levels_above_four_are_refused(people, level):
    assessment = Assessment.objects.create(person=people["camille"])
    with pytest.raises(
        IntegrityError, match=violates(AssessmentItem, "assessment_item_level_range")
    ):
        AssessmentItem.objects.create(
            assessment=assessment, skill=Skill.objects.get(code="seo"), level=level
        )


def test_a_skill_appears_once_per_assessment(people):
    assessment = Assessment.objects.create(person=people["camille"])
    skill = Skill.objects.get(code="seo")
    AssessmentItem.objects.create(assessment=assessment, skill=skill, level=2)
    with (
        pytest.raises(
            IntegrityError, match=violates(AssessmentItem, "assessment_item_unique")
        ),
        transaction.atomic(),
    ):
        AssessmentItem.objects.create(assessment=assessment, skill=skill, level=3)


def test_not_rated_is_no_level(people):
    """« Not rated » is stored as an empty level: never a 0 or a 1."""
    assessment = Assessment.objects.create(
        person=people["bernard"], assessed_on=datetime.date(2026, 9, 1)
    )
    item = AssessmentItem.objects.create(
        assessment=assessment, skill=Skill.objects.get(code="negotiation"), level=None
    )
    assert assessment.levels() == {"negotiation": None}
    assert "non évalué" in str(item)
