"""Hypothesis properties of match(): rules, capacities, uniqueness, determinism."""

from __future__ import annotations

import random
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from pairmaker import Rules, SolveOptions, match, rule_violations
from pairmaker.model import Candidate
from pairmaker.scoring import in_reporting_line, reporting_chains
from pairmaker.tests import strategies
from pairmaker.tests.cohorts import random_cohort

cohorts = st.tuples(strategies.cohorts(), strategies.rules)
options = st.sampled_from(
    [None, SolveOptions(dense_limit=0, k_mentee=1, k_mentor=1, block_rows=8)]
)


def check_invariants(
    people: list[Candidate], rules: Rules, opts: SolveOptions | None
) -> None:
    res = match(people, rules, options=opts)
    by_id = {p.id: p for p in people}
    chains = reporting_chains(people)
    # No one twice, capacities respected.
    mentees = [p.mentee_id for p in res.pairs]
    assert len(mentees) == len(set(mentees))
    load = Counter(p.mentor_id for p in res.pairs)
    for mentor_id, count in load.items():
        assert by_id[mentor_id].role == "mentor"
        assert count <= by_id[mentor_id].capacity
    # Hard rules hold on every pair that is not locked.
    for p in res.pairs:
        assert by_id[p.mentee_id].role == "mentee"
        if p.locked:
            continue
        m, e = by_id[p.mentor_id], by_id[p.mentee_id]
        line = in_reporting_line(m.id, e.id, chains)
        assert rule_violations(m, e, rules, reporting_line=line) == ()
        assert p.score >= rules.min_score - 1e-4
    # Locks are kept.
    for c in people:
        if c.lock:
            pair = (c.id, c.lock) if c.role == "mentor" else (c.lock, c.id)
            assert any(
                (q.mentor_id, q.mentee_id) == pair and q.locked for q in res.pairs
            )
    # Every mentee is either paired or explained.
    unmatched = {u.mentee_id for u in res.unmatched}
    all_mentees = {p.id for p in people if p.role == "mentee"}
    assert unmatched | set(mentees) == all_mentees
    assert not unmatched & set(mentees)
    assert res.matched == len(res.pairs)
    assert res.upper_bound >= res.total_score - 1e-9


@settings(max_examples=60, deadline=None)
@given(cohorts, options)
def test_hard_rules_capacities_locks(
    cohort: tuple[list[Candidate], Rules], opts: SolveOptions | None
) -> None:
    people, rules = cohort
    check_invariants(people, rules, opts)


@settings(max_examples=40, deadline=None)
@given(cohorts, options, st.data())
def test_deterministic_whatever_the_input_order(
    cohort: tuple[list[Candidate], Rules],
    opts: SolveOptions | None,
    data: st.DataObject,
) -> None:
    people, rules = cohort
    shuffled = data.draw(st.permutations(people), label="shuffled")
    a = match(people, rules, options=opts)
    b = match(shuffled, rules, options=opts)
    assert a == b


def test_threads_do_not_change_the_result() -> None:
    people = random_cohort(random.Random(3), 120, 80, locks=True)
    base = SolveOptions(dense_limit=0, k_mentee=2, k_mentor=1, block_rows=8)
    one = match(people, options=SolveOptions(**{**base.__dict__, "threads": 1}))
    two = match(people, options=SolveOptions(**{**base.__dict__, "threads": 2}))
    assert one == two
    assert one.pairs  # non-trivial
