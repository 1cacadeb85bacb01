"""Random small cohorts for the oracle and property tests."""

from __future__ import annotations

import random

from pairmaker.model import Candidate, Role

LANGS = ["fr", "en", "de"]
SITES = ["paris", "lyon"]
SLOTS = ["mon-am", "mon-pm", "tue-am", "wed-pm"]
SKILLS = ["python", "data", "cloud", "lead", "sales"]
INTERESTS = ["music", "chess", "run", "cook"]
DEPTS = ["IT", "HR", "FIN"]


def _subset(rng: random.Random, items: list[str], lo: int = 0) -> frozenset[str]:
    k = rng.randint(lo, len(items))
    return frozenset(rng.sample(items, k))


def random_cohort(
    rng: random.Random,
    n_mentees: int,
    n_mentors: int,
    *,
    locks: bool = False,
    avoid: bool = True,
    managers: bool = True,
) -> list[Candidate]:
    """A cohort with many ties and conflicts, to stress the solver."""
    ids = [f"e{i}" for i in range(n_mentees)] + [f"m{j}" for j in range(n_mentors)]
    people: list[Candidate] = []
    for idx, pid in enumerate(ids):
        role: Role = "mentee" if pid.startswith("e") else "mentor"
        mgr = None
        if managers and idx > 0 and rng.random() < 0.5:
            mgr = rng.choice(ids[:idx])
        wants_pool = SKILLS[:3] if role == "mentee" else SKILLS[3:]
        people.append(
            Candidate(
                id=pid,
                role=role,
                department=rng.choice(DEPTS),
                level=rng.randint(1, 4) if role == "mentor" else rng.randint(2, 6),
                manager_id=mgr,
                languages=_subset(rng, LANGS, 1),
                formats=_subset(rng, ["remote", "onsite"]),
                site=rng.choice(SITES),
                availability=_subset(rng, SLOTS),
                capacity=rng.randint(0, 2) if role == "mentor" else 1,
                skills={s: rng.randint(0, 4) for s in rng.sample(SKILLS, 3)},
                wants={s: rng.randint(1, 3) for s in rng.sample(wants_pool, 2)},
                interests=_subset(rng, INTERESTS),
                teaching=rng.randint(0, 4),
                avoid=frozenset(rng.sample(ids, 1))
                if avoid and rng.random() < 0.2
                else frozenset(),
            )
        )
    if locks and n_mentees and n_mentors:
        # Lock one mentee to a mentor that has capacity.
        mentors = [p for p in people if p.role == "mentor" and p.capacity > 0]
        if mentors:
            target = rng.choice(mentors)
            k = next(i for i, p in enumerate(people) if p.role == "mentee")
            p = people[k]
            people[k] = Candidate(**{**p.__dict__, "lock": target.id})
    return people
