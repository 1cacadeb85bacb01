"""Cohort shapes for the matching benchmark and the engine's tests (one place).

``cohort(shape, n_mentees, seed)`` returns a list of :class:`pairmaker.Candidate`.
Shapes (``SHAPES``):

* ``today``: the benchmark's historical cohort (30 digital and 10 leadership
  skills, 12 departments, 6 sites, a management tree by level, 3 % empty
  availabilities, 1 % avoid lists). Same people, draw for draw, as before.
* ``ties``: few skills (4 + 2), no interests, same teaching level: many
  pairs share the same score.
* ``deep``: management chains about 40 people deep inside each department.
* ``skewed``: 80 % of the mentees want the same three skills.
* ``onedept``: 70 % of the people in one department (the same-department rule
  then forbids most pairs of that department).
* ``empty``: 10 % without a format, 10 % without availability, 10 % without
  skills or wishes.
* ``issue``: the shape measured from outside in issue #17: few skills, 4
  departments, 3 sites, deep chains, 5-10 % without format or availability.

``small(shape, rng, n_mentees, n_mentors)`` gives a tiny cohort of the same
shape for the oracle and property tests (``pairmaker/tests`` imports it).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt

from pairmaker.model import Candidate, Role

LANGS = ["fr", "en", "de", "es", "it"]
SITES = ["paris", "lyon", "lille", "nantes", "toulouse", "bruxelles"]
SLOTS = [f"{d}-{h}" for d in ("mon", "tue", "wed", "thu", "fri") for h in ("am", "pm")]
INTERESTS = [f"int{i:02d}" for i in range(20)]


@dataclass(frozen=True)
class Shape:
    digital: int = 30  # skills mentors teach
    leadership: int = 10  # skills mentees teach back
    mentor_digital: int = 8
    mentee_wants: int = 3
    mentee_leadership: int = 5
    departments: int = 12
    big_department: float = 0.0  # share of people forced into department 0
    sites: int = 6
    interests: bool = True
    teaching_spread: bool = True
    chain_depth: int = 0  # 0: tree by level; else chains of about this depth
    skew: float = 0.0  # share of mentees wanting the same first skills
    no_format: float = 0.0
    no_slots: float = 0.03
    no_skills: float = 0.0


SHAPES: dict[str, Shape] = {
    "today": Shape(),
    "ties": Shape(
        digital=4,
        leadership=2,
        mentor_digital=3,
        mentee_wants=2,
        mentee_leadership=2,
        interests=False,
        teaching_spread=False,
    ),
    "deep": Shape(chain_depth=40),
    "skewed": Shape(skew=0.8),
    "onedept": Shape(big_department=0.7),
    "empty": Shape(no_format=0.1, no_slots=0.1, no_skills=0.1),
    "issue": Shape(
        digital=6,
        leadership=3,
        mentor_digital=4,
        mentee_wants=2,
        mentee_leadership=2,
        departments=4,
        sites=3,
        interests=False,
        chain_depth=30,
        no_format=0.07,
        no_slots=0.08,
    ),
}


def _managers(
    rng: np.random.Generator,
    shape: Shape,
    ids: list[str],
    level: npt.NDArray[np.int64],
    dept: npt.NDArray[np.int64],
) -> list[str | None]:
    total = len(ids)
    manager: list[str | None] = [None] * total
    for d in range(shape.departments):
        members = np.flatnonzero(dept == d)
        if shape.chain_depth:
            # Senior first; each person reports to one of the few people just
            # above them in their division, so chains are about depth long.
            members = members[np.argsort(-level[members], kind="stable")]
            div = 3 * shape.chain_depth
            for pos in range(members.size):
                base = pos - pos % div
                if pos > base:
                    up = pos - 1 - int(rng.integers(0, min(2, pos - base)))
                    manager[int(members[pos])] = ids[int(members[up])]
            continue
        by_level: dict[int, list[int]] = {}
        for x in members:
            by_level.setdefault(int(level[x]), []).append(int(x))
        for x in members:
            higher = [lv for lv in by_level if lv > level[x]]
            if higher:
                pool = by_level[min(higher)]
                manager[x] = ids[pool[int(rng.integers(len(pool)))]]
    return manager


def cohort(shape: str | Shape, n_mentees: int, seed: int = 1) -> list[Candidate]:
    """A cohort of the given shape: about 1.35 mentees per mentor."""
    sh = SHAPES[shape] if isinstance(shape, str) else shape
    digital = [f"dig{i:02d}" for i in range(sh.digital)]
    leadership = [f"lead{i}" for i in range(sh.leadership)]
    sites = SITES[: sh.sites]
    rng = np.random.default_rng(seed)
    n_mentors = round(n_mentees / 1.35)
    total = n_mentees + n_mentors
    ids = [f"p{i:06d}" for i in range(total)]
    is_mentor = np.arange(total) >= n_mentees
    level = np.where(
        is_mentor, rng.integers(1, 5, total), rng.integers(3, 8, total)
    ).astype(int)
    dept = rng.integers(0, sh.departments, total)
    if sh.big_department:
        dept[rng.random(total) < sh.big_department] = 0
    manager = _managers(rng, sh, ids, level, dept)
    # Extra draws for the other shapes come from a second generator, so that
    # ``today`` stays the historical cohort draw for draw.
    extra = np.random.default_rng(seed + 7919)
    popular = digital[:3]
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
        if sh.no_format and extra.random() < sh.no_format:
            formats = set()
        slots = (
            set()
            if rng.random() < sh.no_slots
            else set(rng.choice(SLOTS, int(rng.integers(2, 6)), replace=False))
        )
        if mentor:
            skills = {
                s: int(rng.integers(1, 5))
                for s in rng.choice(digital, sh.mentor_digital, replace=False)
            }
            skills |= {
                s: int(rng.integers(0, 2))
                for s in rng.choice(leadership, 2, replace=False)
            }
            wants = {
                s: int(rng.integers(1, 4))
                for s in rng.choice(leadership, 2, replace=False)
            }
        else:
            skills = {
                s: int(rng.integers(0, 2))
                for s in rng.choice(digital, min(4, sh.digital), replace=False)
            }
            skills |= {
                s: int(rng.integers(2, 5))
                for s in rng.choice(leadership, sh.mentee_leadership, replace=False)
            }
            wants = {
                s: int(rng.integers(1, 4))
                for s in rng.choice(digital, sh.mentee_wants, replace=False)
            }
            if sh.skew and extra.random() < sh.skew:
                wants = {s: int(extra.integers(1, 4)) for s in popular}
        if sh.no_skills and extra.random() < sh.no_skills:
            skills, wants = {}, {}
        role: Role = "mentor" if mentor else "mentee"
        site = sites[int(rng.integers(len(SITES))) % len(sites)]
        capacity = int(rng.integers(1, 3)) if mentor else 1
        interests = frozenset(
            str(s) for s in rng.choice(INTERESTS, int(rng.integers(0, 5)), False)
        )
        teaching = int(rng.integers(0, 5))
        avoid = (
            frozenset({ids[int(rng.integers(total))]})
            if rng.random() < 0.01
            else frozenset()
        )
        people.append(
            Candidate(
                id=ids[x],
                role=role,
                department=f"D{dept[x]:02d}",
                level=int(level[x]),
                manager_id=manager[x],
                languages=frozenset(langs),
                formats=frozenset(formats),
                site=site,
                availability=frozenset(str(s) for s in slots),
                capacity=capacity,
                skills={str(k): v for k, v in skills.items()},
                wants={str(k): v for k, v in wants.items()},
                interests=interests if sh.interests else frozenset(),
                teaching=teaching if sh.teaching_spread else 2,
                avoid=avoid,
            )
        )
    return people


def small(
    shape: str, rng: random.Random, n_mentees: int, n_mentors: int
) -> list[Candidate]:
    """A tiny cohort of the given shape (ids e0.. and m0..), for the oracles.

    Drawn from :func:`cohort` with a seed from ``rng``, then cut down to the
    requested numbers of mentees and mentors; references to people cut out
    (managers, avoid lists) are dropped.
    """
    size = max(n_mentees, round(n_mentors * 1.35), 1)
    people = cohort(shape, size, seed=rng.randrange(1 << 30))
    mentees = [p for p in people if p.role == "mentee"][:n_mentees]
    mentors = [p for p in people if p.role == "mentor"][:n_mentors]
    rename = {p.id: f"e{i}" for i, p in enumerate(mentees)}
    rename |= {p.id: f"m{j}" for j, p in enumerate(mentors)}
    # Keep chains through people cut out: follow managers until someone kept.
    by_id = {p.id: p for p in people}

    def boss(pid: str | None) -> str | None:
        seen = 0
        while pid is not None and pid not in rename and seen < 10_000:
            pid = by_id[pid].manager_id if pid in by_id else None
            seen += 1
        return rename.get(pid) if pid is not None else None

    out: list[Candidate] = []
    for p in [*mentees, *mentors]:
        out.append(
            replace(
                p,
                id=rename[p.id],
                manager_id=boss(p.manager_id),
                avoid=frozenset(rename[a] for a in p.avoid if a in rename),
            )
        )
    return out


COLUMNS = (
    "id",
    "role",
    "department",
    "level",
    "languages",
    "manager_id",
    "formats",
    "site",
    "availability",
    "capacity",
    "skills",
    "wants",
    "interests",
    "teaching",
    "avoid",
)


def write_csv(people: list[Candidate], path: Path) -> None:
    """The cohort as the CSV that ``binome match`` reads."""

    def codes(values: Mapping[str, int]) -> str:
        return "|".join(f"{k}:{v}" for k, v in sorted(values.items()))

    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(COLUMNS)
        for p in people:
            out.writerow(
                [
                    p.id,
                    p.role,
                    p.department,
                    p.level,
                    "|".join(sorted(p.languages)),
                    p.manager_id or "",
                    "|".join(sorted(p.formats)),
                    p.site,
                    "|".join(sorted(p.availability)),
                    p.capacity if p.role == "mentor" else "",
                    codes(p.skills),
                    codes(p.wants),
                    "|".join(sorted(p.interests)),
                    p.teaching,
                    "|".join(sorted(p.avoid - {p.id})),
                ]
            )
