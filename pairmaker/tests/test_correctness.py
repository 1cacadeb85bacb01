"""One person enrolled twice, the reporting line between persons, and the
kernel agreeing exactly with the reference scorer (issue #17)."""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pairmaker import (
    Candidate,
    EngineInputError,
    Rules,
    Weights,
    allowed_pairs,
    evaluate_pair,
    match,
    recommend,
    score_pair,
)
from pairmaker.model import Feedback
from pairmaker.scoring import SCALE, Encoded, min_weight
from pairmaker.tests import strategies

# Rules under which one person could pass every rule with themselves.
OPEN = Rules(seniority="off", same_department="allow")


def _person(c: Candidate) -> str:
    return getattr(c, "person", None) or c.id


def _person_lines(people: list[Candidate]) -> set[tuple[str, str]]:
    """(person, manager person) up the chain, computed independently."""
    person = {c.id: _person(c) for c in people}
    boss: dict[str, set[str]] = {}
    for c in people:
        if c.manager_id:
            boss.setdefault(person[c.id], set()).add(
                person.get(c.manager_id, c.manager_id)
            )
    out = set()
    for p in {person[c.id] for c in people}:
        todo, seen = list(boss.get(p, ())), set()
        while todo:
            q = todo.pop()
            if q in seen or q == p:
                continue
            seen.add(q)
            todo += boss.get(q, ())
        out |= {(p, q) for q in seen} | {(q, p) for q in seen}
    return out


@st.composite
def shared_cohorts(draw: st.DrawFn) -> tuple[list[Candidate], Rules]:
    """A cohort where some mentors are also mentees (one person, two
    candidates) and some managers are named through either enrolment."""
    people = draw(strategies.cohorts())
    rules = draw(strategies.rules)
    rules = dataclasses.replace(
        rules,
        seniority=draw(st.sampled_from(["off", "relaxed", "strict"])),
        same_department=draw(st.sampled_from(["allow", "penalise", "forbid"])),
    )
    mentees = [c.id for c in people if c.role == "mentee"]
    if not mentees:
        return people, rules
    out = []
    for c in people:
        if c.role == "mentor" and draw(st.booleans()):
            twin = draw(st.sampled_from(mentees))
            c = dataclasses.replace(c, person=twin)
        out.append(c)
    return out, rules


def _check(people: list[Candidate], rules: Rules) -> None:
    by_id = {c.id: c for c in people}
    lines = _person_lines(people)
    res = match(people, rules)
    mentees = [p.mentee_id for p in res.pairs]
    assert len(mentees) == len(set(mentees))
    load = Counter(p.mentor_id for p in res.pairs)
    assert all(n <= by_id[m].capacity for m, n in load.items())
    for p in res.pairs:
        a, b = _person(by_id[p.mentor_id]), _person(by_id[p.mentee_id])
        assert a != b, "a person paired with themselves"
        if not p.locked and rules.forbid_reporting_line:
            assert (a, b) not in lines, "a pair in one reporting line"


@settings(max_examples=80, deadline=None)
@given(shared_cohorts())
def test_nobody_is_paired_with_themselves_nor_in_their_reporting_line(
    cohort: tuple[list[Candidate], Rules],
) -> None:
    people, rules = cohort
    by_id = {c.id: c for c in people}
    self_lock = any(
        c.lock and c.lock in by_id and _person(by_id[c.lock]) == _person(c)
        for c in people
    )
    if self_lock:
        with pytest.raises(EngineInputError, match="lock_same_person"):
            match(people, rules)
        return
    _check(people, rules)
    lines = _person_lines(people)
    for mentor_id, mentee_id, _score in allowed_pairs(people, rules):
        a, b = _person(by_id[mentor_id]), _person(by_id[mentee_id])
        assert a != b
        if rules.forbid_reporting_line:
            assert (a, b) not in lines
    for c in people:
        if c.role == "mentee":
            for p in recommend(people, c.id, k=50, rules=rules):
                assert _person(by_id[p.mentor_id]) != _person(c)


def _fr(pid: str, role: str, **kw: object) -> Candidate:
    kw.setdefault("languages", frozenset({"fr"}))
    return Candidate(pid, role, **kw)  # type: ignore[arg-type]


def test_one_person_in_both_roles_is_not_paired_with_themselves() -> None:
    people = [
        _fr("a-mentor", "mentor", person="a", level=3),
        _fr("a-mentee", "mentee", person="a", level=3),
    ]
    assert match(people, OPEN).pairs == ()
    assert list(allowed_pairs(people, OPEN)) == []
    assert recommend(people, "a-mentee", rules=OPEN) == ()
    assert match(people, OPEN).unmatched[0].reason == "no_mentor"


def test_a_lock_to_oneself_is_an_input_error() -> None:
    people = [
        _fr("a-mentor", "mentor", person="a"),
        _fr("a-mentee", "mentee", person="a", lock="a-mentor"),
    ]
    with pytest.raises(EngineInputError, match="lock_same_person"):
        match(people, OPEN)


def test_the_reporting_line_covers_every_enrolment_of_a_person() -> None:
    # Boss is mentor and mentee; Anna reports to Boss through Boss's mentor
    # enrolment, Carl reports to Anna's mentee enrolment.
    people = [
        _fr("boss-mentor", "mentor", person="boss", level=1),
        _fr("boss-mentee", "mentee", person="boss", level=5),
        _fr("anna-mentor", "mentor", person="anna", level=1, manager_id="boss-mentor"),
        _fr("anna-mentee", "mentee", person="anna", level=5, manager_id="boss-mentor"),
        _fr("carl-mentor", "mentor", person="carl", level=1, manager_id="anna-mentee"),
    ]
    rules = Rules(same_department="allow")
    allowed = {(m, e) for m, e, _ in allowed_pairs(people, rules)}
    # Every mentor is in Boss's line, and Anna's too but for... nobody.
    assert ("anna-mentor", "boss-mentee") not in allowed
    assert ("carl-mentor", "boss-mentee") not in allowed
    assert ("carl-mentor", "anna-mentee") not in allowed
    assert ("boss-mentor", "anna-mentee") not in allowed
    assert allowed == set()
    assert not match(people, rules).pairs


# -- the kernel and the reference scorer -------------------------------------

weights = st.builds(
    Weights,
    **{
        name: st.sampled_from([0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 1 / 3, 0.7, 1.0])
        for name in (
            "complementarity",
            "reciprocity",
            "teaching",
            "affinity",
            "availability",
            "silo",
            "feedback",
        )
    },
)
feedbacks: st.SearchStrategy[Feedback | None] = st.sampled_from(
    [None, "prefer", "neutral", "avoid"]
)


@settings(max_examples=150, deadline=None)
@given(
    strategies.cohorts(),
    strategies.rules,
    weights,
    st.integers(1, 5),
    st.sampled_from([0.0, 0.1, 0.25, 0.3333]),
    st.data(),
)
def test_kernel_weight_equals_reference_weight(
    people: list[Candidate],
    rules: Rules,
    w: Weights,
    target: int,
    penalty: float,
    data: st.DataObject,
) -> None:
    rules = dataclasses.replace(
        rules,
        weights=w,
        availability_target=target,
        same_department_penalty=penalty,
        min_score=data.draw(st.sampled_from([0.0, 0.1, 0.3, 0.4437, 0.5])),
        # Only the score here: every pair but the rules' own verdicts.
        require_common_language=False,
        require_format=False,
        min_common_slots=0,
        seniority="off",
        forbid_reporting_line=False,
        respect_avoid=False,
    )
    mentees = [c for c in people if c.role == "mentee"]
    mentors = [c for c in people if c.role == "mentor"]
    fb: dict[tuple[str, str], Feedback] = {}
    if mentees and mentors:
        for _ in range(data.draw(st.integers(0, 6))):
            m = data.draw(st.sampled_from(mentors))
            e = data.draw(st.sampled_from(mentees))
            v = data.draw(feedbacks)
            if v:
                fb[(m.id, e.id)] = v
    enc = Encoded(
        mentees, mentors, dataclasses.replace(rules, min_score=0.0), feedback=fb
    )
    full = enc.dense()
    cut = Encoded(mentees, mentors, rules, feedback=fb).dense()
    for i, e in enumerate(enc.mentees):
        for j, m in enumerate(enc.mentors):
            if rules.same_department == "forbid" and m.department == e.department:
                continue
            ps = score_pair(
                m, e, rules, feedback=fb.get((m.id, e.id)), use_feedback=bool(fb)
            )
            kernel = int(full[i, j])
            # (Before the fix PairScore had no weight: round(score * SCALE).)
            reference = getattr(ps, "weight", round(ps.score * SCALE))
            assert kernel == reference, (ps.score * SCALE, kernel)
            # The min_score decision is the same whichever scorer took it.
            ev = evaluate_pair(
                m,
                e,
                rules,
                reporting_line=False,
                feedback=fb.get((m.id, e.id)),
                use_feedback=bool(fb),
            )
            assert (ev is not None) == bool(np.isfinite(cut[i, j]))
            assert (ev is not None) == (kernel >= min_weight(rules))
