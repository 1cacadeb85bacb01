"""Optimal assignment: the public entry points :func:`match` and :func:`recommend`.

The matching is a maximum-weight bipartite b-matching, solved exactly as a
min-cost flow (OR-Tools) on integer weights round(score * 10 000).

* Coverage first (default): a maximum flow of minimum cost, i.e. the most mentees
  matched, then the best total score. In LP terms the weight of a pair is
  w' = w + BIG with BIG larger than any total score.
* Score only: a bypass arc lets mentees stay unmatched.

Small cohorts hand every allowed pair to the solver. Large ones hand it candidate
lists built from both sides (each mentee's top-k mentors and each mentor's top-k
mentees), then prove the result with the LP dual: mentor prices ``v`` are
recovered from the optimal flow (least solution of the complementary-slackness
difference constraints), and one streamed pass over every allowed pair computes
``u_i = max(0, max_j w'_ij - v_j)``. ``(u, v)`` is dual-feasible for the full
problem, so ``sum(u) + sum(capacity * v)`` bounds the true optimum. Pairs with a
positive reduced cost are added and the loop repeats until the gap is closed.

Candidate lists break ties between equal scores by a fixed hash of the pair,
not by index, and add each mentee's best mentors of a fixed pseudo-random
sample: with many equal scores or skewed wishes, top lists otherwise all name
the same popular mentors, the first flow leaves many mentees unmatched, and
the mentors coverage depends on get prices of the order of BIG, which makes the
bound useless until several full passes have found the missing pairs. When a
solve still leaves a few mentees unmatched, their rows alone are scored and
their best pairs of positive reduced cost added before any full pass.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from pairmaker.model import (
    Candidate,
    EngineInputError,
    Feedback,
    Pair,
    Phase,
    Progress,
    Result,
    Rules,
    SolveOptions,
    Unmatched,
)
from pairmaker.scoring import (
    F32,
    F64,
    I64,
    RULE_ORDER,
    SCALE,
    Encoded,
    reporting_chains,
    rule_violations,
    score_pair,
)

T = TypeVar("T")
Arcs = tuple[I64, I64, I64]  # mentee row, mentor column, integer weight w
Report = Callable[[Progress], None]


# Flow solves on one pass's pool before the next pass. Measured on 20,000
# mentees at gap 0.1 % (5 December): 1 instead of 2 saves 10-12 % CPU on
# ties/issue/skewed/empty with the same number of passes (the second pool
# solve moved the score by < 0.05 % and the bound not at all).
POOL_SOLVES = 1


def _silent(_progress: Progress) -> None:
    return None


# --------------------------------------------------------------------------
# Input checks and locks
# --------------------------------------------------------------------------


def _split(
    people: Iterable[Candidate],
) -> tuple[list[Candidate], list[Candidate], dict[str, Candidate]]:
    by_id: dict[str, Candidate] = {}
    problems: list[tuple[str, str]] = []
    for p in people:
        if p.id in by_id:
            problems.append((p.id, "duplicate_id"))
        by_id[p.id] = p
        if p.role == "mentor" and p.capacity < 0:
            problems.append((p.id, "capacity_negative"))
    if problems:
        raise EngineInputError(problems)
    mentees = [p for p in by_id.values() if p.role == "mentee"]
    mentors = [p for p in by_id.values() if p.role == "mentor"]
    return mentees, mentors, by_id


def resolve_locks(
    mentees: list[Candidate], mentors: list[Candidate], by_id: Mapping[str, Candidate]
) -> dict[str, str]:
    """mentee id -> mentor id for locked pairs, from either side's ``lock``.

    Raises EngineInputError on unknown ids, wrong roles, a person locked to
    themselves, contradictions or locks beyond a mentor's capacity. O(n + m).
    """
    locks: dict[str, str] = {}
    problems: list[tuple[str, str]] = []

    def add(mentee_id: str, mentor_id: str, origin: str) -> None:
        if by_id[mentee_id].who == by_id[mentor_id].who:
            problems.append((origin, "lock_same_person"))
            return
        if locks.get(mentee_id, mentor_id) != mentor_id:
            problems.append((origin, "lock_conflict"))
        locks[mentee_id] = mentor_id

    for p in sorted(mentees, key=lambda c: c.id):
        if p.lock:
            other = by_id.get(p.lock)
            if other is None:
                problems.append((p.id, "lock_unknown"))
            elif other.role != "mentor":
                problems.append((p.id, "lock_same_role"))
            else:
                add(p.id, other.id, p.id)
    for p in sorted(mentors, key=lambda c: c.id):
        if p.lock:
            other = by_id.get(p.lock)
            if other is None:
                problems.append((p.id, "lock_unknown"))
            elif other.role != "mentee":
                problems.append((p.id, "lock_same_role"))
            else:
                add(other.id, p.id, p.id)
    load: dict[str, int] = {}
    for mentor_id in locks.values():
        load[mentor_id] = load.get(mentor_id, 0) + 1
    for mentor_id, count in sorted(load.items()):
        if count > by_id[mentor_id].capacity:
            problems.append((mentor_id, "lock_over_capacity"))
    if problems:
        raise EngineInputError(sorted(set(problems)))
    return locks


# --------------------------------------------------------------------------
# Flow and duals
# --------------------------------------------------------------------------


def _flow(n: int, m: int, cap: I64, arcs: Arcs, coverage: bool) -> I64:
    """Optimal b-matching on the given arcs; returns mentor column per row or -1."""
    ai, aj, aw = arcs
    mu = np.full(n, -1, dtype=np.int64)
    if n == 0 or ai.size == 0:
        return mu
    src, snk = n + m, n + m + 1
    tails = np.concatenate([np.full(n, src), ai, n + np.arange(m)])
    heads = np.concatenate([np.arange(n), n + aj, np.full(m, snk)])
    caps = np.concatenate([np.ones(n + ai.size, dtype=np.int64), cap])
    costs = np.concatenate([np.zeros(n, dtype=np.int64), -aw, np.zeros(m, np.int64)])
    if not coverage:
        tails = np.append(tails, src)
        heads = np.append(heads, snk)
        caps = np.append(caps, n)
        costs = np.append(costs, 0)
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs
    )
    supplies = np.zeros(n + m + 2, dtype=np.int64)
    supplies[src], supplies[snk] = n, -n
    smcf.set_nodes_supplies(np.arange(n + m + 2, dtype=np.int32), supplies)
    status = smcf.solve_max_flow_with_min_cost() if coverage else smcf.solve()
    if status != smcf.OPTIMAL:  # pragma: no cover - would be a solver bug
        raise RuntimeError(f"min-cost flow failed with status {status}")
    flows = np.asarray(smcf.flows(np.arange(n, n + ai.size, dtype=np.int32)))
    used = flows > 0
    mu[ai[used]] = aj[used]
    return mu


def _duals(m: int, cap: I64, ai: I64, aj: I64, wp: I64, mu: I64) -> I64:
    """Least mentor prices v >= 0 meeting complementary slackness with ``mu``.

    v_j >= w'_ij for an unmatched mentee i, v_j >= w'_ij - w'_i,mu(i) + v_mu(i) for
    a matched one: longest paths, by label correcting. At an optimal matching the
    iteration converges; any v >= 0 still yields a valid (weaker) bound.
    """
    v = np.zeros(m, dtype=np.int64)
    if ai.size == 0:
        return v
    matched = mu[ai] >= 0
    free = ~matched
    np.maximum.at(v, aj[free], wp[free])
    on = matched & (aj == mu[ai])
    wmu = np.zeros(mu.size, dtype=np.int64)
    wmu[ai[on]] = wp[on]
    sel = matched & (aj != mu[ai])
    tail = mu[ai[sel]]
    head = aj[sel]
    length = wp[sel] - wmu[ai[sel]]
    order = np.argsort(tail, kind="stable")
    tail, head, length = tail[order], head[order], length[order]
    changed = np.ones(m, dtype=bool)
    for _ in range(4 * m + 10):
        act = changed[tail]
        if not act.any():
            break
        t, h = tail[act], head[act]
        cand = v[t] + length[act]
        better = cand > v[h]
        if not better.any():
            break
        new = v.copy()
        np.maximum.at(new, h[better], cand[better])
        changed = new != v
        v = new
    v[cap <= 0] = np.iinfo(np.int64).max // 4  # no capacity: the pair is useless
    return v


def _row_best(n: int, ai: I64, vals: I64) -> I64:
    out = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(out, ai, vals)
    return out


# --------------------------------------------------------------------------
# Streamed passes over all pairs
# --------------------------------------------------------------------------


def _tie(i: I64, j: I64) -> npt.NDArray[np.uint64]:
    """A fixed pseudo-random key per pair (mentee row, mentor column).

    Ties between equal scores are broken by it rather than by column (or row)
    number: with many equal scores, "lowest column first" would give every
    mentee the same few mentors as candidates, and the certificate would then
    need many rounds to find the rest. Depends only on (i, j): deterministic.
    """
    x = i.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    x ^= j.astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    x ^= x >> np.uint64(29)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(32)
    return x


def _top_per_group(
    g: I64, key: I64, other: I64, k: int, tie: npt.NDArray[np.uint64] | None = None
) -> tuple[I64, I64, I64, F64]:
    """Keep the k best entries per group g by (key desc, tie asc, other asc).

    Returns kept indices' (g, key, other) and the k-th best key per group.
    """
    order = (
        np.lexsort((other, -key, g))
        if tie is None
        else np.lexsort((other, tie, -key, g))
    )
    g, key, other = g[order], key[order], other[order]
    start = np.r_[0, np.flatnonzero(np.diff(g)) + 1] if g.size else np.zeros(0, int)
    rank = np.arange(g.size) - np.repeat(start, np.diff(np.r_[start, g.size]))
    keep = rank < k
    kth_mask = rank == k - 1
    return g[keep], key[keep], other[keep], key[kth_mask].astype(np.float64)


@contextlib.contextmanager
def _blas_threads(count: int | None) -> Iterator[None]:
    """Temporarily cap numpy's OpenBLAS threads (best effort, else no-op).

    The scanner already runs one Python thread per core over row blocks; BLAS
    threads on top of that oversubscribe the cores and slow the small matrix
    products down (measured: 7.2 vs 5.0 ns per pair on 2 cores), and on a busy
    machine a multi-threaded BLAS call waits for a core that is not free.
    """
    lib = None
    if count is not None:
        pattern = os.path.join(
            os.path.dirname(np.__file__), "..", "numpy.libs", "*openblas*"
        )
        for path in sorted(glob.glob(pattern)):
            try:
                cand = ctypes.CDLL(path)
                get = cand.scipy_openblas_get_num_threads64_
                cand.scipy_openblas_set_num_threads64_.argtypes = [ctypes.c_int]
                lib = cand
                break
            except (OSError, AttributeError):
                continue
    if lib is None:
        yield
        return
    before = int(get())
    lib.scipy_openblas_set_num_threads64_(count)
    try:
        yield
    finally:
        lib.scipy_openblas_set_num_threads64_(before)


class _Scanner:
    """Row-block passes over the full score matrix, on a few threads.

    A task scores one block of mentee rows against every mentor the seniority
    rule leaves, chunk by chunk, into a per-thread buffer (rows x mentors
    float32, so memory is O(block_rows * m), never O(n * m)).
    """

    GROUP = 64

    def __init__(
        self, enc: Encoded, options: SolveOptions, report: Report = _silent
    ) -> None:
        self.enc = enc
        self.opt = options
        self.report = report
        self.step = {"scoring": 1, "certifying": 1, "solving": 1, "assembling": 1}
        b = max(8, options.block_rows)
        blocks = [(r0, min(r0 + b, enc.n)) for r0 in range(0, enc.n, b)]
        # A fixed shuffle: column thresholds rise faster than in level order, and
        # the order depends on nothing but the sizes.
        perm = np.random.default_rng(20240611).permutation(len(blocks))
        self.blocks = [blocks[int(x)] for x in perm]
        self._local = threading.local()

    def _map(self, fn: Callable[[int, int], T], phase: Phase) -> list[T]:
        """fn over every row block, reporting each finished block.

        Results come back in block order whatever the thread timing, and the
        report is called from the calling thread; when it raises (Cancelled),
        the blocks not started yet are dropped and the exception propagates.
        """
        total, step = len(self.blocks), self.step[phase]
        out: list[T] = []
        if self.opt.threads <= 1 or total <= 1:
            for r0, r1 in self.blocks:
                out.append(fn(r0, r1))
                self.report(Progress(phase, len(out), total, step))
            return out
        pool = ThreadPoolExecutor(max_workers=self.opt.threads)
        try:
            for res in pool.map(lambda b: fn(*b), self.blocks):
                out.append(res)
                self.report(Progress(phase, len(out), total, step))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return out

    def _scores(self, r0: int, r1: int) -> tuple[F32, int]:
        """Weights of rows r0:r1 against mentors [0, lim), lim = col_limit.

        The array is padded with -inf to a multiple of GROUP columns, so that
        group maxima need no special case; forbidden pairs are -inf too.
        """
        enc, g = self.enc, self.GROUP
        lim = enc.col_limit(r0, r1)
        width = -(-lim // g) * g
        size = (r1 - r0) * width
        buf: F32 | None = getattr(self._local, "buf", None)
        if buf is None or buf.size < size:
            buf = np.empty(max(size, 1), dtype=np.float32)
            self._local.buf = buf
        out = buf[:size].reshape(r1 - r0, width)
        out[:, lim:] = -np.inf
        for q, (c0, c1) in enumerate(enc.chunks):
            if c0 >= lim:
                break
            out[:, c0 : min(c1, lim)] = enc.block(r0, r1, q, lim)
        return out, lim

    def _above(
        self, w: F32, gmax: F32 | F64, thr: F64
    ) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
        """Indices of w >= thr (per row), looking only inside groups that can hold
        one: much cheaper than a full boolean mask when few values qualify."""
        g = self.GROUP
        b, width = w.shape
        sr, sg = np.nonzero(gmax >= thr[:, None])
        vals = w.reshape(b, width // g, g)[sr, sg]
        k, pos = np.nonzero(vals >= thr[sr][:, None])
        return sr[k], sg[k] * g + pos

    def candidates(self) -> Arcs:
        """Each mentee's top-k mentors and, approximately, each mentor's top-k.

        Rows: a threshold from group maxima (the k-th largest maximum of groups
        of 64 is a lower bound of the k-th largest value) keeps a small superset
        that is then cut exactly. Columns: each block offers its best row per
        mentor when it beats the k-th best seen so far. Missing pairs are not
        an error: the certificate finds whatever the optimum still needs.
        """
        enc, kr, kc = self.enc, self.opt.k_mentee, self.opt.k_mentor
        state = {"thr": np.zeros(enc.m, dtype=np.float32)}
        lock = threading.Lock()
        col_parts: list[tuple[I64, I64, I64]] = []
        pending = [0]

        def compact() -> None:
            gi = np.concatenate([p[0] for p in col_parts])
            gj = np.concatenate([p[1] for p in col_parts])
            gw = np.concatenate([p[2] for p in col_parts])
            cj, cw, ci, _ = _top_per_group(gj, gw, gi, kc, _tie(gi, gj))
            counts = np.bincount(cj, minlength=enc.m)
            thr = np.zeros(enc.m, dtype=np.float32)
            if cj.size:
                last = np.r_[np.flatnonzero(np.diff(cj)), cj.size - 1]
                full = counts[cj[last]] >= kc
                thr[cj[last][full]] = cw[last][full]
            state["thr"] = np.maximum(state["thr"], thr)
            col_parts[:] = [(ci, cj, cw)]
            pending[0] = ci.size

        def task(r0: int, r1: int) -> tuple[I64, I64, I64]:
            w, lim = self._scores(r0, r1)
            b, width = w.shape
            e = np.zeros(0, dtype=np.int64)
            if lim == 0:
                return e, e, e
            g = self.GROUP
            gmax = w.reshape(b, width // g, g).max(axis=2)
            if gmax.shape[1] > kr:
                kth = np.partition(gmax, gmax.shape[1] - kr, axis=1)[:, -kr]
            else:
                kth = gmax.min(axis=1)
            thr: F64 = np.maximum(kth, 0).astype(np.float64)
            ii, jj = self._above(w, gmax, thr)
            gi, gj = ii.astype(np.int64), jj.astype(np.int64)
            ri, rw, rj, _ = _top_per_group(
                gi, w[ii, jj].astype(np.int64), gj, kr, _tie(gi + r0, gj)
            )
            # Spread: the best few of a fixed pseudo-random sample of mentors.
            ks = self.opt.k_spread
            if ks > 0:
                rows_g = np.arange(r0, r1, dtype=np.int64)
                sample = 16 * ks
                picks = _tie(
                    np.repeat(rows_g, sample), np.tile(np.arange(sample), b)
                ) % np.uint64(lim)
                sc = picks.astype(np.int64).reshape(b, sample)
                sv = np.take_along_axis(w, sc, axis=1)
                si, sk = np.nonzero(sv >= 0)
                if si.size:
                    sj = sc[si, sk]
                    pi_, pw_, pj_, _ = _top_per_group(
                        si.astype(np.int64), sv[si, sk].astype(np.int64), sj, ks
                    )
                    ri = np.concatenate([ri, pi_])
                    rj = np.concatenate([rj, pj_])
                    rw = np.concatenate([rw, pw_])
            # Column side: this block's best row for mentors it could improve.
            colmax = w[:, :lim].max(axis=0)
            sel = np.flatnonzero(colmax >= np.maximum(state["thr"][:lim], 0))
            best_row = w[:, sel].argmax(axis=0).astype(np.int64)
            with lock:
                col_parts.append(
                    (best_row + r0, sel.astype(np.int64), colmax[sel].astype(np.int64))
                )
                pending[0] += sel.size
                if pending[0] > 4 * kc * enc.m + 100_000:
                    compact()
            return ri + r0, rj, rw

        rows = self._map(task, "scoring")
        e = np.zeros(0, dtype=np.int64)
        if not rows:
            return e, e, e
        if col_parts:
            compact()
        ai = np.concatenate(
            [r[0] for r in rows] + [col_parts[0][0] if col_parts else e]
        )
        aj = np.concatenate(
            [r[1] for r in rows] + [col_parts[0][1] if col_parts else e]
        )
        aw = np.concatenate(
            [r[2] for r in rows] + [col_parts[0][2] if col_parts else e]
        )
        _, idx = np.unique(ai * max(enc.m, 1) + aj, return_index=True)
        return ai[idx], aj[idx], aw[idx]

    def columns_max(self, cols: I64, voff: F64) -> F64:
        """max_j (w_ij - voff_j) over the given mentor columns, for every row."""
        enc = self.enc

        def task(r0: int, r1: int) -> F64:
            w = enc.columns(r0, r1, cols).astype(np.float64)
            w -= voff[None, :]
            out: F64 = w.max(axis=1)
            return out

        best = np.full(enc.n, -np.inf)
        results = self._map(task, "certifying")
        for (r0, r1), res in zip(self.blocks, results, strict=True):
            best[r0:r1] = res
        return best

    def certify(
        self, vshift: F64, ushift: F64, add: int, pool_k: int, slack: float
    ) -> tuple[F64, Arcs, Arcs, F64]:
        """Row maxima of w_ij - vshift_j over every allowed pair, and violators.

        In shifted units (``ushift = u - BIG``, ``vshift = v``) a violator has
        w_ij - vshift_j > ushift_i. Rows whose ushift is above -CLIP (nearly all:
        matched mentees) are done in float32 with v clipped at CLIP, which is
        exact there because weights lie in [0, SCALE]; the rest in float64.
        Also returns a pool: per row, the ``pool_k`` pairs of highest reduced
        cost above ``-slack``, priced cheaply between full passes.
        """
        enc = self.enc
        clip = 3.0 * SCALE
        pad = np.zeros(-(-enc.m // self.GROUP) * self.GROUP - enc.m)
        vpad = np.concatenate([vshift, pad])
        v32 = np.minimum(vpad, clip).astype(np.float32)

        def task(r0: int, r1: int) -> tuple[F64, I64, I64, I64, I64, F64]:
            w, lim = self._scores(r0, r1)
            b, width = w.shape
            us = ushift[r0:r1]
            e = np.zeros(0, dtype=np.int64)
            if lim == 0:
                nothing = np.full(b, -np.inf)
                return nothing, e, e, e, e, nothing
            easy = us > -SCALE
            hard = np.flatnonzero(~easy)
            if hard.size:
                dh = w[hard].astype(np.float64) - vpad[None, :width]
            # In place: d = w - v (exact, both are integers below 2**24), and the
            # weights come back as d + v for the few pairs collected.
            d = w
            d -= v32[None, :width]
            # Collection threshold per row: pairs within ``slack`` of tight, but
            # no more than about pool_k of them (the pool_k-th largest maximum
            # over groups of 64 is a lower bound of the pool_k-th largest value,
            # so the top of the row is always collected, violators first).
            g = self.GROUP
            groups = width // g
            gmax = d.reshape(b, groups, g).max(axis=2)
            best = gmax.max(axis=1).astype(np.float64)
            if groups > pool_k:
                tk = np.partition(gmax, groups - pool_k, axis=1)[:, -pool_k]
            else:
                tk = np.full(b, -np.inf, dtype=np.float32)
            thr = np.ceil(np.maximum(us - slack, tk.astype(np.float64)))
            t_easy = np.where(easy, thr, np.inf)
            ii, jj = self._above(d, gmax, t_easy)
            if hard.size:
                hm = dh.reshape(hard.size, groups, g).max(axis=2)
                best[hard] = hm.max(axis=1)
                tkh = np.full(hard.size, -np.inf)
                if groups > pool_k:
                    tkh = np.partition(hm, groups - pool_k, axis=1)[:, -pool_k]
                thr[hard] = np.ceil(np.maximum(us[hard] - slack, tkh))
                hi, hj = self._above(dh, hm, thr[hard])
                ii = np.concatenate([ii, hard[hi]])
                jj = np.concatenate([jj, hj])
            # Pairs left out have d < thr, i.e. d <= thr - 1 (integers).
            rest = thr - 1
            if ii.size == 0:
                return best, e, e, e, e, rest
            gi, gj = ii.astype(np.int64), jj.astype(np.int64)
            gw = (d[gi, gj] + v32[gj]).astype(np.int64)
            red = (gw - vshift[gj] - us[gi]).round().astype(np.int64)
            order = np.lexsort((gj, _tie(gi + r0, gj), -red, gi))
            gi, gj, gw, red = gi[order], gj[order], gw[order], red[order]
            start = np.r_[0, np.flatnonzero(np.diff(gi)) + 1]
            rank = np.arange(gi.size) - np.repeat(start, np.diff(np.r_[start, gi.size]))
            kept = max(add, pool_k)
            keep = rank < kept
            out = rank == kept  # best pair dropped from the pool, per row
            rest[gi[out]] = np.maximum(rest[gi[out]], red[out] + us[gi[out]])
            # Flag: 1 = violator to add now, 0 = pool only.
            flag = ((rank < add) & (red > 0)).astype(np.int64)
            return best, gi[keep] + r0, gj[keep], gw[keep], flag[keep], rest

        results = self._map(task, "certifying")
        self.step["certifying"] += 1
        best = np.full(enc.n, -np.inf)
        rest = np.full(enc.n, -np.inf)
        e = np.zeros(0, dtype=np.int64)
        vi, vj, vw, vf = [e], [e], [e], [e]
        for (r0, r1), res in zip(self.blocks, results, strict=True):
            bb, i, j, w, f, rr = res
            best[r0:r1] = bb
            rest[r0:r1] = rr
            vi.append(i)
            vj.append(j)
            vw.append(w)
            vf.append(f)
        pi, pj, pw = np.concatenate(vi), np.concatenate(vj), np.concatenate(vw)
        add_now = np.concatenate(vf) > 0
        return best, (pi[add_now], pj[add_now], pw[add_now]), (pi, pj, pw), rest


def _close_enough(ub: int, primal: int, shift: int, opt: SolveOptions) -> bool:
    """Gap within target, relative to the score part of the bound."""
    return ub - primal <= opt.gap_target * max(ub - shift, 0)


class _PassMemory:
    """What a full pass leaves behind, to bound the optimum again without one.

    For new prices v', every allowed pair is in the pool (priced exactly), or
    its mentor is among the few whose price dropped most (those columns are
    re-scored for every row, a small fraction of a pass), or else
    w_ij - v'_j <= rest_i + (v_j - v'_j) <= rest_i + tau, with tau the largest
    drop among the other mentors. So u_i = max(0, pool, columns, rest_i + tau)
    is dual-feasible again, and sum(u) + sum(capacity * v') bounds the optimum.
    """

    def __init__(self, pool: Arcs, rest: F64, v_pass: I64, scanner: _Scanner) -> None:
        self.pool = pool
        self.rest = rest
        self.v_pass = v_pass
        self.scanner = scanner

    def bound(self, v: I64, big: int, clip: int) -> int:
        pi, pj, pw = self.pool
        m = self.v_pass.size
        vc = np.minimum(v, clip)
        drop = self.v_pass - vc
        budget = max(256, m // 32)
        order = np.argsort(-drop, kind="stable")
        cols = np.sort(order[:budget][drop[order[:budget]] > 0])
        rest_of = order[budget:] if cols.size == budget else order[cols.size :]
        tau = int(drop[rest_of].max()) if rest_of.size else np.iinfo(np.int64).min // 4
        finite = np.isfinite(self.rest)
        rest = np.where(finite, self.rest, 0).astype(np.int64)
        u = np.where(finite, rest + big + tau, 0)
        u = np.maximum(u, 0)
        np.maximum.at(u, pi, pw + big - v[pj])
        if cols.size:
            col_best = self.scanner.columns_max(
                cols, (vc[cols] - big).astype(np.float64)
            )
            ok = np.isfinite(col_best)
            u[ok] = np.maximum(u[ok], col_best[ok].astype(np.int64))
        return int(u.sum())


def _all_pairs(enc: Encoded, report: Report = _silent) -> Arcs:
    ii_l, jj_l, ww_l = [], [], []
    total = len(enc.chunks) * -(-enc.n // 256)
    done = 0
    for q, (c0, _c1) in enumerate(enc.chunks):
        for r0 in range(0, enc.n, 256):
            r1 = min(r0 + 256, enc.n)
            lim = enc.col_limit(r0, r1)
            done += 1
            report(Progress("scoring", done, total))
            if c0 >= lim:
                continue
            w = enc.block(r0, r1, q, lim)
            ii, jj = np.nonzero(np.isfinite(w))
            ii_l.append(ii.astype(np.int64) + r0)
            jj_l.append(jj.astype(np.int64) + c0)
            ww_l.append(w[ii, jj].astype(np.int64))
    if not ii_l:
        e = np.zeros(0, dtype=np.int64)
        return e, e, e
    ai, aj, aw = np.concatenate(ii_l), np.concatenate(jj_l), np.concatenate(ww_l)
    order = np.lexsort((aj, ai))
    return ai[order], aj[order], aw[order]


def _coverage_arcs(
    enc: Encoded, mu: I64, v: I64, big: int, arcs: Arcs, opt: SolveOptions
) -> Arcs | None:
    """Arcs that let the flow match more mentees, found without a full pass.

    When the candidate lists name the same popular mentors for most mentees,
    the first flow leaves many of them unmatched; the LP prices of the mentors
    that coverage then depends on are of the order of BIG, and the certificate
    would need several passes over every pair to recover. Instead, score only
    the unmatched mentees' rows and give each its best ``add_per_row * 2``
    pairs of positive reduced cost w + BIG - v_j (mentors with room first: their
    price is small). Returns None when there is nothing to add, or when too
    many mentees are unmatched for this to be cheaper than a pass (then the
    certificate does it). Rows are scored one by one: about 4 times the cost
    per pair of a block pass.
    """
    ai = arcs[0]
    has_arc = np.zeros(enc.n, dtype=bool)
    has_arc[ai] = True
    rows = np.flatnonzero((mu < 0) & has_arc)
    if rows.size == 0 or rows.size > enc.n // 8:
        return None
    k = 2 * opt.add_per_row
    ri: list[I64] = []
    rj: list[I64] = []
    rw: list[I64] = []
    vf = v.astype(np.float64)
    for b0 in range(0, rows.size, opt.block_rows):
        batch = rows[b0 : b0 + opt.block_rows]
        # Mentees are sorted by level: the last row's seniority prefix is the
        # widest; the kernel forbids the columns beyond each row's own.
        lim = enc.col_limit(int(batch[-1]), int(batch[-1]) + 1)
        if lim == 0:
            continue
        w = np.concatenate(
            [
                enc.rows_block(batch, q, lim)
                for q, (c0, _c1) in enumerate(enc.chunks)
                if c0 < lim
            ],
            axis=1,
        ).astype(np.float64)
        red = w + big - vf[None, :lim]
        # Per row, the k pairs of highest reduced cost (ties broken by the
        # hashed tie-break, then the column), among those above 0: every pair
        # above the k-th value, then the needed number of those equal to it.
        positive = red > 0
        if lim > k:
            kth = -np.partition(-red, k - 1, axis=1)[:, k - 1]
        else:
            kth = np.full(batch.size, -np.inf)
        few = positive.sum(axis=1) <= k
        thr = np.where(few, 0.0, kth)
        above = np.where(few[:, None], positive, red > thr[:, None])
        r_a, c_a = np.nonzero(above)
        need = k - above.sum(axis=1)
        er, ec = np.nonzero((~few)[:, None] & (red == thr[:, None]))
        if er.size:
            order = np.lexsort((ec, _tie(batch[er], ec), er))
            er, ec = er[order], ec[order]
            start = np.r_[0, np.flatnonzero(np.diff(er)) + 1]
            rank = np.arange(er.size) - np.repeat(start, np.diff(np.r_[start, er.size]))
            take = rank < need[er]
            r_a = np.r_[r_a, er[take]]
            c_a = np.r_[c_a, ec[take]]
        if r_a.size:
            ri.append(batch[r_a].astype(np.int64))
            rj.append(c_a.astype(np.int64))
            rw.append(w[r_a, c_a].astype(np.int64))
    if not ri:
        return None
    add = (np.concatenate(ri), np.concatenate(rj), np.concatenate(rw))
    m = max(enc.m, 1)
    keys = ai * m + arcs[1]
    if keys.size > 1 and not (keys[:-1] <= keys[1:]).all():
        keys = np.sort(keys)
    wanted = add[0] * m + add[1]
    at = np.minimum(np.searchsorted(keys, wanted), max(keys.size - 1, 0))
    present = keys[at] == wanted if keys.size else np.zeros(wanted.size, dtype=bool)
    if present.all():
        return None
    return add[0][~present], add[1][~present], add[2][~present]


def _merge(a: Arcs, b: Arcs, m: int) -> Arcs:
    ai = np.concatenate([a[0], b[0]])
    aj = np.concatenate([a[1], b[1]])
    aw = np.concatenate([a[2], b[2]])
    _, idx = np.unique(ai * max(m, 1) + aj, return_index=True)
    return ai[idx], aj[idx], aw[idx]


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def match(
    people: Iterable[Candidate],
    rules: Rules | None = None,
    *,
    forbidden: Iterable[tuple[str, str]] = (),
    feedback: Mapping[tuple[str, str], Feedback] | None = None,
    options: SolveOptions | None = None,
    progress: Report | None = None,
) -> Result:
    """Optimal mentor/mentee pairs under the hard rules, with a proven bound.

    Guarantees: every pair except locked ones passes every hard rule; a mentee
    appears at most once and a mentor at most ``capacity`` times; locked pairs are
    kept; the output depends only on the set of people, not on their order. With
    the default options ``result.exact`` is True (gap 0) unless the certificate
    needed more than ``options.max_rounds`` passes; ``result.gap`` is always a
    proven bound on what is left. ``forbidden`` holds (mentor_id, mentee_id) pairs
    the manager forbade; ``feedback`` maps (mentor_id, mentee_id) to café-virtuel
    feedback.

    ``progress``, when given, is called from the calling thread with a
    :class:`~pairmaker.model.Progress` after each block of rows scored or
    certified, before each solve and before assembling the result (about
    every tenth of a second on a large cohort: throttle slow work in it).
    It may raise :class:`~pairmaker.model.Cancelled` to stop the run.

    Complexity: scoring is O(n * m) in blocks of bounded memory (plus a streamed
    pass per certificate round at large sizes); the flow runs on at most
    k * (n + m) candidate arcs.

    >>> from pairmaker import Candidate, match
    >>> a = Candidate("a", "mentor", "IT", 1, languages=frozenset({"fr"}))
    >>> b = Candidate("b", "mentee", "HR", 3, languages=frozenset({"fr"}))
    >>> [(p.mentor_id, p.mentee_id) for p in match([a, b]).pairs]
    [('a', 'b')]
    """
    rules = rules or Rules()
    opt = options or SolveOptions()
    feedback = dict(feedback or {})
    forbidden = [(str(a), str(b)) for a, b in forbidden]
    mentees, mentors, by_id = _split(people)
    locks = resolve_locks(mentees, mentors, by_id)
    chains = reporting_chains(by_id.values())
    use_fb = bool(feedback)
    forbidden_set = set(forbidden)

    free = [p for p in mentees if p.id not in locks]
    enc = Encoded(
        free, mentors, rules, forbidden=forbidden, feedback=feedback, chains=chains
    )
    n, m = enc.n, enc.m
    load = np.zeros(m, dtype=np.int64)
    for mentor_id in locks.values():
        load[enc.col_of[mentor_id]] += 1
    cap = np.array([p.capacity for p in enc.mentors], dtype=np.int64) - load
    coverage = rules.objective == "coverage"
    big = SCALE * (n + 1) if coverage else 0

    dense = n * m <= opt.dense_limit
    report = progress or _silent
    scanner = _Scanner(enc, opt, report)
    solves = 0
    with _blas_threads(1):
        arcs = _all_pairs(enc, report) if dense else scanner.candidates()
        rounds = 0
        clip = big + SCALE + 1
        best_ub = np.iinfo(np.int64).max
        store: _PassMemory | None = None
        repairs = 0
        pool_solves = 0
        while True:
            ai, aj, aw = arcs
            solves += 1
            report(Progress("solving", 0, 0, solves))
            mu = _flow(n, m, cap, arcs, coverage)
            wp = aw + big
            v = _duals(m, cap, ai, aj, wp, mu)
            matched_rows = np.flatnonzero(mu >= 0)
            on = mu[ai] == aj
            primal = int(wp[on].sum())
            vclip = np.where(cap > 0, v, 0)
            dual_cost = int((np.maximum(cap, 0) * vclip).sum())

            if dense or n == 0:
                row_best = _row_best(n, ai, wp - np.minimum(v[aj], clip))
                best_ub = int(np.maximum(row_best, 0).sum()) + dual_cost
                break
            if coverage and repairs < 3:
                extra = _coverage_arcs(enc, mu, v, big, arcs, opt)
                if extra is not None:
                    repairs += 1
                    arcs = _merge(arcs, extra, m)
                    continue
            u_restr = np.maximum(_row_best(n, ai, wp - v[aj]), 0)
            if store is not None:
                # Refresh the bound from the last pass's memory (cheap); if it
                # is not yet good enough, price the pool of near-tight pairs:
                # adding its violators costs a flow solve, not a full pass.
                best_ub = min(best_ub, store.bound(v, big, clip) + dual_cost)
                if _close_enough(best_ub, primal, big * matched_rows.size, opt):
                    break
                pi, pj, pw = store.pool
                red = pw + big - v[pj] - u_restr[pi]
                hit = red > 0
                # The pool was priced with the last pass's prices; after a few
                # solves it has given what it can (measured: each further solve
                # moved the score by < 0.01 % with many ties), and a new pass
                # both bounds and adds better than more solves on it.
                if hit.any() and pool_solves < POOL_SOLVES:
                    pool_solves += 1
                    order = np.lexsort(
                        (pj[hit], _tie(pi[hit], pj[hit]), -red[hit], pi[hit])
                    )
                    hi, hj, hw = pi[hit][order], pj[hit][order], pw[hit][order]
                    start = np.r_[0, np.flatnonzero(np.diff(hi)) + 1]
                    rank = np.arange(hi.size) - np.repeat(
                        start, np.diff(np.r_[start, hi.size])
                    )
                    top = rank < opt.add_per_row
                    arcs = _merge(arcs, (hi[top], hj[top], hw[top]), m)
                    continue
            if (
                _close_enough(best_ub, primal, big * matched_rows.size, opt)
                or rounds >= opt.max_rounds
            ):
                break
            vshift = np.minimum(v, clip).astype(np.float64)
            best, violators, pool, rest = scanner.certify(
                vshift,
                (u_restr - big).astype(np.float64),
                opt.add_per_row,
                opt.pool_per_row,
                opt.pool_slack * SCALE,
            )
            rounds += 1
            pool_solves = 0
            u_full = np.maximum(best + big, 0)
            best_ub = min(best_ub, int(u_full.astype(np.int64).sum()) + dual_cost)
            store = _PassMemory(pool, rest, vshift.astype(np.int64), scanner)
            if (
                _close_enough(best_ub, primal, big * matched_rows.size, opt)
                or violators[0].size == 0
            ):
                break
            arcs = _merge(arcs, violators, m)
    ub = best_ub
    if ub == np.iinfo(np.int64).max:
        # No certificate pass was allowed (max_rounds=0): fall back on the
        # trivial bound, every mentee that capacity allows at the best score.
        most = min(n, int(np.maximum(cap, 0).sum()))
        ub = (big + SCALE) * most

    # ---- assemble the result -------------------------------------------------
    report(Progress("assembling", 0, n))
    pairs: list[Pair] = []
    locked_int = 0
    for mentee_id, mentor_id in locks.items():
        mentor, mentee = by_id[mentor_id], by_id[mentee_id]
        fbv = feedback.get((mentor_id, mentee_id))
        ps = score_pair(mentor, mentee, rules, feedback=fbv, use_feedback=use_fb)
        w_int = ps.weight
        locked_int += w_int
        broken = rule_violations(
            mentor,
            mentee,
            rules,
            reporting_line=mentor_id in chains.get(mentee_id, frozenset())
            or mentee_id in chains.get(mentor_id, frozenset()),
            forbidden=(mentor_id, mentee_id) in forbidden_set,
        )
        reasons = ("locked", *ps.reasons, *(f"overrides_{b}" for b in broken))
        pairs.append(
            Pair(mentor_id, mentee_id, w_int / SCALE, ps.components, reasons, True)
        )
    score_int = 0
    w_of_row = np.zeros(n, dtype=np.int64)
    w_of_row[ai[on]] = aw[on]
    for i in matched_rows:
        j = int(mu[i])
        mentor, mentee = enc.mentors[j], enc.mentees[int(i)]
        w_int = int(w_of_row[i])
        score_int += w_int
        fbv = feedback.get((mentor.id, mentee.id))
        ps = score_pair(mentor, mentee, rules, feedback=fbv, use_feedback=use_fb)
        pairs.append(
            Pair(mentor.id, mentee.id, w_int / SCALE, ps.components, ps.reasons)
        )
    pairs.sort(key=lambda p: (p.mentor_id, p.mentee_id))

    unmatched: list[Unmatched] = []
    for i in np.flatnonzero(mu < 0):
        unmatched.append(Unmatched(enc.mentees[int(i)].id, _why(enc, int(i), cap)))
    unmatched.sort(key=lambda u: u.mentee_id)

    count = int(matched_rows.size)
    if coverage:
        score_ub = ub - big * count
        cov_ub = ub // big if big else count
    else:
        score_ub = ub
        cov_ub = min(n, int(np.maximum(cap, 0).sum()))
    score_ub = max(score_ub, score_int)
    warnings = sorted(
        [(p.id, "availability_unset") for p in by_id.values() if not p.availability]
        + [(p.id, "formats_unset") for p in by_id.values() if not p.formats]
    )
    total = (score_int + locked_int) / SCALE
    upper = (score_ub + locked_int) / SCALE
    return Result(
        pairs=tuple(pairs),
        unmatched=tuple(unmatched),
        warnings=tuple(warnings),
        total_score=total,
        upper_bound=upper,
        gap=(score_ub - score_int) / SCALE,
        matched=count + len(locks),
        mentees=len(mentees),
        mentors=len(mentors),
        coverage_upper_bound=int(cov_ub) + len(locks),
        objective=rules.objective,
        exact=score_ub == score_int and (not coverage or cov_ub <= count),
        rounds=rounds,
        candidate_pairs=int(arcs[0].size),
    )


def _why(enc: Encoded, i: int, cap: I64) -> str:
    """Reason code for an unmatched mentee: the first rule that leaves nobody."""
    if enc.m == 0:
        return "no_mentor"
    masks = enc.rule_masks(i)
    alive = np.ones(enc.m, dtype=bool)
    for rule, code in RULE_ORDER:
        alive &= masks[rule]
        if not alive.any():
            return code
    if not (cap[alive] > 0).any():
        return "capacity_full"
    return "lost_to_better"


def recommend(
    people: Iterable[Candidate],
    mentee_id: str,
    k: int = 5,
    rules: Rules | None = None,
    *,
    forbidden: Iterable[tuple[str, str]] = (),
    feedback: Mapping[tuple[str, str], Feedback] | None = None,
) -> tuple[Pair, ...]:
    """The ``k`` best allowed mentors for one mentee, best first, with reasons.

    Capacity and locks are ignored (this is a shortlist). Ties are broken by
    mentor id, so the answer is deterministic. O(m) scoring.

    >>> from pairmaker import Candidate, recommend
    >>> a = Candidate("a", "mentor", "IT", 1, languages=frozenset({"fr"}))
    >>> b = Candidate("b", "mentee", "HR", 3, languages=frozenset({"fr"}))
    >>> [p.mentor_id for p in recommend([a, b], "b")]
    ['a']
    """
    rules = rules or Rules()
    feedback = dict(feedback or {})
    _, mentors, by_id = _split(people)
    target = by_id.get(mentee_id)
    if target is None or target.role != "mentee":
        raise EngineInputError([(mentee_id, "not_a_mentee")])
    chains = reporting_chains(by_id.values())
    enc = Encoded(
        [target], mentors, rules, forbidden=forbidden, feedback=feedback, chains=chains
    )
    row: F32 = enc.row(0) if enc.m else np.zeros(0, dtype=np.float32)
    ok = np.flatnonzero(np.isfinite(row))
    ids = np.array([enc.mentors[int(j)].id for j in ok], dtype=object)
    order = sorted(range(ok.size), key=lambda x: (-float(row[ok[x]]), str(ids[x])))
    out: list[Pair] = []
    for x in order[:k]:
        mentor = enc.mentors[int(ok[x])]
        fbv = feedback.get((mentor.id, mentee_id))
        ps = score_pair(
            mentor, target, rules, feedback=fbv, use_feedback=bool(feedback)
        )
        score = float(row[ok[x]]) / SCALE
        out.append(Pair(mentor.id, mentee_id, score, ps.components, ps.reasons))
    return tuple(out)


def allowed_pairs(
    people: Iterable[Candidate],
    rules: Rules | None = None,
    *,
    forbidden: Iterable[tuple[str, str]] = (),
    feedback: Mapping[tuple[str, str], Feedback] | None = None,
) -> Iterator[tuple[str, str, float]]:
    """Stream every pair the hard rules allow as (mentor_id, mentee_id, score).

    Locks and capacities are ignored: with the input's capacities this is the
    whole optimisation problem, so another solver can check a result. Scores
    equal the solver's integer weights / 10 000. The order is deterministic.
    O(n * m) time, O(block) memory.

    >>> from pairmaker import Candidate, allowed_pairs
    >>> a = Candidate("a", "mentor", "IT", 1, languages=frozenset({"fr"}))
    >>> b = Candidate("b", "mentee", "HR", 3, languages=frozenset({"fr"}))
    >>> [(m, e) for m, e, _ in allowed_pairs([a, b])]
    [('a', 'b')]
    """
    rules = rules or Rules()
    mentees, mentors, by_id = _split(people)
    enc = Encoded(
        mentees,
        mentors,
        rules,
        forbidden=forbidden,
        feedback=feedback,
        chains=reporting_chains(by_id.values()),
    )
    for r0 in range(0, enc.n, 256):
        r1 = min(r0 + 256, enc.n)
        lim = enc.col_limit(r0, r1)
        for q, (c0, _c1) in enumerate(enc.chunks):
            if c0 >= lim:
                break
            w = enc.block(r0, r1, q, lim)
            ii, jj = np.nonzero(np.isfinite(w))
            for i, j, x in zip(
                ii.tolist(), jj.tolist(), w[ii, jj].tolist(), strict=True
            ):
                yield enc.mentors[c0 + j].id, enc.mentees[r0 + i].id, x / SCALE
