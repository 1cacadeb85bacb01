"""Benchmark of the matching engine on several cohort shapes.

Usage::

    .venv/bin/python bench/matching.py                          # every shape, 1k-100k
    .venv/bin/python bench/matching.py --shapes ties deep --sizes 20000 --repeat 3
    .venv/bin/python bench/matching.py --cli --sizes 20000      # the whole CLI too

Shapes come from :mod:`bench.shapes` (``today`` is the historical cohort). Each
(shape, size, method) runs in its own subprocess, so that the peak RSS
(``ru_maxrss``) is its own. Methods:

* ``pairmaker``: :func:`pairmaker.match`, timed phase by phase through its
  ``progress`` callback (candidates = the scoring pass that builds candidate
  lists, or every pair when dense; each min-cost-flow solve, with the duals and
  the coverage repair that follow it; certificate = the passes over every pair
  and the bound refreshes; assembling). Cohort generation is excluded.
* ``greedy``: each mentee, in id order, takes its best mentor with room left.
* ``plain``: one OR-Tools min-cost flow (coverage first, like pairmaker) on
  the *same graph*: every allowed pair when they fit in memory
  (``--plain-full-max`` mentee x mentor pairs), otherwise pairmaker's own first
  candidate graph (no certificate: the score a plain solve of those lists
  gives, and what it costs).
* ``cli``: the whole ``binome match`` command on the cohort written as CSV
  (``/usr/bin/time -v``: wall time and peak RSS, reading and writing included),
  plus the same steps in process for the phase table (reading, matching,
  writing).

Quality is the total score divided by the upper bound certified by pairmaker
in the same run (score/UB).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if os.environ.get("BENCH_ENGINE"):  # an older pairmaker, to compare (see README)
    sys.path.insert(0, os.environ["BENCH_ENGINE"])

from bench.shapes import SHAPES, cohort, write_csv  # noqa: E402
from pairmaker import Candidate, Progress, Rules, SolveOptions, match  # noqa: E402
from pairmaker.scoring import SCALE, Encoded, reporting_chains  # noqa: E402


def synthetic(n_mentees: int, seed: int = 1) -> list[Candidate]:
    """The historical cohort (shape ``today`` of :mod:`bench.shapes`)."""
    return cohort("today", n_mentees, seed)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Phases:
    """Wall and CPU time per phase, from pairmaker's progress reports.

    CPU time (all threads of the process) is less sensitive than wall time to
    the other jobs of a shared machine.
    """

    def __init__(self) -> None:
        self.marks: list[tuple[str, int, float, float]] = []

    def __call__(self, p: Progress) -> None:
        key = (p.phase, p.step if p.phase == "solving" else 0)
        if not self.marks or self.marks[-1][:2] != key:
            self.marks.append((*key, time.perf_counter(), time.process_time()))

    def table(self, end: float, end_cpu: float) -> dict[str, object]:
        spent = {"scoring": 0.0, "certifying": 0.0, "assembling": 0.0}
        cpu = dict.fromkeys(spent, 0.0)
        solves: list[float] = []
        solves_cpu: list[float] = []
        seq = [*self.marks, ("end", 0, end, end_cpu)]
        for (phase, _step, t0, c0), (_p, _s, t1, c1) in itertools.pairwise(seq):
            if phase == "solving":
                solves.append(t1 - t0)
                solves_cpu.append(c1 - c0)
            else:
                spent[phase] = spent.get(phase, 0.0) + t1 - t0
                cpu[phase] = cpu.get(phase, 0.0) + c1 - c0
        return {
            "candidates": spent["scoring"],
            "certificate": spent["certifying"],
            "assembling": spent["assembling"],
            "solves": solves,
            "cpu_candidates": cpu["scoring"],
            "cpu_certificate": cpu["certifying"],
            "cpu_solves": solves_cpu,
        }


def gap_target(size: int) -> float:
    return 0.0 if size <= 5000 else 1e-3


def run_pairmaker(people: list[Candidate], size: int) -> dict[str, object]:
    phases = Phases()
    t, c = time.perf_counter(), time.process_time()
    res = match(
        people, options=SolveOptions(gap_target=gap_target(size)), progress=phases
    )
    end, end_cpu = time.perf_counter(), time.process_time()
    return {
        "time": end - t,
        "cpu": end_cpu - c,
        "score": res.total_score,
        "bound": res.upper_bound,
        "matched": res.matched,
        "mentees": res.mentees,
        "rounds": res.rounds,
        "exact": res.exact,
        "arcs": res.candidate_pairs,
        "phases": phases.table(end, end_cpu),
    }


def run_plain(people: list[Candidate], full_max: int) -> dict[str, object]:
    """One OR-Tools solve of the same graph (see the module docstring)."""
    from pairmaker import solve as S

    t = time.perf_counter()
    mentees = [p for p in people if p.role == "mentee"]
    mentors = [p for p in people if p.role == "mentor"]
    chains = reporting_chains(people)
    enc = Encoded(mentees, mentors, Rules(), chains=chains)
    full = enc.n * enc.m <= full_max
    if full:
        arcs = S._all_pairs(enc)
    else:
        with S._blas_threads(1):
            arcs = S._Scanner(enc, SolveOptions()).candidates()
    t_graph = time.perf_counter() - t
    cap = np.array([p.capacity for p in enc.mentors], dtype=np.int64)
    t1 = time.perf_counter()
    mu = S._flow(enc.n, enc.m, cap, arcs, True)
    t_solve = time.perf_counter() - t1
    ai, aj, aw = arcs
    on = mu[ai] == aj
    return {
        "time": time.perf_counter() - t,
        "graph": "all pairs" if full else "candidates",
        "graph_time": t_graph,
        "solve_time": t_solve,
        "arcs": int(ai.size),
        "score": int(aw[on].sum()) / SCALE,
        "matched": int((mu >= 0).sum()),
    }


def run_cli(people: list[Candidate], size: int) -> dict[str, object]:
    """The whole ``binome match`` run, then its steps in process for phases."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "people.csv", Path(tmp) / "pairs.csv"
        rules = Path(tmp) / "rules.toml"
        write_csv(people, src)
        rules.write_text('objective = "coverage"\n', encoding="utf-8")
        cmd = [
            "/usr/bin/time",
            "-v",
            sys.executable,
            "-m",
            "binome.cli",
            "match",
            str(src),
            "-o",
            str(out),
            "--rules",
            str(rules),
            "--unmatched",
            str(Path(tmp) / "unmatched.csv"),
        ]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
        wall = time.perf_counter() - t
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
        result: dict[str, object] = {
            "time": wall,
            "peak_mib": int(rss.group(1)) / 1024 if rss else float("nan"),
        }
        # The same steps in this process, timed one by one.
        from binome.cli import setup_translations
        from binome.matching import matchcsv

        setup_translations("fr")
        t0 = time.perf_counter()
        problems = matchcsv.Problems()
        text = src.read_bytes().decode("utf-8-sig")
        read = matchcsv.read_people(text, problems)
        t1 = time.perf_counter()
        phases = Phases()
        # As the command does: its default gap (--gap, in percent).
        options = SolveOptions(gap_target=matchcsv.DEFAULT_GAP_PERCENT / 100)
        res = match([p for _, p in read], Rules(), options=options, progress=phases)
        t2 = time.perf_counter()
        c2 = time.process_time()
        matchcsv.write_pairs(out, res)
        matchcsv.write_unmatched(Path(tmp) / "unmatched.csv", res)
        t3 = time.perf_counter()
        result |= {
            "reading": t1 - t0,
            "matching": t2 - t1,
            "writing": t3 - t2,
            "phases": phases.table(t2, c2),
            "score": res.total_score,
            "bound": res.upper_bound,
            "matched": res.matched,
            "mentees": res.mentees,
        }
        return result


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


def child(shape: str, size: int, method: str, seed: int, plain_full: int) -> None:
    people = cohort(shape, size, seed)
    base = _peak_mib()
    out: dict[str, Any]
    if method == "pairmaker":
        out = run_pairmaker(people, size)
    elif method == "greedy":
        out = run_greedy(people)
    elif method == "scipy":
        out = run_scipy(people)
    elif method == "plain":
        out = run_plain(people, plain_full)
    else:
        out = run_cli(people, size)
    out.setdefault("peak_mib", _peak_mib())
    out["input_mib"] = base
    print(json.dumps(out))


def spawn(shape: str, size: int, method: str, args: argparse.Namespace) -> dict:  # type: ignore[type-arg]
    cmd = [
        sys.executable,
        __file__,
        "--child",
        method,
        "--shapes",
        shape,
        "--sizes",
        str(size),
        "--seed",
        str(args.seed),
        "--plain-full-max",
        str(args.plain_full_max),
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    result: dict = json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[type-arg]
    return result


def _load() -> str:
    return os.getloadavg().__repr__() if hasattr(os, "getloadavg") else "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000, 20000, 100000])
    ap.add_argument("--repeat", type=int, default=3, help="pairmaker runs (median)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--scipy-max", type=int, default=5000)
    ap.add_argument("--greedy-max", type=int, default=20000)
    ap.add_argument("--plain-max", type=int, default=100000)
    ap.add_argument("--plain-full-max", type=int, default=20_000_000)
    ap.add_argument("--cli", action="store_true", help="also time the whole CLI")
    ap.add_argument("--cli-repeat", type=int, default=1)
    ap.add_argument("--child", choices=["pairmaker", "greedy", "scipy", "plain", "cli"])
    args = ap.parse_args()
    if args.child:
        child(args.shapes[0], args.sizes[0], args.child, args.seed, args.plain_full_max)
        return

    print(f"load average at start: {_load()}")
    print(
        f"{'shape':>8} {'mentees':>7} {'method':>9} {'time s':>7} {'peak MiB':>8} "
        f"{'matched':>8} {'score/UB':>8} {'ratio':>6}  phases"
    )
    for size in args.sizes:
        for shape in args.shapes:
            runs = [spawn(shape, size, "pairmaker", args) for _ in range(args.repeat)]
            pm = runs[-1]
            t_med = statistics.median(r["time"] for r in runs)
            ub = pm["bound"]
            ph = min(runs, key=lambda r: abs(r["time"] - t_med))["phases"]
            solves = ph["solves"]
            print(
                f"{shape:>8} {size:>7} {'pairmaker':>9} {t_med:>7.2f} "
                f"{max(r['peak_mib'] for r in runs):>8.0f} "
                f"{pm['matched'] / pm['mentees']:>8.2%} {pm['score'] / ub:>8.5f} "
                f"{1.0:>6.2f}  cand {ph['candidates']:.2f} | "
                f"{len(solves)} solves {sum(solves):.2f} "
                f"({' '.join(f'{x:.2f}' for x in solves)}) | "
                f"cert {ph['certificate']:.2f} ({int(pm['rounds'])} passes) | "
                f"asm {ph['assembling']:.2f} | arcs {int(pm['arcs'])} | "
                f"runs {' '.join(f'{r["time"]:.2f}' for r in runs)} | "
                f"cpu {statistics.median(r['cpu'] for r in runs):.2f} "
                f"(cand {ph['cpu_candidates']:.2f}, "
                f"solves {sum(ph['cpu_solves']):.2f}, "
                f"cert {ph['cpu_certificate']:.2f})",
                flush=True,
            )
            methods = []
            if size <= args.greedy_max:
                methods.append("greedy")
            if size <= args.scipy_max:
                methods.append("scipy")
            if size <= args.plain_max:
                methods.append("plain")
            for method in methods:
                r = spawn(shape, size, method, args)
                extra = ""
                if method == "plain":
                    extra = (
                        f"  {r['graph']}: {r['arcs']} arcs, graph "
                        f"{r['graph_time']:.2f} s, solve {r['solve_time']:.2f} s"
                    )
                print(
                    f"{shape:>8} {size:>7} {method:>9} {r['time']:>7.2f} "
                    f"{r['peak_mib']:>8.0f} {r['matched'] / pm['mentees']:>8.2%} "
                    f"{r['score'] / ub:>8.5f} {r['time'] / t_med:>6.2f}{extra}",
                    flush=True,
                )
            if args.cli:
                cl = [spawn(shape, size, "cli", args) for _ in range(args.cli_repeat)]
                c_med = statistics.median(r["time"] for r in cl)
                c = min(cl, key=lambda r: abs(r["time"] - c_med))
                print(
                    f"{shape:>8} {size:>7} {'cli':>9} {c_med:>7.2f} "
                    f"{max(r['peak_mib'] for r in cl):>8.0f} "
                    f"{c['matched'] / c['mentees']:>8.2%} "
                    f"{c['score'] / c['bound']:>8.5f} {c_med / t_med:>6.2f}  "
                    f"reading {c['reading']:.2f} | matching {c['matching']:.2f} | "
                    f"writing {c['writing']:.2f} | runs "
                    f"{' '.join(f'{r["time"]:.2f}' for r in cl)}",
                    flush=True,
                )
    print(f"load average at end: {_load()}")


if __name__ == "__main__":
    main()
