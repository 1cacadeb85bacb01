"""The bound refreshed between two full certificate passes (solve._PassMemory).

After a pass, the solver keeps each mentee's near-tight pairs (the pool) and
a bound ``rest`` on the reduced value of every other pair. When the flow
moves the mentors' prices, the bound is refreshed without a pass: the
mentors whose price dropped most are re-scored, and the drop of the others,
at most ``tau``, is added to ``rest``. This test builds a case where ``tau``
is what keeps the bound valid: more mentors drop their price than can be
re-scored, and each mentee's best pair afterwards is with a mentor that was
neither re-scored nor in the pool.
"""

from __future__ import annotations

import numpy as np

from pairmaker import Candidate, Rules, SolveOptions
from pairmaker.scoring import SCALE, Encoded
from pairmaker.solve import _PassMemory, _Scanner

FR = frozenset({"fr"})
# _PassMemory re-scores max(256, m // 32) mentors: 256 here.
RESCORED = 256


def mentor(pid: str, **kw: object) -> Candidate:
    base: dict[str, object] = {"department": "IT", "level": 1, "languages": FR}
    base.update(kw)
    return Candidate(pid, "mentor", **base)  # type: ignore[arg-type]


def mentee(pid: str, **kw: object) -> Candidate:
    base: dict[str, object] = {"department": "FIN", "level": 5, "languages": FR}
    base.update(kw)
    return Candidate(pid, "mentee", **base)  # type: ignore[arg-type]


def test_refreshed_bound_counts_the_price_drop_of_mentors_not_rescored() -> None:
    # Score objective: prices run from 0 to clip = SCALE + 1, no coverage term.
    rules = Rules(objective="score")
    big, clip = 0, SCALE + 1
    mentees = [
        mentee(f"e{i}", wants={"python": 3, "data": 1 + i % 3}) for i in range(6)
    ]
    # « t »: strong for every mentee, expensive at the pass, free afterwards;
    # « p »: weaker, free all along, so they hold the pool; « x »: the many
    # mentors whose price drops most (re-scored), who can mentor nobody.
    strong = [
        mentor(f"t{k}", skills={"python": 4, "data": k}, teaching=4) for k in range(3)
    ]
    weak = [mentor(f"p{k}", skills={"data": 1 + k}) for k in range(3)]
    far = [mentor(f"x{k:03}", languages=frozenset({"de"})) for k in range(RESCORED)]
    enc = Encoded(mentees, [*strong, *weak, *far], rules)
    kind = np.array([p.id[0] for p in enc.mentors])

    # Prices at the pass: x at the clip, t0, t1, t2 a little less each (so that
    # tau is the drop of one of them), p free. Afterwards: all free.
    def at_pass(p: Candidate) -> int:
        k = int(p.id[1:])
        return {"x": clip, "t": SCALE - 100 * k, "p": 0}[p.id[0]]

    v_pass = np.array([at_pass(p) for p in enc.mentors], dtype=np.int64)
    v_new = np.zeros(enc.m, dtype=np.int64)
    drop = v_pass - v_new
    tau = int(drop[kind != "x"].max())

    w = enc.dense().astype(np.float64)  # -inf: pair forbidden
    assert np.isinf(w[:, kind == "x"]).all()
    best_t = w[:, kind == "t"].max(axis=1)
    best_p = w[:, kind == "p"].max(axis=1)
    assert (best_p >= 1).all() and (best_t > best_p).all()
    assert tau == SCALE > 0

    # The full pass at the old prices, in match()'s units (vshift = v and
    # ushift = u - big, with mentee potentials u = 0), keeping one pair a row.
    opts = SolveOptions(dense_limit=0, threads=1)
    scanner = _Scanner(enc, opts)
    _best, _violators, pool, rest = scanner.certify(
        vshift=v_pass.astype(np.float64),
        ushift=np.full(enc.n, -big, dtype=np.float64),
        add=opts.add_per_row,
        pool_k=1,
        slack=opts.pool_slack * SCALE,
    )
    # Only the weak mentors are in the pool: the strong ones are priced
    # only through rest + tau.
    assert set(kind[pool[1]]) == {"p"}
    memory = _PassMemory(pool, rest, v_pass, scanner)
    bound = memory.bound(v_new, big, clip)

    # Valid: at least the best bound for the new prices, which takes each
    # mentee's best reduced value over every pair (here, a strong mentor).
    exact = int(np.maximum((w + big - v_new).max(axis=1), 0).sum())
    assert exact == int(best_t.sum())
    assert bound >= exact
    # And what _PassMemory promises, no looser: per mentee, the best of its
    # pool at the new prices and rest + tau (the re-scored mentors add nothing).
    assert bound == int(np.maximum(best_p, rest + big + tau).sum())
