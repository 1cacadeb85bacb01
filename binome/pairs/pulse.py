"""Pulse check-ins and pauses (#18).

Check-ins: 30 days after a pair starts, then every 60 days, each member
answers three short questions (``PulseQuestion``). A round is open from its
due date until the next one; the e-mail goes out once per member and round
with the other reminders (``reminders.select_reminders``, kind « pulse »),
never while the pair is paused. Answers stay with their author; the health
score (``health``) reads them, the managers see its signal only.

Pauses: a member pauses the pair until a date (at most ``MAX_PAUSE_DAYS``
ahead). While paused, no reminder goes out and the cadence clock stops
(``health`` leaves the paused days out); the pair resumes by itself the day
after, as the dates say (no job), or earlier when a member ends the pause.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from binome.accounts.notifications import absolute_url, notify
from binome.programs.models import Enrolment, Programme

from .models import Pair, PairPause, PulseCheckIn, PulseQuestion

FIRST_CHECKIN_DAYS = 30
CHECKIN_EVERY_DAYS = 60
# A pause longer than this is no pause: the pair should change or close.
MAX_PAUSE_DAYS = 183
# An answer counts in the health score for this long (a round and a half).
PULSE_RECENT_DAYS = FIRST_CHECKIN_DAYS + CHECKIN_EVERY_DAYS
# An answer of 1 or 2 out of 5 is a low one.
LOW_ANSWER = 2
QUESTION_KEYS = [key.value for key in PulseQuestion.Key]


# --- Schedule ----------------------------------------------------------------


def due_on(started_on: datetime.date, round: int) -> datetime.date:
    """The day round ``round`` (0, 1, …) opens for a pair started on
    ``started_on``: day 30, then every 60 days."""
    return started_on + datetime.timedelta(
        days=FIRST_CHECKIN_DAYS + CHECKIN_EVERY_DAYS * round
    )


def current_round(started_on: datetime.date, today: datetime.date) -> int | None:
    """The round open on ``today`` (until the next one opens), None before
    the first one."""
    elapsed = (today - started_on).days - FIRST_CHECKIN_DAYS
    if elapsed < 0:
        return None
    return elapsed // CHECKIN_EVERY_DAYS


def due_round(pair: Pair, me: Enrolment, today: datetime.date) -> int | None:
    """The round ``me`` has to answer in this active pair today, if any."""
    if pair.status != Pair.Status.ACTIVE:
        return None
    round = current_round(pair.started_on, today)
    if round is None:
        return None
    answered = PulseCheckIn.objects.filter(pair=pair, author=me, round=round)
    return None if answered.exists() else round


@dataclass(frozen=True)
class DueCheckIn:
    pair: Pair
    member: Enrolment
    round: int


def due_checkins(today: datetime.date) -> list[DueCheckIn]:
    """Every member of an active pair, not paused today, whose check-in of
    the open round is unanswered: whom the periodic job writes to."""
    pairs = (
        Pair.objects.active()
        .filter(started_on__lte=today - datetime.timedelta(days=FIRST_CHECKIN_DAYS))
        .exclude(pk__in=paused_on(today))
        .select_related("mentor__person__user", "mentee__person__user")
    )
    answered = set(
        PulseCheckIn.objects.filter(pair__in=pairs).values_list(
            "pair_id", "author_id", "round"
        )
    )
    due = []
    for pair in pairs:
        round = current_round(pair.started_on, today)
        assert round is not None  # filtered on started_on above
        for member in (pair.mentor, pair.mentee):
            if (pair.pk, member.pk, round) not in answered:
                due.append(DueCheckIn(pair, member, round))
    return due


def questions() -> list[PulseQuestion]:
    """The three questions in their order (the rows HR edits; loaded by
    migration 0007, a missing one is shown with its default wording, not
    written: reading a page never writes)."""
    found = {q.key: q for q in PulseQuestion.objects.all()}
    for key in QUESTION_KEYS:
        if key not in found:
            found[key] = PulseQuestion(key=key, **DEFAULT_QUESTIONS[key])
    return sorted(found.values(), key=lambda q: (q.position, q.pk or 0))


# The defaults, also loaded by migration 0007 (copied there, so that it keeps
# its meaning).
DEFAULT_QUESTIONS: dict[str, dict[str, str | int]] = {
    "useful": {
        "position": 1,
        "text_fr": "Nos séances me sont utiles.",
        "text_en": "Our sessions are useful to me.",
        "low_fr": "Pas du tout",
        "low_en": "Not at all",
        "high_fr": "Tout à fait",
        "high_en": "Very much",
    },
    "rhythm": {
        "position": 2,
        "text_fr": "Notre rythme de séances tient.",
        "text_en": "We keep to our rhythm of sessions.",
        "low_fr": "Pas du tout",
        "low_en": "Not at all",
        "high_fr": "Tout à fait",
        "high_en": "Very much",
    },
    "safety": {
        "position": 3,
        "text_fr": "Je me sens libre de dire ce que je pense.",
        "text_en": "I feel free to say what I think.",
        "junior_text_fr": (
            "Je me sens libre de dire ce que je pense à mon binôme, même "
            "quand je ne suis pas d'accord."
        ),
        "junior_text_en": (
            "I feel free to tell my partner what I think, even when I disagree."
        ),
        "low_fr": "Pas du tout",
        "low_en": "Not at all",
        "high_fr": "Tout à fait",
        "high_en": "Very much",
    },
}


@transaction.atomic
def answer_checkin(
    *,
    pair: Pair,
    author: Enrolment,
    round: int,
    useful: int,
    rhythm: int,
    safety: int,
    comment: str = "",
    share_comment: bool = False,
) -> PulseCheckIn:
    """Record ``author``'s answers to the open round; once per round (a
    second submission is refused, not doubled)."""
    today = timezone.localdate()
    if pair.status != Pair.Status.ACTIVE:
        raise ValidationError(_("This pair is closed."), code="pair_closed")
    if round != current_round(pair.started_on, today):
        raise ValidationError(
            _("This check-in is no longer open. Thank you all the same."),
            code="round_closed",
        )
    try:
        with transaction.atomic():
            return PulseCheckIn.objects.create(
                pair=pair,
                author=author,
                round=round,
                useful=useful,
                rhythm=rhythm,
                safety=safety,
                comment=comment.strip(),
                share_comment=share_comment and bool(comment.strip()),
            )
    except IntegrityError:
        raise ValidationError(
            _("You have already answered this check-in. Thank you."),
            code="already_answered",
        ) from None


def shared_comments(pairs: Iterable[int]) -> dict[int, list[PulseCheckIn]]:
    """The comments their authors chose to share with the managers, by pair."""
    out: dict[int, list[PulseCheckIn]] = {}
    for checkin in PulseCheckIn.objects.filter(
        pair__in=list(pairs), share_comment=True
    ).exclude(comment=""):
        out.setdefault(checkin.pair_id, []).append(checkin)
    return out


# --- Pauses ------------------------------------------------------------------


def paused_on(day: datetime.date) -> set[int]:
    """The ids of the pairs paused on ``day``."""
    return set(PairPause.objects.on(day).values_list("pair_id", flat=True))


def paused_between(first: datetime.date, last: datetime.date) -> set[int]:
    """The ids of the pairs paused on at least one day from ``first`` to
    ``last`` included (their inactivity clock stopped then)."""
    pauses = PairPause.objects.filter(starts_on__lte=last, until__gte=first)
    return {p.pair_id for p in pauses if p.days_between(first, last)}


def current_pause(pair: Pair, today: datetime.date | None = None) -> PairPause | None:
    return PairPause.objects.on(today or timezone.localdate()).filter(pair=pair).first()


def paused_days(pairs: Iterable[Pair], today: datetime.date) -> dict[int, int]:
    """The days each pair was paused from its start to ``today``, for the
    pairs that ever were."""
    started = {p.pk: p.started_on for p in pairs}
    out: dict[int, int] = {}
    for pause in PairPause.objects.filter(pair__in=list(started), starts_on__lte=today):
        days = pause.days_between(started[pause.pair_id], today)
        if days:
            out[pause.pair_id] = out.get(pause.pair_id, 0) + days
    return out


def validate_until(until: datetime.date, today: datetime.date) -> None:
    if until < today:
        raise ValidationError(
            _("Choose today or a later day."), code="past", params={"field": "until"}
        )
    if until > today + datetime.timedelta(days=MAX_PAUSE_DAYS):
        raise ValidationError(
            _(
                "A pause lasts at most six months. For longer, talk to the "
                "programme team."
            ),
            code="too_far",
        )


def _partner(pair: Pair, me: Enrolment) -> Enrolment:
    return pair.mentee if me.pk == pair.mentor_id else pair.mentor


@transaction.atomic
def pause_pair(
    *, pair: Pair, by: Enrolment, until: datetime.date, reason: str = ""
) -> PairPause:
    """Pause the pair from today until ``until`` included; the partner is
    told until when, never why."""
    today = timezone.localdate()
    # One pause at a time, even for two clicks at once.
    locked = Pair.objects.select_for_update().get(pk=pair.pk)
    if locked.status != Pair.Status.ACTIVE:
        raise ValidationError(_("This pair is closed."), code="pair_closed")
    validate_until(until, today)
    if PairPause.objects.on(today).filter(pair=pair).exists():
        raise ValidationError(_("This pair is already paused."), code="already_paused")
    if reason and reason not in PairPause.Reason.values:
        reason = PairPause.Reason.OTHER
    pause = PairPause.objects.create(
        pair=pair, by=by, starts_on=today, until=until, reason=reason
    )
    partner = _partner(pair, by)
    if partner.person.user is not None:
        notify(
            "pair_paused",
            [partner.person.user],
            {
                "name": partner.person.first_name,
                "partner": str(by.person),
                "until": until.isoformat(),
                "url": absolute_url(reverse("pairs:workspace", args=[pair.pk])),
            },
        )
    return pause


@transaction.atomic
def resume_pair(*, pair: Pair, by: Enrolment) -> PairPause | None:
    """End the current pause today (either member may); None if none."""
    today = timezone.localdate()
    Pair.objects.select_for_update().filter(pk=pair.pk).first()
    pause = PairPause.objects.on(today).filter(pair=pair).first()
    if pause is None:
        return None
    pause.ended_on = today
    pause.save(update_fields=["ended_on"])
    return pause


def programme_pauses(
    programme: Programme, today: datetime.date, *, days: int = 90
) -> list[PairPause]:
    """The pauses of a programme's pairs under way or over in the last
    ``days`` days, the latest first, for its managers (dates, never the
    reason); each knows ``is_current``."""
    since = today - datetime.timedelta(days=days)
    pauses = list(
        PairPause.objects.filter(
            pair__mentee__programme=programme, until__gte=since, starts_on__lte=today
        ).select_related("pair__mentor__person", "pair__mentee__person")
    )
    current = {
        p.pk for p in PairPause.objects.on(today).filter(pk__in=[p.pk for p in pauses])
    }
    for pause in pauses:
        pause.is_current = pause.pk in current  # type: ignore[attr-defined]
    return [p for p in pauses if p.days or p.pk in current]


def until_text(pause: PairPause) -> str:
    """« Paused until 12 March 2027 » in the reader's language."""
    return _("Paused until %(date)s") % {
        "date": date_format(pause.until, "DATE_FORMAT")
    }
