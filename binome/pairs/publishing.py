"""Publishing a matching round: the proposed pairs become real pairs.

It lives in ``pairs`` because it creates pairs; ``programs`` (below) only
prepares the round.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts import audit
from binome.accounts.models import AuditEvent
from binome.accounts.notifications import absolute_url, notify
from binome.programs.models import Enrolment, MatchingRound, Programme

from .models import Pair


@transaction.atomic
def publish_round(*, round_: MatchingRound, by: Any) -> list[Pair]:
    """Create every pair of the round in one transaction and tell both people.

    Refused, with nothing written, when the round is unfinished or already
    published, when the programme has published another round, or when someone
    withdrew or is already in a pair since the round ran.
    """
    round_ = (
        MatchingRound.objects.select_for_update()
        .select_related("programme")
        .get(pk=round_.pk)
    )
    programme = round_.programme
    if round_.published_at is not None:
        raise ValidationError(_("This round is already published."))
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
        raise ValidationError(
            _("Some mentees already have an active pair: run the matching again."),
            code="already_paired",
        ) from None
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
