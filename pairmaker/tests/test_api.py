"""Public API: reasons for unmatched mentees, recommend(), locks, purity."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pairmaker import (
    Candidate,
    EngineInputError,
    Rules,
    SolveOptions,
    match,
    recommend,
)

FR = frozenset({"fr"})


def mentor(pid: str, **kw: object) -> Candidate:
    base: dict[str, object] = {"department": "IT", "level": 1, "languages": FR}
    base.update(kw)
    return Candidate(pid, "mentor", **base)  # type: ignore[arg-type]


def mentee(pid: str, **kw: object) -> Candidate:
    base: dict[str, object] = {"department": "FIN", "level": 5, "languages": FR}
    base.update(kw)
    return Candidate(pid, "mentee", **base)  # type: ignore[arg-type]


def reason(people: list[Candidate], who: str, rules: Rules | None = None) -> str:
    res = match(people, rules)
    return {u.mentee_id: u.reason for u in res.unmatched}[who]


def test_unmatched_reasons() -> None:
    assert reason([mentee("e")], "e") == "no_mentor"
    de = frozenset({"de"})
    assert reason([mentor("m", languages=de), mentee("e")], "e") == "lang_none"
    onsite = frozenset({"onsite"})
    assert (
        reason(
            [
                mentor("m", formats=onsite, site="a"),
                mentee("e", formats=onsite, site="b"),
            ],
            "e",
        )
        == "format_none"
    )
    assert reason([mentor("m", level=9), mentee("e")], "e") == "seniority_none"
    assert (
        reason([mentor("m", department="FIN"), mentee("e")], "e") == "department_none"
    )
    assert reason([mentor("m", manager_id="e"), mentee("e")], "e") == "reporting_line"
    assert reason([mentor("m"), mentee("e", avoid=frozenset({"m"}))], "e") == "avoided"
    # One mentor, two mentees: the better pair wins, the other lost to it.
    people = [
        mentor("m", skills={"py": 4}),
        mentee("a", wants={"py": 3}),
        mentee("b"),
    ]
    res = match(people)
    assert [(p.mentor_id, p.mentee_id) for p in res.pairs] == [("m", "a")]
    assert res.unmatched[0].mentee_id == "b"
    assert res.unmatched[0].reason == "lost_to_better"


def test_empty_cohort_is_a_result() -> None:
    res = match([])
    assert res.pairs == () and res.unmatched == () and res.exact
    assert res.total_score == 0 and res.upper_bound == 0


def test_coverage_first_beats_a_greedy_high_score() -> None:
    # m1 is great for a; but a can also take m2, and b can only take m1.
    people = [
        mentor("m1", skills={"py": 4}, teaching=4),
        mentor("m2"),
        mentee("a", wants={"py": 3}),
        mentee("b", languages=frozenset({"fr", "de"}), level=2),
    ]
    people[1] = mentor("m2", level=3)  # too senior for b (level 2)
    res = match(people)
    assert res.matched == 2
    assert {(p.mentor_id, p.mentee_id) for p in res.pairs} == {("m1", "b"), ("m2", "a")}
    score_only = match(people, Rules(objective="score"))
    assert score_only.total_score >= res.total_score


def test_locks_are_kept_even_against_rules() -> None:
    people = [
        mentor("m", department="FIN"),
        mentee("e", lock="m"),
        mentee("f", department="HR"),
    ]
    res = match(people)
    locked = [p for p in res.pairs if p.locked]
    assert [(p.mentor_id, p.mentee_id) for p in locked] == [("m", "e")]
    assert "locked" in locked[0].reasons
    assert "overrides_department" in locked[0].reasons
    assert {u.mentee_id: u.reason for u in res.unmatched} == {"f": "capacity_full"}


@pytest.mark.parametrize(
    ("people", "code"),
    [
        ([mentor("m"), mentee("e", lock="zz")], "lock_unknown"),
        ([mentor("m"), mentee("e", lock="f"), mentee("f")], "lock_same_role"),
        ([mentor("m"), mentor("n", lock="e"), mentee("e", lock="m")], "lock_conflict"),
        (
            [mentor("m"), mentee("e", lock="m"), mentee("f", lock="m")],
            "lock_over_capacity",
        ),
        ([mentor("m"), mentor("m")], "duplicate_id"),
    ],
)
def test_bad_locks_and_ids_raise(people: list[Candidate], code: str) -> None:
    with pytest.raises(EngineInputError) as err:
        match(people)
    assert code in {c for _, c in err.value.problems}


def test_recommend_ranks_and_explains() -> None:
    people = [
        mentor("best", skills={"py": 4}, teaching=4),
        mentor("good", skills={"py": 2}),
        mentor("bad", languages=frozenset({"de"})),
        mentee("e", wants={"py": 3}),
    ]
    recs = recommend(people, "e", k=5)
    assert [p.mentor_id for p in recs] == ["best", "good"]
    assert recs[0].score > recs[1].score
    assert "complementarity_high" in recs[0].reasons
    assert recommend(people, "e", k=1)[0].mentor_id == "best"
    with pytest.raises(EngineInputError):
        recommend(people, "best")


def test_result_reports_bound_and_breakdown() -> None:
    people = [mentor("m", skills={"py": 4}), mentee("e", wants={"py": 2})]
    res = match(people, options=SolveOptions(dense_limit=0))
    (pair,) = res.pairs
    assert set(pair.components) == {
        "complementarity",
        "reciprocity",
        "teaching",
        "affinity",
        "availability",
        "silo",
    }
    assert res.exact and res.gap == 0 and res.quality == 1.0
    assert res.rounds == 1  # one certificate pass proved it


def test_engine_never_imports_django() -> None:
    code = (
        "import sys, pairmaker, pairmaker.solve, pairmaker.scoring;"
        "import pairmaker.tests.cohorts;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'binome')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
