"""The vectorised kernel agrees with the scalar reference, and the definitions."""

from __future__ import annotations

import random

import numpy as np
import pytest

from pairmaker import Candidate, Rules, Weights, evaluate_pair, rule_violations
from pairmaker.model import Feedback
from pairmaker.scoring import SCALE, Encoded, in_reporting_line, reporting_chains
from pairmaker.tests.cohorts import random_cohort
from pairmaker.tests.test_oracle import random_rules


def person(pid: str, role: str = "mentor", **kw: object) -> Candidate:
    base: dict[str, object] = {
        "department": "IT" if role == "mentor" else "FIN",
        "level": 1 if role == "mentor" else 5,
        "languages": frozenset({"fr"}),
    }
    base.update(kw)
    return Candidate(pid, role, **base)  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(3))
def test_kernel_matches_scalar_reference(seed: int) -> None:
    rng = random.Random(seed)
    allowed = forbidden = 0
    for _ in range(60):
        people = random_cohort(rng, rng.randint(1, 9), rng.randint(1, 9))
        rules = random_rules(rng)
        mentors = [p for p in people if p.role == "mentor"]
        mentees = [p for p in people if p.role == "mentee"]
        fb: dict[tuple[str, str], Feedback] = {}
        if rng.random() < 0.5:
            for _ in range(4):
                fb[(rng.choice(mentors).id, rng.choice(mentees).id)] = rng.choice(
                    ["prefer", "neutral", "avoid"]
                )
        enc = Encoded(mentees, mentors, rules, feedback=fb)
        w = enc.dense()
        chains = reporting_chains(people)
        for i, e in enumerate(enc.mentees):
            for j, m in enumerate(enc.mentors):
                ps = evaluate_pair(
                    m,
                    e,
                    rules,
                    reporting_line=in_reporting_line(m.id, e.id, chains),
                    feedback=fb.get((m.id, e.id)),
                    use_feedback=bool(fb),
                )
                if ps is None:
                    forbidden += 1
                    assert w[i, j] == -np.inf
                else:
                    allowed += 1
                    assert abs(w[i, j] - ps.score * SCALE) <= 0.51
                    assert w[i, j] == ps.weight  # bit for bit
                    assert 0.0 <= ps.score <= 1.0
                    assert all(0.0 <= v <= 1.0 for v in ps.components.values())
    assert allowed > 100 and forbidden > 100


def test_blocks_are_reproducible_whatever_their_shape() -> None:
    rng = random.Random(7)
    people = random_cohort(rng, 300, 200)
    rules = Rules(seniority="off", same_department="allow")
    mentees = [p for p in people if p.role == "mentee"]
    mentors = [p for p in people if p.role == "mentor"]
    fb: dict[tuple[str, str], Feedback] = {
        (mentors[j].id, mentees[i].id): "prefer" for i, j in [(1, 3), (20, 50), (12, 0)]
    }
    enc = Encoded(mentees, mentors, rules, feedback=fb)
    assert enc.forbidden_keys.size > 0 and enc.fb_keys.size == 3
    full = enc.dense()
    for r0, r1 in [(0, 1), (5, 77), (100, 300)]:
        assert np.array_equal(enc.block(r0, r1, 0), full[r0:r1], equal_nan=True)
    assert np.array_equal(enc.row(42), full[42])
    cols = np.array([0, 3, 4, 50, 199], dtype=np.int64)
    assert np.array_equal(enc.columns(10, 300, cols), full[10:300][:, cols])
    # Scattered rows, among them the rows with feedback (1, 12, 20) and rows
    # with forbidden pairs, in one call: the same values.
    forbidden_rows = np.unique(enc.forbidden_keys // enc.m)[:7]
    rows = np.unique(np.r_[[1, 12, 20, 299], forbidden_rows]).astype(np.int64)
    assert np.array_equal(enc.rows_block(rows, 0), full[rows], equal_nan=True)
    assert np.array_equal(enc.rows_block(rows, 0, 120), full[rows][:, :120])
    assert (enc.rows_block(rows, 0) == -np.inf).any()


def test_complementarity_definition() -> None:
    mentor = person("m", skills={"py": 4, "sql": 1})
    mentee = person("e", "mentee", skills={"py": 1}, wants={"py": 3, "sql": 1})
    rules = Rules(weights=Weights(1, 0, 0, 0, 0, 0, 0))
    ps = evaluate_pair(mentor, mentee, rules)
    assert ps is not None
    # (3 * (4 - 1) + 1 * (1 - 0)) / (4 * (3 + 1)) = 10 / 16
    assert ps.components["complementarity"] == pytest.approx(10 / 16)
    assert ps.score == pytest.approx(10 / 16)
    assert "complementarity_high" in ps.reasons


def test_each_hard_rule() -> None:
    r = Rules()
    mentor = person("m", site="paris", availability=frozenset({"mon-am"}))
    mentee = person("e", "mentee", site="lyon", availability=frozenset({"mon-am"}))

    def broken(m: Candidate, e: Candidate, **kw: object) -> tuple[str, ...]:
        return rule_violations(m, e, kw.pop("rules", r), reporting_line=False, **kw)  # type: ignore[arg-type]

    assert broken(mentor, mentee) == ()
    assert "language" in broken(
        mentor, person("e", "mentee", languages=frozenset({"de"}))
    )
    onsite = frozenset({"onsite"})
    assert "format" in broken(
        person("m", formats=onsite, site="paris"),
        person("e", "mentee", formats=onsite, site="lyon"),
    )
    assert "format" not in broken(
        person("m", formats=onsite, site="paris"),
        person("e", "mentee", site="paris"),
    )
    assert "slots" in broken(
        mentor, person("e", "mentee", availability=frozenset({"tue-pm"}))
    )
    assert "seniority" in broken(person("m", level=5), mentee)
    assert "seniority" not in broken(
        person("m", level=5), mentee, rules=Rules(seniority="relaxed")
    )
    assert "department" in broken(person("m", department="FIN"), mentee)
    assert "avoid" in broken(person("m", avoid=frozenset({"e"})), mentee)
    assert "avoid" in broken(mentor, mentee, forbidden=True)
    assert rule_violations(mentor, mentee, r, reporting_line=True) == (
        "reporting_line",
    )


def test_reporting_line_goes_up_the_chain() -> None:
    people = [
        Candidate("boss", "mentee", manager_id=None),
        Candidate("mid", "mentee", manager_id="boss"),
        Candidate("jr", "mentor", manager_id="mid"),
        Candidate("loop1", "mentor", manager_id="loop2"),
        Candidate("loop2", "mentor", manager_id="loop1"),
    ]
    chains = reporting_chains(people)
    assert in_reporting_line("jr", "boss", chains)
    assert in_reporting_line("boss", "jr", chains)
    assert not in_reporting_line("loop1", "boss", chains)
    assert chains["loop1"] == frozenset({"loop2"})  # a cycle does not hang


def test_empty_availability_and_formats_are_no_constraint_but_flagged() -> None:
    mentor = person("m")
    mentee = person("e", "mentee", availability=frozenset({"mon-am", "tue-am"}))
    ps = evaluate_pair(mentor, mentee, Rules(min_common_slots=2))
    assert ps is not None
    assert ps.components["availability"] == pytest.approx(2 / 3)
    assert "availability_unset" in ps.reasons and "formats_unset" in ps.reasons


def test_same_department_penalised() -> None:
    mentor = person("m", department="FIN", teaching=4)
    mentee = person("e", "mentee")
    allow = evaluate_pair(mentor, mentee, Rules(same_department="allow"))
    pen = evaluate_pair(
        mentor, mentee, Rules(same_department="penalise", same_department_penalty=0.5)
    )
    assert allow is not None and pen is not None
    assert pen.score == pytest.approx(allow.score * 0.5)
    assert "same_department_penalised" in pen.reasons


def test_min_score_forbids_weak_pairs() -> None:
    mentor, mentee = person("m"), person("e", "mentee")
    ps = evaluate_pair(mentor, mentee, Rules())
    assert ps is not None
    assert evaluate_pair(mentor, mentee, Rules(min_score=ps.score + 0.01)) is None
    assert evaluate_pair(mentor, mentee, Rules(min_score=ps.score)) is not None
