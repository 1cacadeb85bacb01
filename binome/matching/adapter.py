"""Adapter between the database and the pure matching engine ``pairmaker``.

This is the only place that imports the engine. It turns enrolments into
engine candidates (ids are enrolment ids, as strings) and engine results back
into enrolments; reason codes become sentences in ``matchcsv.describe``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

import pairmaker
from binome.people.models import Person
from binome.programs.models import (
    MATCHING_RULES,
    Enrolment,
    Programme,
    SkillWish,
    default_rules,
    default_weights,
)
from binome.programs.services import coffee_verdicts, teaching_scores
from binome.skills.models import AssessmentItem
from pairmaker.scoring import in_reporting_line, min_weight, reporting_chains

from .models import MatchingRound, PairDecision

# A mentor without any casting grid yet gets the middle of the 0–4 scale, so
# that missing paperwork neither favours nor sinks them.
DEFAULT_TEACHING = 2


def engine_rules(
    programme: Programme, snapshot: Mapping[str, Any] | None = None
) -> pairmaker.Rules:
    """The engine's rules: the programme's, or those a round took when it
    started (``settings_snapshot``), completed with today's defaults."""
    rules = programme.rules()
    weights = programme.weights()
    if snapshot and "rules" in snapshot:
        rules = default_rules() | dict(snapshot["rules"])
    if snapshot and "weights" in snapshot:
        weights = default_weights() | dict(snapshot["weights"])
    return pairmaker.Rules(
        objective=rules["objective"],
        min_score=float(rules["min_score"]),
        forbid_reporting_line=rules["forbid_reporting_line"],
        require_common_language=rules["require_common_language"],
        require_format=rules["require_format"],
        min_common_slots=int(rules["min_common_slots"]),
        seniority=rules["seniority"],
        same_department=rules["same_department"],
        weights=pairmaker.Weights(**weights),
    )


def round_feedback(round_: MatchingRound) -> dict[tuple[str, str], str]:
    """The café-virtuel verdicts a round was computed with, as engine ids
    (rounds run before they were kept: today's verdicts)."""
    kept = round_.settings_snapshot.get("feedback")
    if kept is None:
        return {
            (str(m), str(e)): v
            for (m, e), v in coffee_verdicts(round_.programme).items()
        }
    return {(str(m), str(e)): v for m, e, v in kept}


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
    # A person may hold two enrolments (mentor and mentee): the engine knows
    # them as one ``person``, so a manager named through either enrolment is
    # the manager of both, and both are in the line of each report.
    by_person: dict[int, list[Enrolment]] = {}
    for enrolment in enrolments:
        by_person.setdefault(enrolment.person_id, []).append(enrolment)
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
                manager_id=str(by_person[manager_id][0].pk) if manager_id else None,
                person=str(person.pk),
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


# Engine rule codes -> the programme's rule labels (as the round page shows them).
RULE_LABELS = {
    "language": MATCHING_RULES["require_common_language"][0],
    "format": MATCHING_RULES["require_format"][0],
    "slots": MATCHING_RULES["min_common_slots"][0],
    "seniority": MATCHING_RULES["seniority"][0],
    "department": MATCHING_RULES["same_department"][0],
    "reporting_line": MATCHING_RULES["forbid_reporting_line"][0],
    "min_score": MATCHING_RULES["min_score"][0],
}


def pair_problems(
    round_: MatchingRound, enrolments: Mapping[int, Enrolment]
) -> list[str]:
    """Why the round's pairs no longer hold, one sentence each (empty: they do).

    ``enrolments`` are the round's, by id (a missing one is the caller's to
    report). Checked: both enrolments in this programme and in the right
    role, two different people, each mentee once, each mentor within
    capacity, no pair forbidden by a manager since, and every hard rule of
    the round (its own rules, today's profiles) unless a manager locked the
    pair (a lock or a swap accepts what it breaks).
    """
    programme = round_.programme
    pairs = [
        (enrolments[p["mentor"]], enrolments[p["mentee"]])
        for p in round_.pairs
        if p["mentor"] in enrolments and p["mentee"] in enrolments
    ]
    problems: list[str] = []

    def name(enrolment: Enrolment) -> str:
        return enrolment.person.full_name

    def pair_name(mentor: Enrolment, mentee: Enrolment) -> str:
        return f"{name(mentor)} → {name(mentee)}"

    ok = []
    for mentor, mentee in pairs:
        if programme.pk not in (mentor.programme_id, mentee.programme_id) or (
            mentor.programme_id != mentee.programme_id
        ):
            problems.append(
                _("%(pair)s: enrolled in another programme")
                % {"pair": pair_name(mentor, mentee)}
            )
        elif (mentor.role, mentee.role) != (
            Enrolment.Role.MENTOR,
            Enrolment.Role.MENTEE,
        ):
            problems.append(
                _("%(pair)s: the roles are not mentor and mentee")
                % {"pair": pair_name(mentor, mentee)}
            )
        elif mentor.person_id == mentee.person_id:
            problems.append(
                _("%(name)s would be their own mentor") % {"name": name(mentor)}
            )
        else:
            ok.append((mentor, mentee))
    for mentee_id, count in sorted(Counter(e.pk for _m, e in pairs).items()):
        if count > 1:
            problems.append(
                _("%(name)s is in several pairs")
                % {"name": name(enrolments[mentee_id])}
            )
    for mentor_id, count in sorted(Counter(m.pk for m, _e in pairs).items()):
        mentor = enrolments[mentor_id]
        if count > mentor.effective_capacity:
            problems.append(
                _(
                    "%(name)s has %(count)s mentees, "
                    "beyond their capacity of %(capacity)s"
                )
                % {
                    "name": name(mentor),
                    "count": count,
                    "capacity": mentor.effective_capacity,
                }
            )
    decisions = {
        (m, e): kind
        for m, e, kind in programme.pair_decisions.values_list(
            "mentor_id", "mentee_id", "kind"
        )
    }
    to_check = []
    for mentor, mentee in ok:
        kind = decisions.get((mentor.pk, mentee.pk))
        if kind == PairDecision.Kind.FORBID:
            problems.append(
                _("%(pair)s: forbidden by a manager since the round ran")
                % {"pair": pair_name(mentor, mentee)}
            )
        elif kind != PairDecision.Kind.LOCK:
            to_check.append((mentor, mentee))
    if to_check:
        people = {
            c.id: c
            for c in candidates(
                programme, {e.pk: e for pair in to_check for e in pair}.values()
            )
        }
        rules = engine_rules(programme, round_.settings_snapshot)
        feedback = round_feedback(round_)
        chains = reporting_chains(people.values())
        for mentor, mentee in to_check:
            a, b = people[str(mentor.pk)], people[str(mentee.pk)]
            broken = list(
                pairmaker.rule_violations(
                    a,
                    b,
                    rules,
                    reporting_line=in_reporting_line(a.id, b.id, chains),
                )
            )
            scored = pairmaker.score_pair(
                a,
                b,
                rules,
                feedback=feedback.get((a.id, b.id)),  # type: ignore[arg-type]
                use_feedback=bool(feedback),
            )
            if scored.weight < min_weight(rules):
                broken.append("min_score")
            if broken:
                problems.append(
                    _("%(pair)s: breaks a hard rule (%(rules)s)")
                    % {
                        "pair": pair_name(mentor, mentee),
                        "rules": ", ".join(str(RULE_LABELS.get(r, r)) for r in broken),
                    }
                )
    return problems
