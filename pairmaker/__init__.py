"""pairmaker: the pure matching engine of Binôme (no Django, no I/O).

Public API: :func:`match` (certified-optimal b-matching), :func:`recommend`
(shortlist for one mentee), :func:`evaluate_pair` (one pair's score and reasons)
and the dataclasses of :mod:`pairmaker.model`. ``match`` reports its phases to
an optional callback (:class:`Progress`), which may stop it by raising
:class:`Cancelled`.
"""

from pairmaker.model import (
    COMPONENTS,
    Cancelled,
    Candidate,
    EngineInputError,
    Pair,
    Progress,
    Result,
    Rules,
    SolveOptions,
    Unmatched,
    Weights,
)
from pairmaker.scoring import SCALE, evaluate_pair, rule_violations, score_pair
from pairmaker.solve import allowed_pairs, match, recommend

__all__ = [
    "COMPONENTS",
    "SCALE",
    "Cancelled",
    "Candidate",
    "EngineInputError",
    "Pair",
    "Progress",
    "Result",
    "Rules",
    "SolveOptions",
    "Unmatched",
    "Weights",
    "allowed_pairs",
    "evaluate_pair",
    "match",
    "recommend",
    "rule_violations",
    "score_pair",
]
