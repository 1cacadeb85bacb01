"""The progress callback of ``match``: phases in order, and cancellation."""

from __future__ import annotations

import random
import threading

import pytest

from pairmaker import Cancelled, Candidate, Progress, SolveOptions, match
from pairmaker.tests.cohorts import random_cohort

SPARSE = SolveOptions(dense_limit=0, block_rows=8)


def _cohort() -> list[Candidate]:
    return random_cohort(random.Random(3), 60, 40)


def _run(options: SolveOptions) -> list[Progress]:
    seen: list[Progress] = []
    caller = threading.get_ident()

    def report(p: Progress) -> None:
        assert threading.get_ident() == caller
        seen.append(p)

    match(_cohort(), options=options, progress=report)
    return seen


@pytest.mark.parametrize("options", [SolveOptions(), SPARSE], ids=["dense", "sparse"])
def test_phases_are_reported_in_order(options: SolveOptions) -> None:
    seen = _run(options)
    phases = [p.phase for p in seen]
    assert phases[0] == "scoring"
    assert phases[-1] == "assembling"
    assert "solving" in phases
    first_solve = phases.index("solving")
    assert set(phases[:first_solve]) == {"scoring"}
    scoring = [p for p in seen if p.phase == "scoring"]
    # Every block is reported once, and the last report says the phase is done.
    assert [p.done for p in scoring] == list(range(1, len(scoring) + 1))
    assert scoring[-1].done == scoring[-1].total
    solves = [p.step for p in seen if p.phase == "solving"]
    assert solves == list(range(1, len(solves) + 1))


def test_sparse_run_reports_its_certificate() -> None:
    seen = _run(SPARSE)
    certifying = [p for p in seen if p.phase == "certifying"]
    assert certifying, "a sparse run proves its bound with at least one pass"
    assert all(0 < p.done <= p.total for p in certifying)


@pytest.mark.parametrize("options", [SolveOptions(), SPARSE], ids=["dense", "sparse"])
@pytest.mark.parametrize("phase", ["scoring", "solving", "assembling"])
def test_cancelled_propagates(options: SolveOptions, phase: str) -> None:
    calls: list[str] = []

    def report(p: Progress) -> None:
        calls.append(p.phase)
        if p.phase == phase:
            raise Cancelled

    with pytest.raises(Cancelled):
        match(_cohort(), options=options, progress=report)
    assert calls[-1] == phase
