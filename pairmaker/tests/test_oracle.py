"""Oracle tests: the engine's optimum equals brute force and scipy's assignment."""

from __future__ import annotations

import random

import pytest

from pairmaker import Rules, SolveOptions, match
from pairmaker.model import Objective
from pairmaker.scoring import SCALE
from pairmaker.tests.cohorts import random_cohort
from pairmaker.tests.oracle import brute_force, scipy_optimum, weight_matrix

# Tiny k, one row added per pass: the candidate lists miss most of the optimum
# and the LP-dual certificate must find every missing pair by itself.
SPARSE = SolveOptions(
    dense_limit=0, k_mentee=1, k_mentor=1, block_rows=8, add_per_row=1, max_rounds=200
)


def random_rules(rng: random.Random) -> Rules:
    objective: Objective = rng.choice(["coverage", "score"])
    return Rules(
        objective=objective,
        seniority=rng.choice(["strict", "relaxed", "off"]),
        same_department=rng.choice(["forbid", "penalise", "allow"]),
        min_common_slots=rng.choice([0, 1, 2]),
        require_format=rng.random() < 0.7,
        min_score=rng.choice([0.0, 0.0, 0.3]),
    )


def total_int(res_total: float) -> int:
    return round(res_total * SCALE)


@pytest.mark.parametrize("seed", range(4))
def test_equals_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    nontrivial = 0
    for _ in range(100):
        people = random_cohort(rng, rng.randint(0, 6), rng.randint(0, 3))
        rules = random_rules(rng)
        w, _, _, cap = weight_matrix(people, rules)
        coverage = rules.objective == "coverage"
        count, total = brute_force(w, cap, coverage)
        for options in (None, SPARSE):
            res = match(people, rules, options=options)
            assert total_int(res.total_score) == total
            if coverage:
                assert res.matched == count
            assert res.exact and res.gap == 0
        nontrivial += count > 1
    assert nontrivial >= 8  # the generator does produce real choices


@pytest.mark.parametrize("seed", range(4))
def test_equals_scipy_assignment(seed: int) -> None:
    rng = random.Random(100 + seed)
    for _ in range(60):
        people = random_cohort(rng, rng.randint(5, 30), rng.randint(3, 20))
        rules = random_rules(rng)
        w, _, _, cap = weight_matrix(people, rules)
        coverage = rules.objective == "coverage"
        count, total = scipy_optimum(w, cap, coverage)
        for options in (None, SPARSE):
            res = match(people, rules, options=options)
            assert total_int(res.total_score) == total
            if coverage:
                assert res.matched == count
            assert res.exact
            assert res.upper_bound == pytest.approx(res.total_score)


@pytest.mark.parametrize("seed", range(3))
def test_bound_is_valid_before_convergence(seed: int) -> None:
    """With a single certificate pass the bound may be loose but never wrong."""
    rng = random.Random(200 + seed)
    loose = 0
    for _ in range(40):
        people = random_cohort(rng, rng.randint(10, 40), rng.randint(5, 25))
        rules = random_rules(rng)
        w, _, _, cap = weight_matrix(people, rules)
        coverage = rules.objective == "coverage"
        count, total = scipy_optimum(w, cap, coverage)
        for max_rounds in (0, 1):
            opts = SolveOptions(
                dense_limit=0,
                k_mentee=1,
                k_mentor=1,
                block_rows=8,
                max_rounds=max_rounds,
            )
            res = match(people, rules, options=opts)
            assert res.upper_bound * SCALE >= total - 1e-6
            assert res.total_score * SCALE <= total + 1e-6
            assert res.coverage_upper_bound >= (count if coverage else 0)
            assert res.gap == pytest.approx(res.upper_bound - res.total_score)
            loose += not res.exact
    assert loose > 0  # the test does exercise unconverged bounds
