"""Publishing a matching round: the proposed pairs become real pairs.

It lives in ``pairs`` because it creates pairs; ``programs`` (below) only
prepares the round.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binome.accounts import audit
from binome.accounts.models import AuditEvent
from binome.accounts.notifications import absolute_url, notify
from binome.matching.models import MatchingRound
from binome.people.models import Person
from binome.programs.models import Enrolment, Programme

from .models import Pair

ALREADY_PAIRED = gettext_lazy(
    "Some mentees already have an active pair: run the matching again."
)


@dataclass(frozen=True)
class PublicationPreview:
    """What publishing a round would do, for the confirmation page: the
    pairs, who is e-mailed, who is not (no account), and why it would be
    refused. Nothing is written to build it."""

    pairs: list[tuple[Enrolment, Enrolment]]
    told: list[Person]  # each person once
    not_told: list[Person]
    refusals: list[str]
    starts_programme: bool
    emails: int = 0  # one per pair and member: a mentor of two gets two

    @property
    def can_publish(self) -> bool:
        return not self.refusals


def _check(round_: MatchingRound) -> dict[int, Enrolment]:
    """The round's enrolments by id; raises ValidationError when the round
    cannot be published (the reasons publish_round refuses)."""
    programme = round_.programme
    if round_.published_at is not None:
        raise ValidationError(
            _("This round is already published."), code="already_published"
        )
    if programme.matching_rounds.published().exists():
        raise ValidationError(
            _("Another round of this programme is already published.")
        )
    if round_.status != MatchingRound.Status.DONE:
        raise ValidationError(_("Only a finished round can be published."))
    proposed = round_.pairs
    if not proposed:
        raise ValidationError(_("This round has no pair to publish."))
    ids = {p["mentor"] for p in proposed} | {p["mentee"] for p in proposed}
    enrolments = Enrolment.objects.select_related("person__user").in_bulk(ids)
    gone = sorted(
        e.person.full_name
        for e in enrolments.values()
        if e.status != Enrolment.Status.ACCEPTED
    )
    if ids - set(enrolments):
        gone.append(_("a deleted enrolment"))
    if gone:
        raise ValidationError(
            _("These people are no longer available, run the matching again: %(names)s")
            % {"names": ", ".join(gone)}
        )
    mentees = [p["mentee"] for p in proposed]
    if Pair.objects.active().filter(mentee_id__in=mentees).exists():
        raise ValidationError(ALREADY_PAIRED, code="already_paired")
    return enrolments


def _is_told(person: Person) -> bool:
    # The rule of accounts.notifications.notify: an active account with an address.
    return bool(person.user and person.user.email and person.user.is_active)


def preview_round(*, round_: MatchingRound) -> PublicationPreview:
    """What publish_round would create and whom it would e-mail."""
    round_ = MatchingRound.objects.select_related("programme").get(pk=round_.pk)
    refusals: list[str] = []
    try:
        enrolments = _check(round_)
    except ValidationError as error:
        refusals = error.messages
        ids = {p["mentor"] for p in round_.pairs} | {p["mentee"] for p in round_.pairs}
        enrolments = Enrolment.objects.select_related("person__user").in_bulk(ids)
    pairs = [
        (enrolments[p["mentor"]], enrolments[p["mentee"]])
        for p in round_.pairs
        if p["mentor"] in enrolments and p["mentee"] in enrolments
    ]
    people = list({e.person.pk: e.person for pair in pairs for e in pair}.values())
    return PublicationPreview(
        pairs=sorted(
            pairs, key=lambda p: (p[0].person.last_name, p[1].person.last_name)
        ),
        told=[p for p in people if _is_told(p)],
        not_told=sorted(
            (p for p in people if not _is_told(p)), key=lambda p: p.last_name
        ),
        refusals=refusals,
        starts_programme=round_.programme.status == Programme.Status.MATCHING,
        emails=sum(_is_told(e.person) for pair in pairs for e in pair),
    )


@transaction.atomic
def publish_round(*, round_: MatchingRound, by: Any) -> list[Pair]:
    """Create every pair of the round in one transaction and tell both people.

    Refused, with nothing written, when the round is unfinished or already
    published (code ``already_published``: a second click), when the
    programme has published another round, or when someone withdrew or is
    already in a pair since the round ran.
    """
    round_ = (
        MatchingRound.objects.select_for_update()
        .select_related("programme")
        .get(pk=round_.pk)
    )
    programme = round_.programme
    enrolments = _check(round_)
    proposed = round_.pairs
    start = max(timezone.localdate(), programme.start_date or datetime.date.min)
    try:
        with transaction.atomic():
            pairs = [
                Pair.objects.create(
                    mentor=enrolments[p["mentor"]],
                    mentee=enrolments[p["mentee"]],
                    started_on=start,
                )
                for p in proposed
            ]
    except IntegrityError:
        # Two publications at once: the database is the last judge.
        raise ValidationError(ALREADY_PAIRED, code="already_paired") from None
    round_.published_at = timezone.now()
    round_.published_by = by
    round_.save(update_fields=["published_at", "published_by"])
    if programme.status == Programme.Status.MATCHING:
        programme.move_to(Programme.Status.RUNNING)
    for pair in pairs:
        _tell_the_pair(pair, programme)
    audit.record(
        AuditEvent.Action.PUBLISH,
        actor=by,
        target=f"programme:{programme.slug}",
        round=round_.number,
        pairs=len(pairs),
    )
    return pairs


def _tell_the_pair(pair: Pair, programme: Programme) -> None:
    mentor, mentee = pair.mentor.person, pair.mentee.person
    url = absolute_url(reverse("home"))
    if mentor.user:
        notify(
            "pair_published",
            [mentor.user],
            {
                "programme": programme.name,
                "name": mentor.first_name,
                "partner": mentee.full_name,
                "role": "mentor",
                "url": url,
            },
        )
    if mentee.user:
        notify(
            "pair_published",
            [mentee.user],
            {
                "programme": programme.name,
                "name": mentee.first_name,
                "partner": mentor.full_name,
                "role": "mentee",
                "url": url,
            },
        )
