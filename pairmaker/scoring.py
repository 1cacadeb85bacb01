"""Scoring: candidate pair -> score + reason codes, or None if forbidden.

Two implementations of the same definitions live here:

* :func:`evaluate_pair` is the readable scalar reference (one pair at a time). It
  produces the breakdown and reason codes shown to people, and the tests check
  the fast path against it.
* :class:`Encoded` is the vectorised path used by the solver. The skill-based
  components are written as fixed-point matrix products (exact in float32, so
  every block of the score matrix is bit-for-bit reproducible whatever its
  shape), the other rules as bit masks. Scores are produced block by block; a
  full mentee x mentor matrix is never built at large sizes.

The two agree exactly on the integer weights the solver uses, round(score *
10 000): every term of the score is a multiple of 2**-22 added exactly, and
:func:`pair_weight` (``PairScore.weight``) repeats that arithmetic for one
pair. ``min_score`` and every other decision compare those integers, so they
never depend on which path ran. The float ``PairScore.score`` (shown to
people) may sit on the other side of a half unit: |weight - score * 10 000|
was at most 0.5 + 1e-12 over 40 000 random pairs, so a displayed score can
differ from ``weight / 10 000`` by one unit of the fourth decimal.

Definitions (each component is in [0, 1]):

* complementarity = sum_s p_s * max(0, mentor_s - mentee_s) / (4 * sum_s p_s) over
  the skills ``s`` the mentee wants with priority ``p_s``;
* reciprocity: the same with the roles swapped, on what the mentor wants;
* teaching = mentor teaching grade / 4;
* affinity = |shared interests| / |mentee interests| (the share of what the
  mentee cares about that the mentor shares too);
* availability = min(common slots, target) / target (an empty availability means
  "no constraint": it shares every slot of the other person);
* silo = 1 when the departments differ;
* feedback = 1 (prefer), 0.5 (neutral or none), 0 (avoid); only weighted when
  the cohort has feedback at all.

score = sum(w_c * component_c) / sum(w_c), times (1 - penalty) for a same-department
pair when the department rule is "penalise".
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from pairmaker.model import (
    COMPONENTS,
    MAX_LEVEL,
    Candidate,
    EngineInputError,
    Feedback,
    Rules,
)

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]
Bool = npt.NDArray[np.bool_]

#: Integer weight of a pair for the solver: round(score * SCALE). Integer weights
#: make the LP optimum and its dual bound exactly comparable (gap 0 means optimal).
SCALE = 10_000
FEEDBACK_VALUE: Mapping[str, float] = {"prefer": 1.0, "neutral": 0.5, "avoid": 0.0}
NEUTRAL_FEEDBACK = 0.5
ALL_SLOTS = 64  # both availabilities empty: "every slot", more than any threshold

#: Hard rules in the order used to explain an unmatched mentee: the first rule
#: that leaves no mentor is the reason. (pair violation code, unmatched code)
RULE_ORDER: tuple[tuple[str, str], ...] = (
    ("self", "no_mentor"),  # the only mentors are the mentee themselves
    ("language", "lang_none"),
    ("format", "format_none"),
    ("slots", "slots_none"),
    ("seniority", "seniority_none"),
    ("department", "department_none"),
    ("reporting_line", "reporting_line"),
    ("avoid", "avoided"),
    ("min_score", "score_below_min"),
)


def min_weight(rules: Rules) -> int:
    """The ``min_score`` rule on integer weights: weight >= this (ties pass)."""
    return round(rules.min_score * SCALE) if rules.min_score > 0 else 0


@dataclass(frozen=True)
class PairScore:
    """Score of one pair, its components and the reason codes that explain it."""

    score: float
    components: dict[str, float]
    reasons: tuple[str, ...]
    #: The solver's integer weight, equal to :class:`Encoded`'s bit for bit
    #: (``score * SCALE`` rounded the kernel's way: see :func:`pair_weight`).
    weight: int = 0


def reporting_chains(people: Iterable[Candidate]) -> dict[str, frozenset[str]]:
    """Map each id to the ids of its managers' candidates, up the chain.

    The chain runs between persons (:attr:`Candidate.who`): a ``manager_id``
    names a candidate (its person is the manager) or else a person, and every
    candidate of a manager is in the set, whichever enrolment the chain passes
    through. Cycle-safe, O(n * depth). Example: a->b->c gives {"a": {"b", "c"},
    "b": {"c"}, "c": {}}.
    """
    people = list(people)
    who = {p.id: p.person or p.id for p in people}
    ids_of: dict[str, list[str]] = {}
    bosses: dict[str, set[str]] = {}
    for p in people:
        me = who[p.id]
        ids_of.setdefault(me, []).append(p.id)
        if p.manager_id:
            bosses.setdefault(me, set()).add(who.get(p.manager_id, p.manager_id))
    empty: frozenset[str] = frozenset()
    above: dict[str, frozenset[str]] = {}
    for person in ids_of:
        todo = list(bosses.get(person, ()))
        if not todo:
            above[person] = empty
            continue
        seen: set[str] = set()
        while todo:
            cur = todo.pop()
            if cur in seen or cur == person:
                continue
            seen.add(cur)
            todo.extend(bosses.get(cur, ()))
        out: list[str] = []
        for boss in seen:
            out += ids_of.get(boss, ())
        above[person] = frozenset(out)
    return {pid: above[me] for pid, me in who.items()}


def in_reporting_line(a: str, b: str, chains: Mapping[str, frozenset[str]]) -> bool:
    """True when one of ``a``/``b`` manages the other, directly or up the chain."""
    return a in chains.get(b, frozenset()) or b in chains.get(a, frozenset())


def format_ok(mentor: Candidate, mentee: Candidate) -> bool:
    """Both accept remote, or both accept on-site and share a (known) site."""
    both = {"remote", "onsite"}
    fa = mentor.formats or both
    fb = mentee.formats or both
    if "remote" in fa and "remote" in fb:
        return True
    return (
        "onsite" in fa
        and "onsite" in fb
        and bool(mentor.site)
        and mentor.site == mentee.site
    )


def common_slots(mentor: Candidate, mentee: Candidate) -> int:
    """Number of shared weekly slots; an empty availability shares all of them."""
    if not mentor.availability and not mentee.availability:
        return ALL_SLOTS
    if not mentor.availability:
        return len(mentee.availability)
    if not mentee.availability:
        return len(mentor.availability)
    return len(mentor.availability & mentee.availability)


def rule_violations(
    mentor: Candidate,
    mentee: Candidate,
    rules: Rules,
    *,
    reporting_line: bool,
    forbidden: bool = False,
) -> tuple[str, ...]:
    """Codes of the hard rules (except capacity and min_score) the pair breaks.

    ``reporting_line`` and ``forbidden`` (a pair the manager forbade) come from
    the cohort. O(size of the lists). Example: two people with no common language
    give ``("language", ...)``.
    """
    out: list[str] = []
    if mentor.who == mentee.who:
        out.append("self")  # one person in both roles: never, whatever the rules
    if rules.require_common_language and not (mentor.languages & mentee.languages):
        out.append("language")
    if rules.require_format and not format_ok(mentor, mentee):
        out.append("format")
    if common_slots(mentor, mentee) < rules.min_common_slots:
        out.append("slots")
    if rules.seniority == "strict" and not mentor.level < mentee.level:
        out.append("seniority")
    if rules.seniority == "relaxed" and not mentor.level <= mentee.level:
        out.append("seniority")
    if rules.same_department == "forbid" and mentor.department == mentee.department:
        out.append("department")
    if rules.forbid_reporting_line and reporting_line:
        out.append("reporting_line")
    if forbidden or (
        rules.respect_avoid and (mentee.id in mentor.avoid or mentor.id in mentee.avoid)
    ):
        out.append("avoid")
    return tuple(out)


def _gain(teacher: Mapping[str, int], learner: Candidate) -> float:
    total = sum(learner.wants.values())
    if total <= 0:
        return 0.0
    acc = 0
    for skill, prio in learner.wants.items():
        have = min(teacher.get(skill, 0), MAX_LEVEL)
        acc += prio * max(0, have - learner.skills.get(skill, 0))
    return acc / (MAX_LEVEL * total)


def score_pair(
    mentor: Candidate,
    mentee: Candidate,
    rules: Rules,
    *,
    feedback: Feedback | None = None,
    use_feedback: bool = False,
) -> PairScore:
    """Score of a pair ignoring the hard rules. O(skills + interests + slots)."""
    comp = {
        "complementarity": _gain(mentor.skills, mentee),
        "reciprocity": _gain(mentee.skills, mentor),
        "teaching": min(max(mentor.teaching, 0), MAX_LEVEL) / MAX_LEVEL,
        "affinity": 0.0,
        "availability": 0.0,
        "silo": 1.0 if mentor.department != mentee.department else 0.0,
        "feedback": FEEDBACK_VALUE[feedback] if feedback else NEUTRAL_FEEDBACK,
    }
    if mentee.interests:
        shared = len(mentor.interests & mentee.interests)
        comp["affinity"] = shared / len(mentee.interests)
    target = max(rules.availability_target, 1)
    comp["availability"] = min(common_slots(mentor, mentee), target) / target
    weights = rules.weights.as_dict()
    if not use_feedback:
        weights["feedback"] = 0.0
    total_w = sum(weights.values())
    score = 0.0
    if total_w > 0:
        score = sum(weights[c] * comp[c] for c in COMPONENTS) / total_w
    same_dept = mentor.department == mentee.department
    if same_dept and rules.same_department == "penalise":
        score *= 1.0 - rules.same_department_penalty
    if not use_feedback:
        del comp["feedback"]
    reasons = _reasons(mentor, mentee, comp, rules, feedback)
    weight = pair_weight(mentor, mentee, rules, feedback, use_feedback)
    return PairScore(score, comp, reasons, weight)


def _units(x: float) -> int:
    """``x`` on the kernel's fixed-point grid, in units of 2**-22 (see _fix)."""
    return int(np.round(x * _FIX))


def pair_weight(
    mentor: Candidate,
    mentee: Candidate,
    rules: Rules,
    feedback: Feedback | None = None,
    use_feedback: bool = False,
) -> int:
    """The integer weight round(score * SCALE) exactly as :class:`Encoded` has it.

    The kernel rounds each factor of the score to a multiple of 2**-22 and adds
    them exactly; the same-department penalty and the scaling are float32
    products. This scalar copy of that arithmetic makes the reference and the
    kernel agree bit for bit, so that no decision (min_score, the solver's
    optimum) depends on which one ran. It is ``score * SCALE`` rounded, but
    for ties and near-ties, which the fixed-point factors may tip to the other
    integer (4 % of 40 000 random pairs: mostly exact half units).
    """
    w = rules.weights.as_dict()
    if not use_feedback:
        w["feedback"] = 0.0
    total_w = sum(w.values())
    wn = {k: (v / total_w if total_w > 0 else 0.0) for k, v in w.items()}
    units = 0
    tot = sum(mentee.wants.values())
    for skill, prio in mentee.wants.items():
        lvl = mentee.skills.get(skill, 0)
        if lvl < MAX_LEVEL and prio > 0:
            have = min(mentor.skills.get(skill, 0), MAX_LEVEL)
            step = _units(prio * wn["complementarity"] / (MAX_LEVEL * tot))
            units += step * max(0, have - max(lvl, 0))
    tot = sum(mentor.wants.values())
    for skill, prio in mentor.wants.items():
        lv = mentor.skills.get(skill, 0)
        have = min(mentee.skills.get(skill, 0), MAX_LEVEL)
        step = _units(prio * wn["reciprocity"] / (MAX_LEVEL * tot))
        units += step * max(0, max(have, 0) - max(lv, 0))
    if mentee.interests:
        shared = len(mentor.interests & mentee.interests)
        units += _units(wn["affinity"] / len(mentee.interests)) * shared
    if mentor.department == mentee.department:
        units += _units(-wn["silo"])
    units += _units(
        wn["teaching"] * min(max(mentor.teaching, 0), MAX_LEVEL) / MAX_LEVEL
        + wn["feedback"] * NEUTRAL_FEEDBACK
        + wn["silo"]
    )
    target = max(rules.availability_target, 1)
    if wn["availability"] > 0:
        step = _units(wn["availability"] / target)
        units += step * min(common_slots(mentor, mentee), target)
    if use_feedback and feedback:
        units += _units(wn["feedback"] * (FEEDBACK_VALUE[feedback] - NEUTRAL_FEEDBACK))
    s = np.float32(units / _FIX)
    if rules.same_department == "penalise":
        same = mentor.department == mentee.department
        factor = np.float32(same) * -np.float32(rules.same_department_penalty)
        s = s * (factor + np.float32(1))
    return int(np.rint(s * np.float32(SCALE)))


def _reasons(
    mentor: Candidate,
    mentee: Candidate,
    comp: Mapping[str, float],
    rules: Rules,
    feedback: Feedback | None,
) -> tuple[str, ...]:
    r: list[str] = []
    if comp["complementarity"] >= 0.5:
        r.append("complementarity_high")
    elif comp["complementarity"] > 0:
        r.append("complementarity_some")
    if comp["reciprocity"] >= 0.5:
        r.append("reciprocity_high")
    if comp["teaching"] >= 0.75:
        r.append("teaching_high")
    if comp["affinity"] > 0:
        r.append("affinity_shared")
    if comp["availability"] >= 1.0:
        r.append("availability_good")
    elif comp["availability"] > 0:
        r.append("availability_partial")
    if comp["silo"] > 0:
        r.append("silo_crossing")
    elif rules.same_department == "penalise":
        r.append("same_department_penalised")
    if feedback == "prefer":
        r.append("feedback_prefer")
    elif feedback == "avoid":
        r.append("feedback_avoid")
    if not mentor.availability or not mentee.availability:
        r.append("availability_unset")
    if not mentor.formats or not mentee.formats:
        r.append("formats_unset")
    return tuple(r)


def evaluate_pair(
    mentor: Candidate,
    mentee: Candidate,
    rules: Rules,
    *,
    reporting_line: bool = False,
    forbidden: bool = False,
    feedback: Feedback | None = None,
    use_feedback: bool = False,
) -> PairScore | None:
    """Score and reason codes of an allowed pair, or None if a hard rule forbids it.

    Example: ``evaluate_pair(mentor, mentee, Rules())`` is None when they share no
    language. O(skills + interests + slots).
    """
    if rule_violations(
        mentor, mentee, rules, reporting_line=reporting_line, forbidden=forbidden
    ):
        return None
    ps = score_pair(mentor, mentee, rules, feedback=feedback, use_feedback=use_feedback)
    if ps.weight < min_weight(rules):
        return None
    return ps


# --------------------------------------------------------------------------
# Vectorised path
# --------------------------------------------------------------------------

# Fixed point for the matrix products: every factor is a multiple of 2**-22 (or an
# integer), every partial sum is below 2 in magnitude, so every sum is exact in
# float32 whatever order BLAS adds in. A block's scores therefore never depend on
# the block's shape or on threading.
_FIX = float(2**22)


def _fix(x: npt.ArrayLike) -> F32:
    return (np.round(np.asarray(x, dtype=np.float64) * _FIX) / _FIX).astype(np.float32)


def _mask_dtype(bits: int) -> type[np.unsignedinteger[npt.NBitBase]]:
    for dt, size in ((np.uint8, 8), (np.uint16, 16), (np.uint32, 32)):
        if bits <= size:
            return dt  # type: ignore[return-value]
    return np.uint64  # type: ignore[return-value]


def _vocab(kind: str, items: Iterable[frozenset[str]], limit: int) -> dict[str, int]:
    vocab = sorted({v for vs in items for v in vs})
    if len(vocab) > limit:
        raise EngineInputError([("*", f"too_many_{kind}")])
    return {v: i for i, v in enumerate(vocab)}


def _bits(
    values: Sequence[frozenset[str]], vocab: Mapping[str, int], dtype: type
) -> npt.NDArray[np.unsignedinteger[npt.NBitBase]]:
    out = np.zeros(len(values), dtype=np.uint64)
    for i, vs in enumerate(values):
        acc = 0
        for v in vs:
            acc |= 1 << vocab[v]
        out[i] = acc
    return out.astype(dtype)


class _Work(threading.local):
    """Per-thread scratch buffers, so that scoring a block allocates little."""

    size = 0
    f: F32
    cnt: U8
    ok: Bool
    tmp: Bool


class Encoded:
    """Mentees (rows) and mentors (columns) encoded for fast block scoring.

    Internal order: both sides sorted by (level, id), so that the seniority rule
    keeps a prefix of the mentors for each block of mentees, and so that results
    do not depend on the input order. Building it is O((n + m) * attributes).
    """

    CHUNK = 4096

    def __init__(
        self,
        mentees: Sequence[Candidate],
        mentors: Sequence[Candidate],
        rules: Rules,
        *,
        forbidden: Iterable[tuple[str, str]] = (),
        feedback: Mapping[tuple[str, str], Feedback] | None = None,
        chains: Mapping[str, frozenset[str]] | None = None,
    ) -> None:
        self.rules = rules
        self.mentees = sorted(mentees, key=lambda p: (p.level, p.id))
        self.mentors = sorted(mentors, key=lambda p: (p.level, p.id))
        E, M = self.mentees, self.mentors
        self.n, self.m = len(E), len(M)
        self.row_of = {p.id: i for i, p in enumerate(E)}
        self.col_of = {p.id: j for j, p in enumerate(M)}
        everyone = [*E, *M]
        self._work = _Work()

        lang = _vocab("languages", (p.languages for p in everyone), 64)
        dt = _mask_dtype(len(lang))
        self.e_lang = _bits([p.languages for p in E], lang, dt)
        self.m_lang = _bits([p.languages for p in M], lang, dt)

        slots = _vocab("slots", (p.availability for p in everyone), 64)
        self.target = max(rules.availability_target, 1)
        dt = _mask_dtype(max(len(slots), self.target, rules.min_common_slots, 1))
        self.e_slots = _bits([p.availability for p in E], slots, dt)
        self.m_slots = _bits([p.availability for p in M], slots, dt)
        full = np.iinfo(dt).max
        self.e_slots[self.e_slots == 0] = full  # empty: no constraint
        self.m_slots[self.m_slots == 0] = full

        # Format key: bit 0 "accepts remote", bit 1 + s "accepts on-site at site s".
        # Two people are compatible when their keys share a bit.
        sites = _vocab("sites", (frozenset({p.site}) - {""} for p in everyone), 63)

        def key(p: Candidate) -> int:
            f = p.formats or frozenset({"remote", "onsite"})
            k = 1 if "remote" in f else 0
            if "onsite" in f and p.site:
                k |= 1 << (1 + sites[p.site])
            return k

        dt = _mask_dtype(len(sites) + 1)
        self.e_fmt = np.array([key(p) for p in E], dtype=np.uint64).astype(dt)
        self.m_fmt = np.array([key(p) for p in M], dtype=np.uint64).astype(dt)
        self.e_level = np.array([p.level for p in E], dtype=np.int64)
        self.m_level = np.array([p.level for p in M], dtype=np.int64)
        depts = {d: i for i, d in enumerate(sorted({p.department for p in everyone}))}
        self.e_dept = np.array([depts[p.department] for p in E], dtype=np.int32)
        self.m_dept = np.array([depts[p.department] for p in M], dtype=np.int32)

        w = rules.weights.as_dict()
        feedback = dict(feedback or {})
        self.use_feedback = bool(feedback)
        if not self.use_feedback:
            w["feedback"] = 0.0
        total_w = sum(w.values())
        wn = {k: (v / total_w if total_w > 0 else 0.0) for k, v in w.items()}

        # Complementarity: sparse mentee rows (skill, own level) -> priority times
        # normalised weight, times a mentor table gain[(skill, lvl), j] =
        # max(0, mentor level - lvl) (small integers).
        e_skills = sorted({s for p in E for s in p.wants})
        ks = {s: i for i, s in enumerate(e_skills)}
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for i, p in enumerate(E):
            tot = sum(p.wants.values())
            for s, prio in p.wants.items():
                lvl = p.skills.get(s, 0)
                if lvl < MAX_LEVEL and prio > 0:
                    rows.append(i)
                    cols.append(ks[s] * MAX_LEVEL + max(lvl, 0))
                    vals.append(prio * wn["complementarity"] / (MAX_LEVEL * tot))
        kc = max(1, len(e_skills) * MAX_LEVEL)
        self.comp_e = sp.csr_array(
            (_fix(vals), (np.array(rows, dtype=np.int64), np.array(cols, np.int64))),
            shape=(self.n, kc),
        )
        gain = np.zeros((kc, self.m), dtype=np.float32)
        for j, p in enumerate(M):
            for s, lv in p.skills.items():
                k = ks.get(s)
                if k is None:
                    continue
                lv = min(lv, MAX_LEVEL)
                for base in range(max(lv, 0)):
                    gain[k * MAX_LEVEL + base, j] = lv - base

        # Dense fixed-point product for everything else that is bilinear:
        #   reciprocity: [mentee level >= t] x priority * [mentor level < t] / norm
        #   affinity:    interest / |mentee interests| x interest
        #   silo:        department one-hot x -w_silo (plus w_silo in the constant)
        #   constant:    1 x (teaching + neutral feedback + w_silo)
        m_skills = sorted({s for p in M for s in p.wants})
        kr_map = {s: i for i, s in enumerate(m_skills)}
        kr = len(m_skills) * MAX_LEVEL
        shared_int = sorted(
            {x for p in E for x in p.interests} & {x for p in M for x in p.interests}
        )
        ki = {x: i for i, x in enumerate(shared_int)}
        nd = len(depts)
        kd = kr + len(ki) + nd + 1
        de = np.zeros((self.n, kd), dtype=np.float64)
        dm = np.zeros((kd, self.m), dtype=np.float64)
        for i, p in enumerate(E):
            for s, k in kr_map.items():
                lv = min(p.skills.get(s, 0), MAX_LEVEL)
                de[i, k * MAX_LEVEL : k * MAX_LEVEL + max(lv, 0)] = 1.0
            if p.interests:
                share = wn["affinity"] / len(p.interests)
                for x in p.interests:
                    if x in ki:
                        de[i, kr + ki[x]] = share
            de[i, kr + len(ki) + self.e_dept[i]] = 1.0
            de[i, kd - 1] = 1.0
        for j, p in enumerate(M):
            tot = sum(p.wants.values())
            for s, prio in p.wants.items():
                lv = p.skills.get(s, 0)
                for t in range(max(lv, 0), MAX_LEVEL):
                    dm[kr_map[s] * MAX_LEVEL + t, j] = (
                        prio * wn["reciprocity"] / (MAX_LEVEL * tot)
                    )
            for x in p.interests:
                if x in ki:
                    dm[kr + ki[x], j] = 1.0
            dm[kr + len(ki) + self.m_dept[j], j] = -wn["silo"]
            dm[kd - 1, j] = (
                wn["teaching"] * min(max(p.teaching, 0), MAX_LEVEL) / MAX_LEVEL
                + wn["feedback"] * NEUTRAL_FEEDBACK
                + wn["silo"]
            )
        self.dense_e = _fix(de)
        # On the fixed-point grid too, so that the sum stays exact.
        self.w_av = _fix(wn["availability"] / self.target)[()]
        self.pen = np.float32(rules.same_department_penalty)

        # Mentor-side tables, cut into contiguous column chunks once.
        c = self.CHUNK
        self.chunks = [(c0, min(c0 + c, self.m)) for c0 in range(0, self.m, c)]
        self.gain_chunks = [np.ascontiguousarray(gain[:, a:b]) for a, b in self.chunks]
        dmf = _fix(dm)
        self.dense_chunks = [np.ascontiguousarray(dmf[:, a:b]) for a, b in self.chunks]

        # Sparse forbidden pairs (reporting line, avoid lists, manager's list) as
        # sorted keys row * m + col, and sparse feedback deltas.
        keys: set[int] = set()
        self.chains = chains if chains is not None else reporting_chains(everyone)
        # One person in both roles is never their own mentor.
        cols_of: dict[str, list[int]] = {}
        for j, p in enumerate(M):
            cols_of.setdefault(p.who, []).append(j)
        for i, p in enumerate(E):
            for own in cols_of.get(p.who, ()):
                keys.add(i * self.m + own)
        if rules.forbid_reporting_line:
            for i, p in enumerate(E):
                for a in self.chains.get(p.id, frozenset()):
                    col = self.col_of.get(a)
                    if col is not None:
                        keys.add(i * self.m + col)
            for j, p in enumerate(M):
                for a in self.chains.get(p.id, frozenset()):
                    row = self.row_of.get(a)
                    if row is not None:
                        keys.add(row * self.m + j)
        pairs = list(forbidden)
        if rules.respect_avoid:
            pairs += [(p.id, a) for p in M for a in p.avoid]
            pairs += [(a, p.id) for p in E for a in p.avoid]
        for x, y in pairs:
            if x in self.col_of and y in self.row_of:
                keys.add(self.row_of[y] * self.m + self.col_of[x])
        self.forbidden_keys = np.array(sorted(keys), dtype=np.int64)
        fb = {
            self.row_of[e] * self.m + self.col_of[mt]: v
            for (mt, e), v in feedback.items()
            if mt in self.col_of and e in self.row_of
        }
        fb_keys = sorted(fb)
        self.fb_keys = np.array(fb_keys, dtype=np.int64)
        self.fb_delta = _fix(
            np.array(
                [
                    wn["feedback"] * (FEEDBACK_VALUE[fb[k]] - NEUTRAL_FEEDBACK)
                    for k in fb_keys
                ],
                dtype=np.float64,
            )
        )
        self.feedback = feedback

    # -- prefix of mentors allowed by the seniority rule ----------------------
    def col_limit(self, r0: int, r1: int) -> int:
        """Mentors [0, limit) can pass the seniority rule for mentees r0..r1."""
        if self.n == 0 or r1 <= r0:
            return 0
        top = int(self.e_level[r1 - 1])
        if self.rules.seniority == "strict":
            return int(np.searchsorted(self.m_level, top, side="left"))
        if self.rules.seniority == "relaxed":
            return int(np.searchsorted(self.m_level, top, side="right"))
        return self.m

    def _buffers(self, size: int) -> _Work:
        wk = self._work
        if wk.size < size:
            wk.size = size
            wk.f = np.empty(size, dtype=np.float32)
            wk.cnt = np.empty(size, dtype=np.uint8)
            wk.ok = np.empty(size, dtype=bool)
            wk.tmp = np.empty(size, dtype=bool)
        return wk

    def block(self, r0: int, r1: int, q: int, c1: int | None = None) -> F32:
        """Integer weights round(score * SCALE) of rows r0:r1 x chunk q.

        Forbidden pairs are -inf. Columns are chunk q, cut at ``c1`` if given.
        Reproducible bit for bit (fixed-point products, element-wise rest). Cost:
        about 5 ns per pair on one core; memory O(rows * CHUNK).
        """
        c0, ce = self.chunks[q]
        if c1 is not None:
            ce = min(ce, c1)
        w = ce - c0
        return self._kernel(
            slice(r0, r1),
            self.dense_chunks[q][:, :w],
            self.gain_chunks[q][:, :w],
            slice(c0, ce),
            None,
        )

    def columns(self, r0: int, r1: int, cols: I64) -> F32:
        """Like :meth:`block` for rows r0:r1 and any sorted mentor columns.

        Same values bit for bit (the products are exact). Used to re-price a few
        columns across all rows without a full pass.
        """
        full: tuple[F32, F32] | None = getattr(self, "_full", None)
        if full is None:
            # One assignment, so that another thread sees both arrays or none.
            full = (
                np.concatenate(self.dense_chunks, axis=1),
                np.concatenate(self.gain_chunks, axis=1),
            )
            self._full = full
        return self._kernel(
            slice(r0, r1),
            np.ascontiguousarray(full[0][:, cols]),
            np.ascontiguousarray(full[1][:, cols]),
            cols,
            cols,
        )

    def rows_block(self, rows: I64, q: int, c1: int | None = None) -> F32:
        """Like :meth:`block` for any sorted mentee rows (same values bit for
        bit): scores a few scattered rows in one call instead of one by one."""
        c0, ce = self.chunks[q]
        if c1 is not None:
            ce = min(ce, c1)
        w = ce - c0
        return self._kernel(
            np.asarray(rows, dtype=np.int64),
            self.dense_chunks[q][:, :w],
            self.gain_chunks[q][:, :w],
            slice(c0, ce),
            None,
        )

    def _kernel(
        self,
        rs: slice | I64,
        dense_m: F32,
        gain_m: F32,
        cs: slice | I64,
        cols: I64 | None,
    ) -> F32:
        rules = self.rules
        b = rs.stop - rs.start if isinstance(rs, slice) else rs.size
        w = dense_m.shape[1]
        wk = self._buffers(b * w)
        f = wk.f[: b * w].reshape(b, w)
        cnt = wk.cnt[: b * w].reshape(b, w)
        ok = wk.ok[: b * w].reshape(b, w)
        tmp = wk.tmp[: b * w].reshape(b, w)

        s: F32 = np.matmul(self.dense_e[rs], dense_m)
        s += self.comp_e[rs] @ gain_m
        common = self.e_slots[rs][:, None] & self.m_slots[None, cs]
        np.bitwise_count(common, out=cnt)
        np.greater_equal(cnt, np.uint8(rules.min_common_slots), out=ok)
        if self.w_av > 0:
            np.copyto(f, cnt, casting="unsafe")
            np.minimum(f, np.float32(self.target), out=f)
            f *= self.w_av
            s += f
        if self.fb_keys.size:
            self._scatter(self.fb_keys, s, rs, cs, cols, self.fb_delta)
        if rules.same_department != "allow":
            np.equal(self.e_dept[rs][:, None], self.m_dept[None, cs], out=tmp)
            if rules.same_department == "penalise":
                np.multiply(tmp, -self.pen, out=f)
                f += np.float32(1)
                s *= f
            else:
                np.logical_not(tmp, out=tmp)
                ok &= tmp
        if rules.require_common_language:
            np.not_equal(self.e_lang[rs][:, None] & self.m_lang[None, cs], 0, out=tmp)
            ok &= tmp
        if rules.require_format:
            np.not_equal(self.e_fmt[rs][:, None] & self.m_fmt[None, cs], 0, out=tmp)
            ok &= tmp
        if rules.seniority == "strict":
            np.less(self.m_level[None, cs], self.e_level[rs][:, None], out=tmp)
            ok &= tmp
        elif rules.seniority == "relaxed":
            np.less_equal(self.m_level[None, cs], self.e_level[rs][:, None], out=tmp)
            ok &= tmp
        s *= np.float32(SCALE)
        np.rint(s, out=s)
        if rules.min_score > 0:
            np.greater_equal(s, np.float32(min_weight(rules)), out=tmp)
            ok &= tmp
        # -inf where not ok, without a (slow) masked store: not_ok / ok is +inf
        # there and 0 elsewhere.
        np.logical_not(ok, out=tmp)
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(tmp, ok, out=f, dtype=np.float32)
        s -= f
        if self.forbidden_keys.size:
            self._scatter(self.forbidden_keys, s, rs, cs, cols, None)
        return s

    def _scatter(
        self,
        keys: I64,
        s: F32,
        rs: slice | I64,
        cs: slice | I64,
        cols: I64 | None,
        vals: F32 | None,
    ) -> None:
        m = self.m
        if isinstance(rs, slice):
            r0, r1 = int(rs.start), int(rs.stop)
            lo, hi = np.searchsorted(keys, [r0 * m, r1 * m])
            if lo == hi:
                return
            idx = np.arange(lo, hi)
            ii, jj = np.divmod(keys[lo:hi], m)
            ii -= r0
        else:
            # Scattered rows: the key range of each row, one after the other.
            los = np.searchsorted(keys, rs * m)
            his = np.searchsorted(keys, (rs + 1) * m)
            counts = his - los
            if not counts.any():
                return
            first = np.repeat(los - np.r_[0, np.cumsum(counts)[:-1]], counts)
            idx = first + np.arange(int(counts.sum()))
            jj = keys[idx] % m
            ii = np.repeat(np.arange(rs.size), counts)
        if cols is None:
            assert isinstance(cs, slice)
            c0, c1 = int(cs.start), int(cs.stop)
            sel = (jj >= c0) & (jj < c1)
            pos = jj - c0
        else:
            pos = np.searchsorted(cols, jj)
            pos = np.minimum(pos, max(cols.size - 1, 0))
            sel = cols[pos] == jj if cols.size else np.zeros(jj.size, dtype=bool)
        if vals is None:
            s[ii[sel], pos[sel]] = -np.inf
        else:
            s[ii[sel], pos[sel]] += vals[idx][sel]

    def row(self, i: int) -> F32:
        """Integer weights of mentee row ``i`` against every mentor (-inf forbidden)."""
        parts = [self.block(i, i + 1, q)[0] for q in range(len(self.chunks))]
        if not parts:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(parts)

    def dense(self) -> F32:
        """The whole weight matrix (small cohorts and tests only)."""
        out = np.full((self.n, self.m), -np.inf, dtype=np.float32)
        for q, (c0, c1) in enumerate(self.chunks):
            for r0 in range(0, self.n, 256):
                r1 = min(r0 + 256, self.n)
                out[r0:r1, c0:c1] = self.block(r0, r1, q)
        return out

    def rule_masks(self, i: int) -> dict[str, Bool]:
        """Per-rule pass masks of mentee row ``i`` against all mentors (diagnosis)."""
        rules = self.rules
        m = self.m
        yes = np.ones(m, dtype=bool)
        masks: dict[str, Bool] = {}
        masks["language"] = (
            (self.e_lang[i] & self.m_lang) != 0
            if rules.require_common_language
            else yes
        )
        masks["format"] = (
            (self.e_fmt[i] & self.m_fmt) != 0 if rules.require_format else yes
        )
        masks["slots"] = (
            np.bitwise_count(self.e_slots[i] & self.m_slots) >= rules.min_common_slots
        )
        if rules.seniority == "strict":
            masks["seniority"] = self.m_level < self.e_level[i]
        elif rules.seniority == "relaxed":
            masks["seniority"] = self.m_level <= self.e_level[i]
        else:
            masks["seniority"] = yes
        masks["department"] = (
            self.m_dept != self.e_dept[i] if rules.same_department == "forbid" else yes
        )
        # Self, reporting line and avoid share the sparse key list; split them.
        me = np.ones(m, dtype=bool)
        rl = np.ones(m, dtype=bool)
        av = np.ones(m, dtype=bool)
        lo, hi = np.searchsorted(self.forbidden_keys, [i * m, (i + 1) * m])
        for key in self.forbidden_keys[lo:hi]:
            j = int(key) - i * m
            mentor = self.mentors[j]
            if mentor.who == self.mentees[i].who:
                me[j] = False
            elif rules.forbid_reporting_line and in_reporting_line(
                mentor.id, self.mentees[i].id, self.chains
            ):
                rl[j] = False
            else:
                av[j] = False
        masks["self"] = me
        masks["reporting_line"] = rl
        masks["avoid"] = av
        if rules.min_score > 0:
            hard = np.logical_and.reduce([masks[k] for k in masks])
            masks["min_score"] = np.isfinite(self.row(i)) | ~hard
        else:
            masks["min_score"] = yes
        return masks
