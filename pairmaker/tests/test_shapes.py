"""Oracles and properties on small cohorts of every benchmark shape.

The shapes (many ties, deep management chains, skewed wishes, one huge
department, many empty constraints...) come from ``bench/shapes.py``, the
generator the benchmark uses, cut down to a few dozen people.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.shapes import SHAPES, cohort, small
from pairmaker import Rules, SolveOptions, match
from pairmaker.scoring import SCALE, Encoded
from pairmaker.solve import _coverage_arcs, _duals, _flow, _Scanner, _tie
from pairmaker.tests.oracle import brute_force, scipy_optimum, weight_matrix
from pairmaker.tests.test_oracle import SPARSE, random_rules, total_int
from pairmaker.tests.test_properties import check_invariants

# Production-like sparse options on small inputs: default k, spread and repair.
SPARSE_DEFAULT = SolveOptions(dense_limit=0, block_rows=8)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_equals_brute_force(shape: str) -> None:
    rng = random.Random(f"brute-{shape}")
    for _ in range(25):
        people = small(shape, rng, rng.randint(1, 6), rng.randint(1, 3))
        rules = random_rules(rng)
        w, _, _, cap = weight_matrix(people, rules)
        coverage = rules.objective == "coverage"
        count, total = brute_force(w, cap, coverage)
        for options in (None, SPARSE, SPARSE_DEFAULT):
            res = match(people, rules, options=options)
            assert total_int(res.total_score) == total
            if coverage:
                assert res.matched == count
            assert res.exact and res.gap == 0


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_equals_scipy_assignment(shape: str) -> None:
    rng = random.Random(f"scipy-{shape}")
    for _ in range(8):
        people = small(shape, rng, rng.randint(10, 60), rng.randint(5, 40))
        rules = random_rules(rng) if rng.random() < 0.5 else Rules()
        w, _, _, cap = weight_matrix(people, rules)
        coverage = rules.objective == "coverage"
        count, total = scipy_optimum(w, cap, coverage)
        for options in (None, SPARSE, SPARSE_DEFAULT):
            res = match(people, rules, options=options)
            assert total_int(res.total_score) == total
            if coverage:
                assert res.matched == count
            assert res.exact
            assert res.upper_bound == pytest.approx(res.total_score)


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(sorted(SHAPES)),
    st.integers(0, 2**30),
    st.integers(0, 30),
    st.integers(0, 20),
    st.sampled_from([None, SPARSE, SPARSE_DEFAULT]),
    st.data(),
)
def test_properties_hold_on_every_shape(
    shape: str,
    seed: int,
    n_mentees: int,
    n_mentors: int,
    opts: SolveOptions | None,
    data: st.DataObject,
) -> None:
    people = small(shape, random.Random(seed), n_mentees, n_mentors)
    check_invariants(people, Rules(), opts)
    shuffled = data.draw(st.permutations(people), label="shuffled")
    assert match(people, options=opts) == match(shuffled, options=opts)


def test_candidate_graph_covers_when_scores_tie() -> None:
    """With many equal scores, the first candidate graph can match everyone.

    Before the spread sample and hash tie-breaks, every mentee's top list named
    the same popular mentors and the first flow left mentees unmatched (9 % at
    3 000 mentees, half of them at 20 000), so the certificate needed several
    passes over every pair to find the pairs that coverage depends on.
    """
    people = cohort("ties", 3000, seed=2)
    mentees = [p for p in people if p.role == "mentee"]
    mentors = [p for p in people if p.role == "mentor"]
    enc = Encoded(mentees, mentors, Rules())
    arcs = _Scanner(enc, SolveOptions(dense_limit=0)).candidates()
    cap = np.array([p.capacity for p in enc.mentors], dtype=np.int64)
    first = int((_flow(enc.n, enc.m, cap, arcs, True) >= 0).sum())
    assert first >= 0.97 * enc.n  # 2 717 of 3 000 (0.906) before


def _coverage_reference(
    enc: Encoded,
    mu: np.ndarray,
    v: np.ndarray,
    big: int,
    arcs: tuple[np.ndarray, np.ndarray, np.ndarray],
    k: int,
) -> set[tuple[int, int, int]]:
    """Row by row: each unmatched mentee's k best pairs of positive reduced
    cost (ties by the hashed tie-break, then the column), not yet in arcs."""
    have = set(zip(arcs[0].tolist(), arcs[1].tolist(), strict=True))
    has_arc = set(arcs[0].tolist())
    out = set()
    for i in np.flatnonzero(mu < 0).tolist():
        if i not in has_arc:
            continue
        w = enc.row(i).astype(np.float64)
        red = w + big - v
        ok = np.flatnonzero(red > 0)
        ok = ok[np.lexsort((ok, _tie(np.full(ok.size, i), ok), -red[ok]))][:k]
        out |= {(i, int(j), int(w[j])) for j in ok if (i, int(j)) not in have}
    return out


@pytest.mark.parametrize("shape", ["ties", "skewed", "today"])
def test_coverage_repair_takes_the_best_pairs_of_each_unmatched_row(
    shape: str,
) -> None:
    """Scored in blocks of scattered rows and selected at once, the repair
    arcs are the ones a row-by-row selection picks."""
    people = cohort(shape, 600, seed=5)
    mentees = [p for p in people if p.role == "mentee"]
    mentors = [p for p in people if p.role == "mentor"]
    enc = Encoded(mentees, mentors, Rules())
    opt = SolveOptions(dense_limit=0, block_rows=16)
    arcs = _Scanner(enc, opt).candidates()
    cap = np.array([p.capacity for p in enc.mentors], dtype=np.int64)
    mu = _flow(enc.n, enc.m, cap, arcs, True)
    rng = np.random.default_rng(1)
    mu[rng.choice(enc.n, 50, replace=False)] = -1  # scattered unmatched rows
    assert 50 <= int((mu < 0).sum()) <= enc.n // 8
    big = SCALE * (enc.n + 1)
    # Prices as the solver makes them, plus some equal to force ties.
    v = _duals(enc.m, cap, arcs[0], arcs[1], arcs[2] + big, mu)
    v = np.where(rng.random(enc.m) < 0.3, big, v)
    got = _coverage_arcs(enc, mu, v, big, arcs, opt)
    expected = _coverage_reference(enc, mu, v, big, arcs, 2 * opt.add_per_row)
    assert got is not None and expected
    assert set(zip(*(a.tolist() for a in got), strict=True)) == expected
