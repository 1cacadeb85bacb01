"""Who may see a pair and use its workspace (django-rules).

The workspace (charter, notes, agenda, feedback, survey) belongs to the pair's
two people only: not to managers, not to superusers. Call
``rules.has_perm("pairs.use_workspace", user, pair)``; ``user.has_perm``
would let every superuser in (Django's shortcut). Membership is read from the
user's cached enrolment ids (``binome.programs.rules.roles_of``), so checking
many pairs costs one query in all.
"""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Q

from binome.programs.rules import roles_of

from .models import AgendaItem, Assistant, Certificate, GlossaryTerm, Pair


@rules.predicate
def is_pair_member(user: Any, pair: Pair | None) -> bool:
    if pair is None:
        return False
    mine = roles_of(user).enrolments
    return pair.mentor_id in mine or pair.mentee_id in mine


@rules.predicate
def is_pair_active(user: Any, pair: Pair | None) -> bool:
    """Closed pairs are read-only: their history stays, nothing is planned,
    logged or updated any more."""
    return pair is not None and pair.status == Pair.Status.ACTIVE


@rules.predicate
def is_pair_mentee(user: Any, pair: Pair | None) -> bool:
    return pair is not None and pair.mentee_id in roles_of(user).enrolments


@rules.predicate
def is_pair_assistant(user: Any, pair: Pair | None) -> bool:
    if pair is None or not user.is_authenticated:
        return False
    return Assistant.objects.filter(pair=pair, user=user).exists()


@rules.predicate
def is_agenda_item_author(user: Any, item: AgendaItem | None) -> bool:
    """The item's author, while a member of the pair."""
    if item is None or not user.is_authenticated or item.author_id != user.pk:
        return False
    return bool(is_pair_member(user, item.meeting.pair))


@rules.predicate
def manages_pair_programme(user: Any, pair: Pair | None) -> bool:
    if pair is None:
        return False
    return user.is_superuser or pair.mentee.programme_id in roles_of(user).managed


@rules.predicate
def in_any_pair(user: Any) -> bool:
    if not user.is_authenticated:
        return False
    mine = roles_of(user).enrolments
    return bool(mine) and (
        Pair.objects.filter(Q(mentor_id__in=mine) | Q(mentee_id__in=mine)).exists()
    )


@rules.predicate
def owns_certificate(user: Any, certificate: Certificate | None) -> bool:
    return (
        certificate is not None
        and certificate.enrolment_id in roles_of(user).enrolments
    )


@rules.predicate
def manages_certificate_programme(user: Any, certificate: Certificate | None) -> bool:
    if certificate is None:
        return False
    return (
        user.is_superuser
        or certificate.enrolment.programme_id in roles_of(user).managed
    )


@rules.predicate
def manages_term_programme(user: Any, term: GlossaryTerm | None) -> bool:
    if term is None or term.programme_id is None:
        return False
    return user.is_superuser or term.programme_id in roles_of(user).managed


# The pair's existence and activity (no content): its people and managers.
rules.add_perm("pairs.view_pair", is_pair_member | manages_pair_programme)
# Notes, agenda, feedback, charter, survey: the two people only.
rules.add_perm("pairs.use_workspace", is_pair_member)
# Plan, move, log sessions, update the goals' progress: while it is active.
rules.add_rule("pairs.is_active", is_pair_active)
# Dates only: the pair and the mentee's assistant.
rules.add_perm("pairs.view_schedule", is_pair_member | is_pair_assistant)
rules.add_perm("pairs.manage_assistant", is_pair_mentee)
# Edit, reorder, delete an agenda item: its author only, not the partner.
rules.add_perm("pairs.change_agenda_item", is_agenda_item_author)
rules.add_perm("pairs.rate_resource", in_any_pair)
rules.add_perm(
    "pairs.view_certificate", owns_certificate | manages_certificate_programme
)
rules.add_perm("pairs.approve_term", manages_term_programme)
