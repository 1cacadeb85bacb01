"""Adapter between the database and the pure matching engine ``pairmaker``.

This is the only place that imports the engine. It turns enrolments into
engine candidates (ids are enrolment ids, as strings) and engine results back
into enrolments; reason codes become sentences in ``matchcsv.describe``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pairmaker
from binome.people.models import Person
from binome.programs.models import Enrolment, Programme, SkillWish
from binome.programs.services import coffee_verdicts, teaching_scores
from binome.skills.models import AssessmentItem

# A mentor without any casting grid yet gets the middle of the 0–4 scale, so
# that missing paperwork neither favours nor sinks them.
DEFAULT_TEACHING = 2


def engine_rules(programme: Programme) -> pairmaker.Rules:
    rules = programme.rules()
    return pairmaker.Rules(
        objective=rules["objective"],
        min_score=float(rules["min_score"]),
        forbid_reporting_line=rules["forbid_reporting_line"],
        require_common_language=rules["require_common_language"],
        require_format=rules["require_format"],
        min_common_slots=int(rules["min_common_slots"]),
        seniority=rules["seniority"],
        same_department=rules["same_department"],
        weights=pairmaker.Weights(**programme.weights()),
    )


def _silo(person: Person, roots: dict[int, str]) -> str:
    """The top-level department: Data and IT are one silo."""
    if person.department_id is None:
        return ""
    return roots[person.department_id]


def _department_roots(programme: Programme) -> dict[int, str]:
    parents = dict(programme.organisation.departments.values_list("pk", "parent_id"))
    codes = dict(programme.organisation.departments.values_list("pk", "code"))
    roots = {}
    for pk in parents:
        node, seen = pk, set()
        while parents.get(node) is not None and node not in seen:
            seen.add(node)
            node = parents[node]
        roots[pk] = codes[node]
    return roots


def candidates(
    programme: Programme, enrolments: Iterable[Enrolment]
) -> list[pairmaker.Candidate]:
    """Engine candidates for these enrolments of one programme.

    The reporting line runs through people who do not take part: each
    candidate's ``manager_id`` is its nearest enrolled ancestor, which keeps
    the engine's "up the chain" rule exact.
    """
    enrolments = list(enrolments)
    managers = dict(
        Person.objects.filter(organisation=programme.organisation).values_list(
            "pk", "manager_id"
        )
    )
    by_person: dict[int, Enrolment] = {}
    for enrolment in enrolments:
        by_person.setdefault(enrolment.person_id, enrolment)
    roots = _department_roots(programme)
    teaching = teaching_scores(programme)
    levels = _latest_levels([e.person_id for e in enrolments])
    wants: dict[int, dict[str, int]] = {}
    for enrolment_id, code, priority in SkillWish.objects.filter(
        enrolment__in=enrolments, intent="learn"
    ).values_list("enrolment_id", "skill__code", "priority"):
        wants.setdefault(enrolment_id, {})[code] = priority

    out = []
    for enrolment in enrolments:
        person = enrolment.person
        manager_id = managers.get(person.pk)
        seen = {person.pk}
        while manager_id is not None and manager_id not in by_person:
            if manager_id in seen:
                manager_id = None
                break
            seen.add(manager_id)
            manager_id = managers.get(manager_id)
        formats = set()
        if person.accepts_remote:
            formats.add("remote")
        if person.accepts_onsite:
            formats.add("onsite")
        is_mentor = enrolment.role == Enrolment.Role.MENTOR
        out.append(
            pairmaker.Candidate(
                id=str(enrolment.pk),
                role=enrolment.role,  # type: ignore[arg-type]
                department=_silo(person, roots),
                level=person.level,
                manager_id=str(by_person[manager_id].pk) if manager_id else None,
                languages=frozenset(person.languages),
                formats=frozenset(formats),
                site=str(person.site_id or ""),
                availability=frozenset(person.availability),
                capacity=enrolment.effective_capacity if is_mentor else 1,
                skills=levels.get(person.pk, {}),
                wants=wants.get(enrolment.pk, {}),
                interests=frozenset(person.interests),
                teaching=round(teaching.get(enrolment.pk, DEFAULT_TEACHING))
                if is_mentor
                else 0,
            )
        )
    return out


def _latest_levels(person_ids: list[int]) -> dict[int, dict[str, int]]:
    """Each person's latest self-assessment, as skill code -> level. A skill
    « not rated » is left out, as if it were not on the grid: it is no level."""
    current: dict[int, int] = {}
    out: dict[int, dict[str, int]] = {}
    rows = (
        AssessmentItem.objects.filter(
            assessment__person_id__in=person_ids, assessment__assessor__isnull=True
        )
        .order_by("assessment__assessed_on", "assessment_id")
        .values_list("assessment__person_id", "assessment_id", "skill__code", "level")
    )
    # Rows come oldest first: a newer assessment replaces the older answers.
    for person_id, assessment_id, code, level in rows:
        if current.get(person_id) != assessment_id:
            current[person_id] = assessment_id
            out[person_id] = {}
        if level is not None:
            out[person_id][code] = level
    return out


@dataclass(frozen=True)
class Recommendation:
    mentor: Enrolment
    score: float
    components: dict[str, float]
    reasons: tuple[str, ...]


def shortlist(enrolment: Enrolment) -> list[Recommendation]:
    """The best mentors for a mentee, with the engine's reasons (« café virtuel »)."""
    programme = enrolment.programme
    mentors = list(
        programme.enrolments.mentors()
        .filter(status=Enrolment.Status.ACCEPTED)
        .select_related("person")
    )
    if not mentors:
        return []
    people = candidates(programme, [enrolment, *mentors])
    feedback = {(str(m), str(e)): v for (m, e), v in coffee_verdicts(programme).items()}
    picks = pairmaker.recommend(
        people,
        str(enrolment.pk),
        k=programme.shortlist_size,
        rules=engine_rules(programme),
        feedback=feedback,  # type: ignore[arg-type]
    )
    by_id = {str(m.pk): m for m in mentors}
    return [
        Recommendation(
            mentor=by_id[p.mentor_id],
            score=p.score,
            components=dict(p.components),
            reasons=p.reasons,
        )
        for p in picks
    ]
