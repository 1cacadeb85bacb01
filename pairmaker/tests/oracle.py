"""Independent optimum computations used by the oracle tests."""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from pairmaker.model import Candidate, Rules
from pairmaker.scoring import SCALE, Encoded


def weight_matrix(
    people: list[Candidate], rules: Rules
) -> tuple[np.ndarray, list[str], list[str], list[int]]:
    """Integer weights (NaN = forbidden), mentee ids, mentor ids, capacities."""
    mentees = [p for p in people if p.role == "mentee"]
    mentors = [p for p in people if p.role == "mentor"]
    enc = Encoded(mentees, mentors, rules)
    w = enc.dense().astype(np.float64)
    w[~np.isfinite(w)] = np.nan
    return (
        w,
        [p.id for p in enc.mentees],
        [p.id for p in enc.mentors],
        [p.capacity for p in enc.mentors],
    )


def brute_force(w: np.ndarray, cap: list[int], coverage: bool) -> tuple[int, int]:
    """Best (matched count, total weight) by exhaustive search (tiny inputs)."""
    n, m = w.shape
    best = (-1, -1)
    left = list(cap)

    def key(count: int, total: int) -> tuple[int, int]:
        return (count, total) if coverage else (0, total)

    def rec(i: int, count: int, total: int) -> None:
        nonlocal best
        if i == n:
            if key(count, total) > key(*best):
                best = (count, total)
            return
        rec(i + 1, count, total)
        for j in range(m):
            if left[j] > 0 and not np.isnan(w[i, j]):
                left[j] -= 1
                rec(i + 1, count + 1, total + int(w[i, j]))
                left[j] += 1

    rec(0, 0, 0)
    return best


def scipy_optimum(w: np.ndarray, cap: list[int], coverage: bool) -> tuple[int, int]:
    """Best (count, total) with scipy's exact assignment on capacity slots.

    Coverage first is encoded with a bonus larger than any total score. In score
    mode the count is that of one optimal solution (not unique), so callers
    compare totals only.
    """
    n, m = w.shape
    slots = [j for j in range(m) for _ in range(max(cap[j], 0))]
    if n == 0 or not slots:
        return (0, 0)
    big = SCALE * (n + 1) if coverage else 0
    ws = w[:, slots]
    allowed = ~np.isnan(ws)
    gain = np.where(allowed, np.nan_to_num(ws) + big, 0.0)
    r, c = linear_sum_assignment(gain, maximize=True)
    used = allowed[r, c]
    return int(used.sum()), round(float(gain[r, c][used].sum()) - big * int(used.sum()))
