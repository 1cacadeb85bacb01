"""Hypothesis strategies for cohorts and rules.

Every attribute is drawn by Hypothesis itself (no seed handed to ``random``),
so a failing example shrinks to a minimal cohort: people drop out, and what
is left is lowered towards « nobody », « empty » or the first value. The
vocabularies are those of :mod:`pairmaker.tests.cohorts`: small, so that
ties and conflicts are frequent; the proportions are about those of
``random_cohort``.

How a cohort is drawn serves the shrinker and the clock:

- A cohort is 25 mentee seats and 15 mentor seats, each drawn by a strategy
  of its own whose first choice says whether someone sits there (0: empty).
  Hypothesis empties a seat by replacing its span with the simplest value,
  which drops that person's other choices too; it could not delete a person
  from the middle of a list, unless the person took at most five choices.
  Seats are filled at a rate drawn per cohort, so sizes spread from empty to
  full, as ``random_cohort(rng, randint(0, 25), randint(0, 15))`` did.
- Each strategy drawn from costs tens of microseconds, and a collection
  spends one choice per element and redraws duplicates. So an attribute is
  one integer (a bit mask for a set, digits for a set of levels) read here,
  and every strategy is built once, at import. Integers stay below 256:
  above, Hypothesis favours small numbers, which would starve the high
  digits.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from pairmaker.model import Candidate, Role, Rules
from pairmaker.tests.cohorts import DEPTS, INTERESTS, LANGS, SITES, SKILLS, SLOTS

SEATS: dict[Role, int] = {"mentee": 25, "mentor": 15}
_ALL_SEATS = sum(SEATS.values())

# An attribute: the strategy of its integer(s), and how to read them; the
# simplest draw (0) reads as the simplest value.
_Attribute = tuple[st.SearchStrategy[Any], Callable[[Any], Any]]


def _one_of(items: list[str]) -> _Attribute:
    return st.integers(0, len(items) - 1), items.__getitem__


def _number(low: int, high: int) -> _Attribute:
    return st.integers(0, high - low), lambda n: low + n


def _subset(items: list[str], *, nonempty: bool = False) -> _Attribute:
    """A subset as a bit mask (bit i: ``items[i]``)."""
    skip = 1 if nonempty else 0

    def read(mask: int) -> frozenset[str]:
        return frozenset(x for i, x in enumerate(items) if (mask + skip) >> i & 1)

    return st.integers(0, 2 ** len(items) - 1 - skip), read


def _levels(names: list[str], low: int, high: int) -> _Attribute:
    """Some of ``names``, each with a level from ``low`` to ``high``: the
    digits of one number in base ``high - low + 2``, 0 meaning « absent »."""
    base = high - low + 2
    assert base ** len(names) <= 256

    def read(number: int) -> dict[str, int]:
        levels = {}
        for name in names:
            number, digit = divmod(number, base)
            if digit:
                levels[name] = low + digit - 1
        return levels

    return st.integers(0, base ** len(names) - 1), read


def _skills() -> _Attribute:
    """Levels 0 to 4 in some of the five skills: two numbers, as one would
    go above 255."""
    (first, read_first), (last, read_last) = (
        _levels(SKILLS[:3], 0, 4),
        _levels(SKILLS[3:], 0, 4),
    )
    return st.tuples(first, last), lambda n: read_first(n[0]) | read_last(n[1])


def _attributes(role: Role) -> dict[str, _Attribute]:
    """Everything of a candidate but its id, manager, avoid list and lock."""
    mentor = role == "mentor"
    return {
        "department": _one_of(DEPTS),
        "level": _number(1, 4) if mentor else _number(2, 6),
        "languages": _subset(LANGS, nonempty=True),
        "formats": _subset(["remote", "onsite"]),
        "site": _one_of(SITES),
        "availability": _subset(SLOTS),
        "capacity": _number(0, 2) if mentor else _number(1, 1),
        "skills": _skills(),
        "wants": _levels(SKILLS[3:] if mentor else SKILLS[:3], 1, 3),
        "interests": _subset(INTERESTS),
        "teaching": _number(0, 4),
    }


_ATTRIBUTES = {role: _attributes(role) for role in SEATS}
_TENTHS = st.integers(0, 10)
# 0 for nobody, else an earlier seat plus one.
_SEAT_BEFORE = [st.integers(0, seat) for seat in range(_ALL_SEATS)]
# Whom one avoids: nobody in half the cases, else a seat, often empty: about
# a fifth avoid someone, as in random_cohort.
_AVOID = st.integers(0, 2 * _ALL_SEATS - 1)


@dataclasses.dataclass(frozen=True)
class _Seated:
    role: Role
    attributes: dict[str, Any]
    manager: int | None  # a seat
    avoid: int | None  # a seat


@functools.cache
def _seat(role: Role, k: int, filled: int) -> st.SearchStrategy[_Seated | None]:
    """Seat ``k``, taken in ``filled`` cases out of ten (never when its first
    choice is 0)."""

    @st.composite
    def seat(draw: st.DrawFn) -> _Seated | None:
        if draw(_TENTHS) <= 10 - filled:
            return None
        attributes = {
            name: read(draw(strategy))
            for name, (strategy, read) in _ATTRIBUTES[role].items()
        }
        manager = draw(_SEAT_BEFORE[k]) - 1
        avoid = draw(_AVOID) - _ALL_SEATS
        return _Seated(
            role,
            attributes,
            manager if manager >= 0 else None,
            avoid if avoid >= 0 else None,
        )

    return seat()


@st.composite
def cohorts(draw: st.DrawFn) -> list[Candidate]:
    """Up to 25 mentees ``e0…`` then up to 15 mentors ``m0…``.

    A manager sits in an earlier seat (so there is no reporting cycle); one
    may avoid anybody, oneself included, as in ``random_cohort``; a manager
    or an avoided person whose seat is empty is nobody. Maybe one mentee is
    locked to a mentor who has room (a single lock never contradicts
    another).
    """
    seats: list[_Seated | None] = []
    for role, count in SEATS.items():
        filled = draw(_TENTHS)  # how many seats in ten are taken
        seats += [draw(_seat(role, len(seats) + i, filled)) for i in range(count)]
    ids: dict[int | None, str] = {}
    for role, prefix in (("mentee", "e"), ("mentor", "m")):
        taken = [k for k, s in enumerate(seats) if s is not None and s.role == role]
        ids.update({k: f"{prefix}{n}" for n, k in enumerate(taken)})
    people = [
        Candidate(
            id=ids[k],
            role=s.role,
            manager_id=ids.get(s.manager),
            avoid=frozenset({ids[s.avoid]} if s.avoid in ids else ()),
            **s.attributes,
        )
        for k, s in enumerate(seats)
        if s is not None
    ]
    n_mentees = sum(p.role == "mentee" for p in people)
    mentors = [p.id for p in people if p.role == "mentor" and p.capacity > 0]
    if n_mentees and mentors and draw(st.booleans()):
        k = draw(st.integers(0, n_mentees - 1))
        lock = draw(st.sampled_from(mentors))
        people[k] = dataclasses.replace(people[k], lock=lock)
    return people


rules = st.builds(
    Rules,
    objective=st.sampled_from(["coverage", "score"]),
    seniority=st.sampled_from(["strict", "relaxed", "off"]),
    same_department=st.sampled_from(["forbid", "penalise", "allow"]),
    min_common_slots=st.integers(0, 2),
    require_format=st.booleans(),
    min_score=st.sampled_from([0.0, 0.3]),
)
