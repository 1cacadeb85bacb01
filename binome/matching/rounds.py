"""Matching rounds: run the engine in the background, then let the manager
review, lock, forbid, swap and remove pairs before publishing."""

from __future__ import annotations

import dataclasses
import datetime
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.tasks import task
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

import pairmaker
from binome.programs.models import (
    Enrolment,
    PreparationCompletion,
    PreparationStep,
    Programme,
)
from binome.programs.services import coffee_verdicts
from binome.recovery import Heartbeat

from . import adapter as matching
from .models import MatchingRound, PairDecision

logger = logging.getLogger(__name__)


def cohort(programme: Programme) -> list[Enrolment]:
    """Who takes part in matching: accepted enrolments, and mentors who did
    the preparation when the programme requires it."""
    enrolments = list(
        programme.enrolments.filter(status=Enrolment.Status.ACCEPTED).select_related(
            "person"
        )
    )
    if programme.require_preparation:
        prepared = prepared_people([e.person_id for e in enrolments])
        enrolments = [
            e
            for e in enrolments
            if e.role == Enrolment.Role.MENTEE or e.person_id in prepared
        ]
    return enrolments


def prepared_people(person_ids: list[int]) -> set[int]:
    """Who among these people completed every active preparation step (one query)."""
    steps = PreparationStep.objects.filter(is_active=True).count()
    done = (
        PreparationCompletion.objects.filter(
            person_id__in=person_ids, step__is_active=True
        )
        .values("person_id")
        .annotate(n=Count("step", distinct=True))
        .filter(n__gte=steps)
        .values_list("person_id", flat=True)
    )
    return set(done) if steps else set(person_ids)


@transaction.atomic
def start_round(*, programme: Programme, by: Any) -> MatchingRound:
    """Queue a new round; the worker runs it (see run_matching_round)."""
    if programme.status not in (Programme.Status.RECRUITING, Programme.Status.MATCHING):
        raise ValidationError(
            _("Matching runs while the programme recruits or matches volunteers.")
        )
    if programme.matching_rounds.published().exists():
        raise ValidationError(_("The pairs of this programme are already published."))
    if programme.status == Programme.Status.RECRUITING:
        programme.move_to(Programme.Status.MATCHING)
    last = programme.matching_rounds.aggregate(n=Max("number"))["n"] or 0
    round_ = MatchingRound.objects.create(
        programme=programme,
        number=last + 1,
        started_by=by if getattr(by, "is_authenticated", False) else None,
        settings_snapshot={"rules": programme.rules(), "weights": programme.weights()},
    )
    transaction.on_commit(lambda: run_matching_round.enqueue(round_.pk))
    return round_


@dataclass(frozen=True)
class RerunPreview:
    """What starting a round would keep and discard, for its confirmation."""

    closes_recruitment: bool
    kept_locks: list[tuple[str, str]]
    dropped_locks: list[tuple[str, str]]
    removed: list[str]
    previous: MatchingRound | None

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.closes_recruitment or self.dropped_locks or self.removed)


def preview_start(*, programme: Programme) -> RerunPreview:
    """What start_round would do beyond proposing pairs: close recruitment,
    keep the locks (swaps included) whose two people are still in the
    cohort, drop the others, and forget the pairs removed by hand from the
    latest proposal. Writes nothing."""
    present = {e.pk for e in cohort(programme)}
    kept: list[tuple[str, str]] = []
    dropped: list[tuple[str, str]] = []
    for decision in programme.pair_decisions.filter(
        kind=PairDecision.Kind.LOCK
    ).select_related("mentor__person", "mentee__person"):
        names = (decision.mentor.person.full_name, decision.mentee.person.full_name)
        both = {decision.mentor_id, decision.mentee_id} <= present
        (kept if both else dropped).append(names)
    previous = (
        programme.matching_rounds.filter(
            status=MatchingRound.Status.DONE, published_at__isnull=True
        )
        .order_by("-number")
        .first()
    )
    removed_ids = [
        u["mentee"]
        for u in (previous.unmatched if previous else [])
        if u.get("reason") == "removed_by_manager"
    ]
    removed = sorted(
        e.person.full_name
        for e in Enrolment.objects.filter(pk__in=removed_ids).select_related("person")
    )
    return RerunPreview(
        closes_recruitment=programme.status == Programme.Status.RECRUITING,
        kept_locks=sorted(kept),
        dropped_locks=sorted(dropped),
        removed=removed,
        previous=previous,
    )


def _progress(round_: MatchingRound, value: int, **fields: Any) -> int:
    """Record progress while the round is this worker's: nothing is written
    once the round was marked failed (its worker was presumed dead, see
    reap_stale_rounds), so a worker that comes back cannot overwrite it."""
    return MatchingRound.objects.filter(
        pk=round_.pk, status=MatchingRound.Status.RUNNING
    ).update(progress=value, **fields)


STALE_ERROR = gettext_lazy(
    "The calculation was interrupted: the process running it stopped. "
    "You can start the round again."
)


def fail_round(round_id: int, *, now: datetime.datetime | None = None) -> bool:
    """Mark a round that lost its worker failed; False when it had finished."""
    with translation.override(settings.LANGUAGE_CODE):
        error = str(STALE_ERROR)
    return bool(
        MatchingRound.objects.filter(
            pk=round_id,
            status__in=(MatchingRound.Status.QUEUED, MatchingRound.Status.RUNNING),
        ).update(
            status=MatchingRound.Status.FAILED,
            progress=100,
            error=error,
            finished_at=now or timezone.now(),
        )
    )


def reap_stale_rounds(
    *, programme: Programme | None = None, now: datetime.datetime | None = None
) -> list[int]:
    """Mark failed the running rounds without a heartbeat for
    MATCHING_HEARTBEAT_TIMEOUT seconds: their worker died. Returns their ids."""
    now = now or timezone.now()
    limit = now - datetime.timedelta(seconds=settings.MATCHING_HEARTBEAT_TIMEOUT)
    stale = MatchingRound.objects.filter(status=MatchingRound.Status.RUNNING).filter(
        Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit)
    )
    if programme is not None:
        stale = stale.filter(programme=programme)
    reaped = []
    for round_id in stale.values_list("pk", flat=True):
        # The same condition again in the update: a heartbeat written since
        # the query keeps the round running.
        with translation.override(settings.LANGUAGE_CODE):
            error = str(STALE_ERROR)
        if (
            stale.filter(pk=round_id).update(
                status=MatchingRound.Status.FAILED,
                progress=100,
                error=error,
                finished_at=now,
            )
            > 0
        ):
            logger.warning("matching round %s lost its worker: failed", round_id)
            reaped.append(round_id)
    return reaped


def _beat(round_id: int) -> bool:
    return (
        MatchingRound.objects.filter(
            pk=round_id, status=MatchingRound.Status.RUNNING
        ).update(heartbeat_at=timezone.now())
        > 0
    )


@task()
def run_matching_round(round_id: int) -> dict[str, Any]:
    """Build the cohort, run pairmaker, store the explained result.

    The round is claimed (queued → running) in one conditional update, so a
    task delivered twice runs it once; a thread writes its heartbeat while
    the engine runs."""
    claimed = MatchingRound.objects.filter(
        pk=round_id, status=MatchingRound.Status.QUEUED
    ).update(
        status=MatchingRound.Status.RUNNING, progress=5, heartbeat_at=timezone.now()
    )
    if not claimed:
        logger.warning("matching round %s is not queued any more: skipped", round_id)
        return {"status": "skipped"}
    round_ = MatchingRound.objects.select_related("programme").get(pk=round_id)
    heartbeat = Heartbeat(lambda: _beat(round_id)).start()
    try:
        return _run(round_)
    finally:
        heartbeat.stop()


def _run(round_: MatchingRound) -> dict[str, Any]:
    round_id = round_.pk
    programme = round_.programme
    try:
        enrolments = cohort(programme)
        people = matching.candidates(programme, enrolments)
        _progress(round_, 30)
        decisions = list(programme.pair_decisions.all())
        present = {str(e.pk) for e in enrolments}
        locks = {
            str(d.mentee_id): str(d.mentor_id)
            for d in decisions
            if d.kind == PairDecision.Kind.LOCK
            and {str(d.mentee_id), str(d.mentor_id)} <= present
        }
        forbidden = [
            (str(d.mentor_id), str(d.mentee_id))
            for d in decisions
            if d.kind == PairDecision.Kind.FORBID
        ]
        people = [
            dataclasses.replace(c, lock=locks[c.id]) if c.id in locks else c
            for c in people
        ]
        feedback = {
            (str(m), str(e)): v for (m, e), v in coffee_verdicts(programme).items()
        }
        result = pairmaker.match(
            people,
            matching.engine_rules(programme),
            forbidden=forbidden,
            feedback=feedback,  # type: ignore[arg-type]
        )
        _progress(round_, 80)
        payload = serialise(result, enrolments)
    except pairmaker.EngineInputError as error:
        logger.warning("matching round %s refused: %s", round_id, error)
        _progress(
            round_,
            100,
            status=MatchingRound.Status.FAILED,
            error=_("The locked pairs contradict each other: %(problems)s")
            % {"problems": _lock_problems(error.problems)},
            finished_at=timezone.now(),
        )
        return {"status": "failed"}
    except Exception as error:  # the manager must see the failure, not a spinner
        logger.exception("matching round %s failed", round_id)
        _progress(
            round_,
            100,
            status=MatchingRound.Status.FAILED,
            error=str(error),
            finished_at=timezone.now(),
        )
        raise
    if not _progress(
        round_,
        100,
        status=MatchingRound.Status.DONE,
        result=payload,
        finished_at=timezone.now(),
    ):
        logger.warning(
            "matching round %s was failed meanwhile: result dropped", round_id
        )
        return {"status": "dropped"}
    return {"status": "done", "pairs": len(payload["pairs"])}


def _lock_problems(problems: list[tuple[str, str]]) -> str:
    names = {
        str(e.pk): e.person.full_name
        for e in Enrolment.objects.filter(
            pk__in=[int(i) for i, _code in problems if i.isdigit()]
        ).select_related("person")
    }
    texts = {
        "lock_over_capacity": _("more locked mentees than this mentor can take"),
        "lock_conflict": _("locked to two different people"),
    }
    default = _("locked to someone who is not in this round")
    return "; ".join(
        f"{names.get(pid, pid)} ({texts.get(code, default)})" for pid, code in problems
    )


def serialise(result: pairmaker.Result, enrolments: list[Enrolment]) -> dict[str, Any]:
    by_id = {str(e.pk): e for e in enrolments}
    pairs = [
        {
            "mentor": int(p.mentor_id),
            "mentee": int(p.mentee_id),
            "score": round(p.score, 4),
            "components": {k: round(v, 4) for k, v in p.components.items()},
            "reasons": list(p.reasons),
            "locked": p.locked,
        }
        for p in result.pairs
    ]
    unmatched = [
        {"mentee": int(u.mentee_id), "reason": u.reason} for u in result.unmatched
    ]
    mentors_without_mentee = sorted(
        e.pk
        for e in enrolments
        if e.role == Enrolment.Role.MENTOR and e.pk not in {p["mentor"] for p in pairs}
    )
    return {
        "pairs": pairs,
        "unmatched": unmatched,
        "idle_mentors": mentors_without_mentee,
        "warnings": [list(w) for w in result.warnings],
        "engine": {
            "total_score": round(result.total_score, 4),
            "upper_bound": round(result.upper_bound, 4),
            "gap": round(result.gap, 6),
            "exact": result.exact,
            "mentees": result.mentees,
            "mentors": result.mentors,
        },
        "totals": totals(pairs, result.mentees, by_id),
    }


def totals(
    pairs: list[dict[str, Any]], mentees: int, by_id: dict[str, Enrolment]
) -> dict[str, Any]:
    """Match rate, mean score, and the share of pairs across departments and
    across levels, for the review page."""
    n = len(pairs)
    cross_department = cross_level = 0
    for pair in pairs:
        mentor = by_id[str(pair["mentor"])].person
        mentee = by_id[str(pair["mentee"])].person
        cross_department += mentor.department_id != mentee.department_id
        cross_level += mentor.level != mentee.level
    return {
        "pairs": n,
        "mentees": mentees,
        "match_rate": round(n / mentees, 4) if mentees else 0.0,
        "mean_score": round(sum(p["score"] for p in pairs) / n, 4) if n else 0.0,
        "cross_department": round(cross_department / n, 4) if n else 0.0,
        "cross_level": round(cross_level / n, 4) if n else 0.0,
    }


# Manager's edits -------------------------------------------------------------


def check_editable(round_: MatchingRound) -> None:
    if round_.status != MatchingRound.Status.DONE:
        raise ValidationError(_("Wait until the round has finished."))
    if round_.published_at:
        raise ValidationError(_("A published round can no longer change."))


def _save_pairs(
    round_: MatchingRound, pairs: list[dict[str, Any]], unmatched: list[dict[str, Any]]
) -> None:
    enrolments = {
        str(e.pk): e
        for e in Enrolment.objects.filter(
            pk__in=[p["mentor"] for p in pairs] + [p["mentee"] for p in pairs]
        ).select_related("person")
    }
    result = dict(round_.result)
    result["pairs"] = sorted(pairs, key=lambda p: (p["mentor"], p["mentee"]))
    result["unmatched"] = unmatched
    result["totals"] = totals(
        result["pairs"], result.get("engine", {}).get("mentees", 0), enrolments
    )
    result["edited"] = True
    round_.result = result
    round_.save(update_fields=["result"])


@transaction.atomic
def decide_pair(
    *, round_: MatchingRound, mentor_id: int, mentee_id: int, kind: str, by: Any
) -> None:
    """Lock or forbid a pair for every later round. Forbidding also takes the
    pair out of this round's proposal."""
    round_ = MatchingRound.objects.select_for_update().get(pk=round_.pk)
    check_editable(round_)
    programme = round_.programme
    mentor = programme.enrolments.mentors().get(pk=mentor_id)
    mentee = programme.enrolments.mentees().get(pk=mentee_id)
    _decide(programme, mentor.pk, mentee.pk, kind, by)
    pairs = round_.pairs
    unmatched = round_.unmatched
    for pair in pairs:
        if (pair["mentor"], pair["mentee"]) == (mentor.pk, mentee.pk):
            pair["locked"] = kind == PairDecision.Kind.LOCK
    if kind == PairDecision.Kind.FORBID:
        before = len(pairs)
        pairs = [
            p for p in pairs if (p["mentor"], p["mentee"]) != (mentor.pk, mentee.pk)
        ]
        if len(pairs) < before:
            unmatched.append({"mentee": mentee.pk, "reason": "forbidden_by_manager"})
    _save_pairs(round_, pairs, unmatched)


def _decide(
    programme: Programme, mentor_id: int, mentee_id: int, kind: str, by: Any
) -> None:
    """Record a lock or a forbid; a mentee keeps one lock, the latest."""
    if kind == PairDecision.Kind.LOCK:
        PairDecision.objects.filter(
            programme=programme, mentee_id=mentee_id, kind=PairDecision.Kind.LOCK
        ).exclude(mentor_id=mentor_id).delete()
    PairDecision.objects.update_or_create(
        programme=programme,
        mentor_id=mentor_id,
        mentee_id=mentee_id,
        defaults={
            "kind": kind,
            "decided_by": by if getattr(by, "is_authenticated", False) else None,
        },
    )


@transaction.atomic
def undo_decision(*, programme: Programme, mentor_id: int, mentee_id: int) -> None:
    PairDecision.objects.filter(
        programme=programme, mentor_id=mentor_id, mentee_id=mentee_id
    ).delete()


@transaction.atomic
def remove_pair(*, round_: MatchingRound, mentee_id: int) -> None:
    round_ = MatchingRound.objects.select_for_update().get(pk=round_.pk)
    check_editable(round_)
    pairs = [p for p in round_.pairs if p["mentee"] != mentee_id]
    if len(pairs) == len(round_.pairs):
        raise ValidationError(_("This pair is not in the round."))
    unmatched = [
        *round_.unmatched,
        {"mentee": mentee_id, "reason": "removed_by_manager"},
    ]
    _save_pairs(round_, pairs, unmatched)


@transaction.atomic
def swap_mentees(
    *, round_: MatchingRound, mentee_a: int, mentee_b: int, by: Any = None
) -> list[str]:
    """Give each of two mentees the other's mentor. The new pairs are scored
    again; the hard rules they break are returned as warnings, not refused:
    the manager decides. Both new pairs are locked, so that running the
    matching again keeps them (a swap is a manager's decision too)."""
    round_ = MatchingRound.objects.select_for_update().get(pk=round_.pk)
    check_editable(round_)
    pairs = round_.pairs
    try:
        a = next(p for p in pairs if p["mentee"] == mentee_a)
        b = next(p for p in pairs if p["mentee"] == mentee_b)
    except StopIteration:
        raise ValidationError(
            _("Both mentees must have a pair in this round.")
        ) from None
    if a is b:
        raise ValidationError(_("Choose two different mentees."))
    programme = round_.programme
    enrolments = list(
        Enrolment.objects.filter(
            pk__in={a["mentor"], a["mentee"], b["mentor"], b["mentee"]}
        ).select_related("person")
    )
    people = {c.id: c for c in matching.candidates(programme, enrolments)}
    rules = matching.engine_rules(programme)
    chains = _reporting_pairs(people)
    warnings: list[str] = []
    for pair, new_mentor in ((a, b["mentor"]), (b, a["mentor"])):
        mentor, mentee = people[str(new_mentor)], people[str(pair["mentee"])]
        warnings += pairmaker.rule_violations(
            mentor, mentee, rules, reporting_line=(mentor.id, mentee.id) in chains
        )
        scored = pairmaker.score_pair(mentor, mentee, rules)
        pair.update(
            mentor=new_mentor,
            score=round(scored.score, 4),
            components={k: round(v, 4) for k, v in scored.components.items()},
            reasons=list(scored.reasons),
            locked=True,
        )
        _decide(programme, new_mentor, pair["mentee"], PairDecision.Kind.LOCK, by)
    _save_pairs(round_, pairs, round_.unmatched)
    return sorted(set(warnings))


def _reporting_pairs(people: dict[str, pairmaker.Candidate]) -> set[tuple[str, str]]:
    """(mentor id, mentee id) pairs in one reporting line, among these people."""
    out = set()
    for person in people.values():
        node, seen = person.manager_id, {person.id}
        while node is not None and node in people and node not in seen:
            seen.add(node)
            out.add((node, person.id))
            out.add((person.id, node))
            node = people[node].manager_id
    return out


def compare(a: MatchingRound, b: MatchingRound) -> dict[str, Any]:
    """What changed between two rounds of a programme."""
    pairs_a = {(p["mentor"], p["mentee"]) for p in a.pairs}
    pairs_b = {(p["mentor"], p["mentee"]) for p in b.pairs}
    return {
        "kept": sorted(pairs_a & pairs_b),
        "only_a": sorted(pairs_a - pairs_b),
        "only_b": sorted(pairs_b - pairs_a),
        "reasons_a": Counter(u["reason"] for u in a.unmatched),
        "reasons_b": Counter(u["reason"] for u in b.unmatched),
    }
