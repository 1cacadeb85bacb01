"""Benchmark of the matching engine against greedy and scipy's dense assignment.

Usage::

    .venv/bin/python bench/matching.py                 # 1k, 5k, 20k, 100k
    .venv/bin/python bench/matching.py --sizes 1000 5000 --repeat 3

Each (size, method) runs in its own subprocess so that the peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) is per size. Reported time is the
wall time of matching, scoring included, cohort generation excluded (it stands
for reading the input). Quality is the total score divided by the upper bound
certified by pairmaker's LP dual on the same cohort (pairmaker and the scipy
baseline read it from the pairmaker run; greedy from the same bound).

Synthetic cohorts: about 1.35 mentees per mentor, mentor capacity 1 or 2, 30
digital and 10 leadership skills, 12 departments, a management tree, 5
languages, 6 sites, 10 weekly slots.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pairmaker import Candidate, Rules, SolveOptions, match
from pairmaker.model import Role
from pairmaker.scoring import SCALE, Encoded

DIGITAL = [f"dig{i:02d}" for i in range(30)]
LEADERSHIP = [f"lead{i}" for i in range(10)]
LANGS = ["fr", "en", "de", "es", "it"]
SITES = ["paris", "lyon", "lille", "nantes", "toulouse", "bruxelles"]
SLOTS = [f"{d}-{h}" for d in ("mon", "tue", "wed", "thu", "fri") for h in ("am", "pm")]
INTERESTS = [f"int{i:02d}" for i in range(20)]


def synthetic(n_mentees: int, seed: int = 1) -> list[Candidate]:
    """A realistic-looking cohort: juniors mentor seniors on digital skills."""
    rng = np.random.default_rng(seed)
    n_mentors = round(n_mentees / 1.35)
    total = n_mentees + n_mentors
    roles = ["mentee"] * n_mentees + ["mentor"] * n_mentors
    ids = [f"p{i:06d}" for i in range(total)]
    is_mentor = np.arange(total) >= n_mentees
    level = np.where(
        is_mentor, rng.integers(1, 5, total), rng.integers(3, 8, total)
    ).astype(int)
    dept = rng.integers(0, 12, total)
    # Management tree: each person reports to someone of a higher level in the
    # same department when there is one.
    manager: list[str | None] = [None] * total
    for d in range(12):
        members = np.flatnonzero(dept == d)
        by_level: dict[int, list[int]] = {}
        for x in members:
            by_level.setdefault(int(level[x]), []).append(int(x))
        for x in members:
            higher = [lv for lv in by_level if lv > level[x]]
            if higher:
                pool = by_level[min(higher)]
                manager[x] = ids[pool[int(rng.integers(len(pool)))]]
    people: list[Candidate] = []
    for x in range(total):
        mentor = bool(is_mentor[x])
        langs = {
            lang
            for lang, p in zip(LANGS, (0.85, 0.6, 0.1, 0.1, 0.05), strict=True)
            if rng.random() < p
        } or {"en"}
        r = rng.random()
        formats = {"remote"} if r < 0.4 else {"onsite"} if r < 0.6 else set()
        if r >= 0.6 and rng.random() < 0.97:
            formats = {"remote", "onsite"}
        slots = (
            set()
            if rng.random() < 0.03
            else set(rng.choice(SLOTS, int(rng.integers(2, 6)), replace=False))
        )
        if mentor:
            skills = {
                s: int(rng.integers(1, 5))
                for s in rng.choice(DIGITAL, 8, replace=False)
            }
            skills |= {
                s: int(rng.integers(0, 2))
                for s in rng.choice(LEADERSHIP, 2, replace=False)
            }
            wants = {
                s: int(rng.integers(1, 4))
                for s in rng.choice(LEADERSHIP, 2, replace=False)
            }
        else:
            skills = {
                s: int(rng.integers(0, 2))
                for s in rng.choice(DIGITAL, 4, replace=False)
            }
            skills |= {
                s: int(rng.integers(2, 5))
                for s in rng.choice(LEADERSHIP, 5, replace=False)
            }
            wants = {
                s: int(rng.integers(1, 4))
                for s in rng.choice(DIGITAL, 3, replace=False)
            }
        role: Role = "mentor" if mentor else "mentee"
        assert roles[x] == role
        people.append(
            Candidate(
                id=ids[x],
                role=role,
                department=f"D{dept[x]:02d}",
                level=int(level[x]),
                manager_id=manager[x],
                languages=frozenset(langs),
                formats=frozenset(formats),
                site=SITES[int(rng.integers(len(SITES)))],
                availability=frozenset(str(s) for s in slots),
                capacity=int(rng.integers(1, 3)) if mentor else 1,
                skills={str(k): v for k, v in skills.items()},
                wants={str(k): v for k, v in wants.items()},
                interests=frozenset(
                    str(s)
                    for s in rng.choice(INTERESTS, int(rng.integers(0, 5)), False)
                ),
                teaching=int(rng.integers(0, 5)),
                avoid=frozenset({ids[int(rng.integers(total))]})
                if rng.random() < 0.01
                else frozenset(),
            )
        )
    return people


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_pairmaker(people: list[Candidate], gap_target: float) -> dict[str, float]:
    t = time.perf_counter()
    res = match(people, options=SolveOptions(gap_target=gap_target))
    dt = time.perf_counter() - t
    return {
        "time": dt,
        "score": res.total_score,
        "bound": res.upper_bound,
        "matched": res.matched,
        "mentees": res.mentees,
        "rounds": res.rounds,
        "exact": float(res.exact),
        "arcs": res.candidate_pairs,
    }


def run_greedy(people: list[Candidate]) -> dict[str, float]:
    """Greedy baseline: each mentee, in id order, takes its best free mentor.

    Scoring is streamed block by block (same kernel as pairmaker), so this
    measures the quality a greedy assignment leaves on the table.
    """
    t = time.perf_counter()
    rules = Rules()
    mentees = [p for p in people if p.role == "mentee"]
    mentors = [p for p in people if p.role == "mentor"]
    enc = Encoded(mentees, mentors, rules)
    cap = np.array([p.capacity for p in enc.mentors], dtype=np.int64)
    order = sorted(range(enc.n), key=lambda i: enc.mentees[i].id)
    total = 0
    matched = 0
    for i in order:
        lim = enc.col_limit(i, i + 1)
        if lim == 0:
            continue
        row = np.concatenate(
            [
                enc.block(i, i + 1, q, lim)[0]
                for q, (c0, _) in enumerate(enc.chunks)
                if c0 < lim
            ]
        )
        row[cap[:lim] <= 0] = -np.inf
        j = int(np.argmax(row))
        if np.isfinite(row[j]):
            cap[j] -= 1
            total += int(row[j])
            matched += 1
    return {"time": time.perf_counter() - t, "score": total / SCALE, "matched": matched}


def run_scipy(people: list[Candidate]) -> dict[str, float]:
    """Dense exact baseline: scipy linear_sum_assignment on capacity slots.

    Coverage first like pairmaker: allowed pairs weigh w + BIG, forbidden 0.
    """
    from scipy.optimize import linear_sum_assignment

    t = time.perf_counter()
    mentees = [p for p in people if p.role == "mentee"]
    mentors = [p for p in people if p.role == "mentor"]
    enc = Encoded(mentees, mentors, Rules())
    w = enc.dense().astype(np.float64)
    big = SCALE * (enc.n + 1)
    allowed = np.isfinite(w)
    w = np.where(allowed, w + big, 0.0)
    slots = np.repeat(np.arange(enc.m), [p.capacity for p in enc.mentors])
    r, c = linear_sum_assignment(w[:, slots], maximize=True)
    ok = allowed[r, slots[c]]
    score = float((w[r, slots[c]][ok] - big).sum()) / SCALE
    return {
        "time": time.perf_counter() - t,
        "score": score,
        "matched": int(ok.sum()),
    }


def child(size: int, method: str, seed: int, gap_target: float) -> None:
    people = synthetic(size, seed)
    base = _peak_mib()
    if method == "pairmaker":
        out = run_pairmaker(people, gap_target)
    elif method == "greedy":
        out = run_greedy(people)
    else:
        out = run_scipy(people)
    out["peak_mib"] = _peak_mib()
    out["input_mib"] = base
    print(json.dumps(out))


def spawn(size: int, method: str, seed: int, gap_target: float) -> dict[str, float]:
    env = dict(os.environ)
    cmd = [
        sys.executable,
        __file__,
        "--child",
        method,
        "--sizes",
        str(size),
        "--seed",
        str(seed),
        "--gap-target",
        str(gap_target),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000, 100000])
    ap.add_argument("--repeat", type=int, default=3, help="runs per size (median)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--gap-target", type=float, default=-1.0)
    ap.add_argument("--scipy-max", type=int, default=5000)
    ap.add_argument("--greedy-max", type=int, default=20000)
    ap.add_argument("--child", choices=["pairmaker", "greedy", "scipy"])
    args = ap.parse_args()
    if args.child:
        child(args.sizes[0], args.child, args.seed, max(args.gap_target, 0.0))
        return

    def target(size: int) -> float:
        if args.gap_target >= 0:
            return float(args.gap_target)
        return 0.0 if size <= 5000 else 1e-3

    header = (
        f"{'mentees':>8} {'method':>9} {'time s':>8} {'peak MiB':>9} "
        f"{'matched':>8} {'score/UB':>9} {'gap':>9} {'rounds':>6} {'arcs':>9}"
    )
    print(header)
    for size in args.sizes:
        runs = [
            spawn(size, "pairmaker", args.seed, target(size))
            for _ in range(args.repeat)
        ]
        pm = runs[-1]
        t_med = statistics.median(r["time"] for r in runs)
        peak = max(r["peak_mib"] for r in runs)
        ub = pm["bound"]
        print(
            f"{size:>8} {'pairmaker':>9} {t_med:>8.2f} {peak:>9.0f} "
            f"{pm['matched'] / pm['mentees']:>8.2%} {pm['score'] / ub:>9.5f} "
            f"{ub - pm['score']:>9.2f} {int(pm['rounds']):>6} {int(pm['arcs']):>9}"
            f"   times: {', '.join(f'{r["time"]:.2f}' for r in runs)}",
            flush=True,
        )
        baselines = []
        if size <= args.greedy_max:
            baselines.append("greedy")
        if size <= args.scipy_max:
            baselines.append("scipy")
        for method in baselines:
            r = spawn(size, method, args.seed, 0.0)
            print(
                f"{size:>8} {method:>9} {r['time']:>8.2f} {r['peak_mib']:>9.0f} "
                f"{r['matched'] / pm['mentees']:>8.2%} {r['score'] / ub:>9.5f} "
                f"{ub - r['score']:>9.2f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
