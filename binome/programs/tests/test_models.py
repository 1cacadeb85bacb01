import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from binome.programs.models import (
    Enrolment,
    Goal,
    Programme,
    SkillWish,
    default_rules,
    default_weights,
)
from binome.skills.models import Skill
from binome.tests.constraints import violates

DAY = datetime.datetime(2026, 9, 2, 9, 0, tzinfo=datetime.UTC)


def test_database_status_lists_match_the_choices():
    # The check constraints spell the statuses out; they must not drift.
    def statuses(model, name):
        constraint = next(c for c in model._meta.constraints if c.name == name)
        return set(dict(constraint.condition.children)["status__in"])

    assert statuses(Programme, "programme_status_valid") == set(Programme.Status.values)
    assert statuses(Enrolment, "enrolment_status_valid") == set(Enrolment.Status.values)


def test_new_programme_has_the_default_cadence_and_rules(org):
    programme = Programme.objects.create(organisation=org, name="P", slug="p")
    assert (programme.session_minutes, programme.cadence_days) == (30, 14)
    assert programme.status == Programme.Status.DRAFT
    assert programme.mentor_capacity == 1
    assert programme.rules()["same_department"] == "forbid"
    assert programme.rules()["min_common_slots"] == 1
    assert programme.weights() == default_weights()


def test_lifecycle_moves_forward_one_step_at_a_time(org):
    programme = Programme.objects.create(organisation=org, name="P", slug="p")
    with pytest.raises(ValidationError) as excinfo:
        programme.move_to(Programme.Status.RUNNING)
    assert excinfo.value.code == "invalid_transition"
    for status in ("recruiting", "matching", "recruiting", "matching", "running"):
        programme.move_to(status)
    programme.move_to(Programme.Status.CLOSED, by_closing=True)
    programme.refresh_from_db()
    assert programme.status == "closed"
    with pytest.raises(ValidationError) as excinfo:
        programme.move_to(Programme.Status.DRAFT, by_closing=True)
    assert excinfo.value.code == "invalid_transition"


def test_only_the_closing_service_closes_or_reopens(org):
    programme = Programme.objects.create(
        organisation=org, name="P", slug="p", status=Programme.Status.RUNNING
    )
    with pytest.raises(ValidationError) as excinfo:
        programme.move_to(Programme.Status.CLOSED)
    assert excinfo.value.code == "closing_required"
    programme.refresh_from_db()
    assert programme.status == Programme.Status.RUNNING
    programme.move_to(Programme.Status.CLOSED, by_closing=True)
    with pytest.raises(ValidationError) as excinfo:
        programme.move_to(Programme.Status.RUNNING)
    assert excinfo.value.code == "closing_required"
    programme.move_to(Programme.Status.RUNNING, by_closing=True)
    assert programme.status == Programme.Status.RUNNING


def test_end_date_cannot_precede_start_date(org):
    with pytest.raises(
        IntegrityError, match=violates(Programme, "programme_dates_ordered")
    ):
        Programme.objects.create(
            organisation=org,
            name="P",
            slug="p",
            start_date=datetime.date(2027, 1, 1),
            end_date=datetime.date(2026, 1, 1),
        )


@pytest.mark.parametrize(
    "field, value, constraint",
    [
        ("cadence_days", 0, "programme_cadence_range"),
        ("session_minutes", 5, "programme_session_minutes_range"),
        ("mentor_capacity", 0, "programme_capacity_range"),
    ],
)
def test_cadence_and_capacity_have_database_bounds(org, field, value, constraint):
    with pytest.raises(IntegrityError, match=violates(Programme, constraint)):
        Programme.objects.create(organisation=org, name="P", slug="p", **{field: value})


@pytest.mark.parametrize(
    "weights",
    [
        {"unknown": 1},
        {"teaching": "high"},
        {"teaching": -1},
        {"silo": True},
        ["teaching"],
    ],
)
def test_invalid_weights_are_refused(org, weights):
    programme = Programme(
        organisation=org, name="P", slug="p", matching_weights=weights
    )
    with pytest.raises(ValidationError) as excinfo:
        programme.full_clean()
    assert "matching_weights" in excinfo.value.message_dict


@pytest.mark.parametrize(
    "rules",
    [
        {"no_such_rule": True},
        {"same_department": "sometimes"},
        {"min_common_slots": -1},
        {"seniority": "yes"},
        {"require_format": "yes"},
        {"objective": "speed"},
        {"min_score": 2},
    ],
)
def test_invalid_rules_are_refused(org, rules):
    programme = Programme(organisation=org, name="P", slug="p", matching_rules=rules)
    with pytest.raises(ValidationError) as excinfo:
        programme.full_clean()
    assert "matching_rules" in excinfo.value.message_dict


def test_valid_partial_rules_are_completed_by_defaults(org):
    programme = Programme(
        organisation=org,
        name="P",
        slug="p",
        matching_rules={"same_department": "penalise", "min_common_slots": 2},
    )
    programme.full_clean()
    assert programme.rules() == default_rules() | {
        "same_department": "penalise",
        "min_common_slots": 2,
    }


def test_eligibility_uses_level_and_seniority_never_age(pilot, people):
    pilot.mentor_max_level = 2
    pilot.mentee_min_level = 4
    pilot.mentee_min_seniority = 10
    today = datetime.date(2026, 11, 22)
    assert pilot.ineligibility_reasons(people["camille"], "mentor", today) == []
    assert pilot.ineligibility_reasons(people["bernard"], "mentee", today) == []
    assert pilot.ineligibility_reasons(people["bernard"], "mentor", today)
    reasons = pilot.ineligibility_reasons(people["camille"], "mentee", today)
    assert len(reasons) == 2


def test_one_enrolment_per_person_programme_and_role(pilot, people):
    Enrolment.objects.create(programme=pilot, person=people["camille"], role="mentor")
    with (
        pytest.raises(
            IntegrityError, match=violates(Enrolment, "enrolment_unique_role")
        ),
        transaction.atomic(),
    ):
        Enrolment.objects.create(
            programme=pilot, person=people["camille"], role="mentor"
        )
    # The other role is a distinct enrolment.
    Enrolment.objects.create(programme=pilot, person=people["camille"], role="mentee")


def test_a_person_can_be_mentor_in_one_programme_and_mentee_in_another(
    pilot, other_programme, people
):
    Enrolment.objects.create(programme=pilot, person=people["xavier"], role="mentor")
    Enrolment.objects.create(
        programme=other_programme, person=people["xavier"], role="mentee"
    )
    assert people["xavier"].enrolments.count() == 2


def test_nobody_goes_past_the_invitation_without_consent(pilot, people):
    with pytest.raises(
        IntegrityError, match=violates(Enrolment, "enrolment_consent_required")
    ):
        Enrolment.objects.create(
            programme=pilot, person=people["camille"], role="mentor", status="accepted"
        )


def test_consent_moves_an_invitation_to_volunteered(pilot, people):
    enrolment = Enrolment.objects.create(
        programme=pilot, person=people["camille"], role="mentor"
    )
    enrolment.give_consent(version="v1")
    enrolment.save()
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.VOLUNTEERED
    assert enrolment.consent_at is not None and enrolment.consent_version == "v1"


def test_withdrawal_keeps_the_record_and_stamps_it(enrolments):
    camille = enrolments["camille"]
    camille.withdraw()
    camille.refresh_from_db()
    assert camille.status == Enrolment.Status.WITHDRAWN and camille.withdrawn_at
    assert camille not in Enrolment.objects.active()


def test_withdrawn_at_only_when_withdrawn(enrolments):
    camille = enrolments["camille"]
    camille.withdrawn_at = DAY
    with pytest.raises(
        IntegrityError,
        match=violates(Enrolment, "enrolment_withdrawn_at_only_when_withdrawn"),
    ):
        camille.save()


def test_mentor_capacity_defaults_to_the_programme(enrolments, pilot):
    pilot.mentor_capacity = 2
    pilot.save()
    camille = Enrolment.objects.get(pk=enrolments["camille"].pk)
    assert camille.effective_capacity == 2
    camille.capacity = 1
    assert camille.effective_capacity == 1


def test_skill_wish_priority_is_one_to_three(enrolments):
    with pytest.raises(
        IntegrityError, match=violates(SkillWish, "skill_wish_priority_range")
    ):
        SkillWish.objects.create(
            enrolment=enrolments["bernard"],
            skill=Skill.objects.get(code="linkedin"),
            intent="learn",
            priority=4,
        )


def test_goal_with_a_measurable_target(enrolments):
    goal = Goal.objects.create(
        enrolment=enrolments["bernard"],
        title="Être visible sur LinkedIn",
        kpi="Publier un post LinkedIn par semaine",
        target_value=4,
        unit="posts",
        due_date=datetime.date(2026, 12, 1),
        skill=Skill.objects.get(code="linkedin"),
    )
    assert enrolments["bernard"].goals.get() == goal
    with pytest.raises(IntegrityError, match=violates(Goal, "goal_target_positive")):
        Goal.objects.create(
            enrolment=enrolments["bernard"], title="x", kpi="y", target_value=0
        )


def test_managed_by_and_with_participant(pilot, other_programme, people, enrolments):
    odile, camille, victor = (
        people["odile"].user,
        people["camille"].user,
        people["victor"].user,
    )
    assert list(Programme.objects.managed_by(odile)) == [pilot]
    assert list(Programme.objects.managed_by(victor)) == [other_programme]
    assert list(Programme.objects.managed_by(camille)) == []
    assert list(Programme.objects.with_participant(camille)) == [pilot]
