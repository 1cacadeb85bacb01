"""Typed inputs and outputs of the matching engine.

Everything here is a frozen dataclass so that a result can be shared, cached and
compared without defensive copies. Mappings are stored as given but excluded from
hashing (dicts are not hashable); treat them as read-only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Role = Literal["mentor", "mentee"]
Objective = Literal["coverage", "score"]
Seniority = Literal["strict", "relaxed", "off"]
DepartmentRule = Literal["forbid", "penalise", "allow"]
Feedback = Literal["prefer", "neutral", "avoid"]
Phase = Literal["scoring", "solving", "certifying", "assembling"]

#: Score components, in the order used everywhere (CSV columns, breakdowns).
COMPONENTS: tuple[str, ...] = (
    "complementarity",
    "reciprocity",
    "teaching",
    "affinity",
    "availability",
    "silo",
    "feedback",
)

#: Skill levels run from 0 (none) to MAX_LEVEL (expert); teaching uses the same scale.
MAX_LEVEL = 4
#: Wants carry a priority from 1 (nice to have) to MAX_PRIORITY (essential).
MAX_PRIORITY = 3


class EngineInputError(ValueError):
    """The cohort cannot be matched as given (duplicate ids, contradictory locks...).

    ``problems`` holds ``(person_id, code)`` pairs; the CLI validates its input
    beforehand, so these only reach callers that build cohorts by hand.
    """

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{pid}: {code}" for pid, code in problems))


class Cancelled(Exception):
    """Raised by a progress callback to stop :func:`pairmaker.match`.

    ``match`` lets it propagate unchanged: nothing is returned, nothing is
    half-done (the engine has no side effects).
    """


@dataclass(frozen=True)
class Progress:
    """Where a run of :func:`pairmaker.match` stands, for a progress bar.

    ``phase`` is one of ``scoring`` (the candidate pairs are scored, block by
    block), ``solving`` (a min-cost flow solve), ``certifying`` (a pass over
    every allowed pair that proves the bound) and ``assembling`` (the result
    and its reasons). ``done`` of ``total`` units of the phase are finished;
    ``total`` is 0 when the phase has no known size. ``step`` counts the
    solves and certificate passes made so far (1 for the first one).
    """

    phase: Phase
    done: int = 0
    total: int = 0
    step: int = 1


@dataclass(frozen=True)
class Candidate:
    """One participant. Empty ``formats``/``availability`` mean "no constraint".

    ``person`` names the human behind the candidate (default: the id): one
    person may be a mentor and a mentee of one cohort, as two candidates. They
    are never paired together, and the reporting line is a relation between
    persons (``manager_id`` names a candidate, or a person), so it covers every
    candidate of each of them.
    """

    id: str
    role: Role
    department: str = ""
    level: int = 0
    manager_id: str | None = None
    languages: frozenset[str] = frozenset()
    formats: frozenset[str] = frozenset()  # subset of {"remote", "onsite"}
    site: str = ""
    availability: frozenset[str] = frozenset()
    capacity: int = 1  # mentors only
    skills: Mapping[str, int] = field(default_factory=dict, hash=False)
    wants: Mapping[str, int] = field(default_factory=dict, hash=False)
    interests: frozenset[str] = frozenset()
    teaching: int = 0
    avoid: frozenset[str] = frozenset()
    lock: str | None = None
    person: str | None = None

    @property
    def who(self) -> str:
        """The person behind this candidate: ``person``, else the id."""
        return self.person or self.id


@dataclass(frozen=True)
class Weights:
    """Relative weights of the score components; they are normalised to sum 1.

    ``feedback`` only counts when the cohort has café-virtuel feedback at all.
    """

    complementarity: float = 0.30
    reciprocity: float = 0.15
    teaching: float = 0.15
    affinity: float = 0.10
    availability: float = 0.10
    silo: float = 0.10
    feedback: float = 0.10

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in COMPONENTS}


@dataclass(frozen=True)
class Rules:
    """Hard rules and objective of a programme. The defaults switch every rule on."""

    objective: Objective = "coverage"
    min_score: float = 0.0
    forbid_reporting_line: bool = True
    require_common_language: bool = True
    require_format: bool = True
    min_common_slots: int = 1
    seniority: Seniority = "strict"  # mentor level < (strict) or <= (relaxed) mentee
    same_department: DepartmentRule = "forbid"
    same_department_penalty: float = 0.25  # score factor lost when "penalise"
    respect_avoid: bool = True
    availability_target: int = 3  # common slots that earn the full availability score
    weights: Weights = Weights()


@dataclass(frozen=True)
class SolveOptions:
    """Knobs of the solver; the defaults aim at a proven optimum (gap 0).

    ``dense_limit``: up to this many mentee x mentor pairs every allowed pair goes
    to the solver; above, candidate lists of ``k_mentee`` / ``k_mentor`` per person
    are used and the LP-dual certificate adds missing pairs until the relative gap
    is at most ``gap_target`` or ``max_rounds`` certificate passes were made.
    ``k_spread``: each mentee also gets its best ``k_spread`` mentors among a
    fixed pseudo-random sample of 16 * ``k_spread`` allowed-or-not mentors, so
    that the candidate graph can match everyone even when every mentee's top
    list names the same few popular mentors (many equal scores, skewed wishes).
    """

    dense_limit: int = 2_000_000
    k_mentee: int = 16
    k_mentor: int = 12
    k_spread: int = 4
    gap_target: float = 0.0
    max_rounds: int = 4
    add_per_row: int = 4
    pool_per_row: int = 48  # near-tight pairs kept per mentee between passes
    pool_slack: float = 0.3  # "near-tight": reduced cost above -slack (score units)
    block_rows: int = 128
    threads: int = 2


@dataclass(frozen=True)
class Pair:
    """A matched (or recommended) pair with its score breakdown and reason codes."""

    mentor_id: str
    mentee_id: str
    score: float
    components: Mapping[str, float] = field(hash=False)
    reasons: tuple[str, ...] = ()
    locked: bool = False


@dataclass(frozen=True)
class Unmatched:
    """A mentee left without mentor, with the reason code explaining why."""

    mentee_id: str
    reason: str


@dataclass(frozen=True)
class Result:
    """Outcome of :func:`pairmaker.match`.

    ``upper_bound`` is a proven upper bound on the best achievable total score (at
    maximum coverage in coverage mode); ``gap = upper_bound - total_score >= 0``.
    ``coverage_upper_bound`` bounds the number of mentees any solution can match.
    """

    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    warnings: tuple[tuple[str, str], ...]
    total_score: float
    upper_bound: float
    gap: float
    matched: int
    mentees: int
    mentors: int
    coverage_upper_bound: int
    objective: Objective
    exact: bool  # the gap is zero: the result is proven optimal
    rounds: int  # certificate passes made over all pairs (0 when dense)
    candidate_pairs: int  # pairs handed to the flow solver in the last round

    @property
    def quality(self) -> float:
        """total_score / upper_bound (1.0 when proven optimal)."""
        if self.upper_bound <= 0:
            return 1.0
        return self.total_score / self.upper_bound
