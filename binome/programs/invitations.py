"""Invitations by e-mail, tracked: who was invited, when, by whom, who opened
the link, who joined, who declined; reminders to those who did not answer.

Each e-mail carries a personal link (``Invitation.token()``). Opening it shows
the programme; a person without an account creates one there (the link proves
the address), then reads the consent notice and volunteers. Sending always
goes through a preview (``plan``) first: the HR manager sees how many people
will get the e-mail, and the e-mail itself, before anything leaves.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from binome.accounts import audit
from binome.accounts.models import AuditEvent, User
from binome.accounts.notifications import absolute_url, notify_address, render_email
from binome.people.models import Person

from .models import Enrolment, Invitation, Programme

NOT_RECRUITING = gettext_lazy(
    "The programme is not recruiting yet: open the recruitment "
    "(programme page) before sending invitations."
)
# A reminder goes to people who did not answer, at most this often.
REMINDER_INTERVAL = datetime.timedelta(days=3)
# Enrolment statuses that mean the person already said yes (consented).
ANSWERED = [
    Enrolment.Status.VOLUNTEERED,
    Enrolment.Status.ACCEPTED,
    Enrolment.Status.DECLINED,
]


def imported_people(programme: Programme) -> list[Person]:
    """The people this programme's confirmed imports brought in or updated,
    and those it enrolled (as « invited ») by any other means."""
    pks: set[int] = set()
    for report in programme.imports.filter(applied_at__isnull=False).values_list(
        "report", flat=True
    ):
        pks.update(int(pk) for pk in (report or {}).get("people", []))
    pks.update(
        programme.enrolments.filter(status=Enrolment.Status.INVITED).values_list(
            "person_id", flat=True
        )
    )
    return list(
        Person.objects.filter(pk__in=pks, organisation=programme.organisation)
        .select_related("user")
        .order_by("last_name", "first_name", "pk")
    )


@dataclass
class InvitationPlan:
    """What sending invitations to some people would do (nothing is sent)."""

    to_send: list[Person] = field(default_factory=list)
    already_invited: list[Person] = field(default_factory=list)
    already_enrolled: list[Person] = field(default_factory=list)
    no_email: list[Person] = field(default_factory=list)
    # Fit neither role (level, seniority) or their account is deactivated:
    # an invitation would lead them to a door they cannot open.
    cannot_join: list[Person] = field(default_factory=list)


def plan(programme: Programme, people: list[Person]) -> InvitationPlan:
    result = InvitationPlan()
    invited = set(programme.invitations.values_list("person_id", flat=True))
    enrolled = set(
        programme.enrolments.filter(status__in=ANSWERED).values_list(
            "person_id", flat=True
        )
    )
    for person in people:
        if person.pk in enrolled:
            result.already_enrolled.append(person)
        elif not person.email:
            result.no_email.append(person)
        elif (person.user is not None and not person.user.is_active) or all(
            programme.ineligibility_reasons(person, role) for role in Enrolment.Role
        ):
            result.cannot_join.append(person)
        elif person.pk in invited:
            result.already_invited.append(person)
        else:
            result.to_send.append(person)
    return result


def _context(invitation: Invitation, by: Any, *, reminder: bool) -> dict[str, Any]:
    programme = invitation.programme
    person = invitation.person
    return {
        "programme": programme.name,
        "description": programme.description[:600],
        "message": programme.invitation_message,
        "name": person.first_name,
        "inviter": (by.get_full_name() or by.email)
        if by
        else programme.organisation.name,
        "url": absolute_url(reverse("programs:invitation", args=[invitation.token()])),
        "has_account": person.user is not None and person.user.has_usable_password(),
        "days": int(settings.INVITATION_LINK_DAYS),
        "reminder": reminder,
    }


def _language(person: Person) -> str:
    return person.user.language if person.user else "fr"


def preview(
    programme: Programme, by: User, person: Person | None = None
) -> dict[str, str]:
    """The invitation e-mail as the first recipient will read it (in French
    unless their account says otherwise), with a dummy link."""
    person = person or Person(
        organisation=programme.organisation, first_name="Camille", last_name="Martin"
    )
    invitation = Invitation(programme=programme, person=person, pk=0)
    subject, body = render_email(
        "invitation", _context(invitation, by, reminder=False), _language(person)
    )
    return {"subject": subject, "body": body}


def require_recruiting(programme: Programme) -> None:
    """Invitations leave only while the programme recruits: before, their
    links would lead to a closed door."""
    if not programme.is_recruiting:
        raise ValidationError(NOT_RECRUITING, code="not_recruiting")


def _send_all(invitations: list[Invitation], by: Any, *, reminder: bool) -> None:
    for invitation in invitations:
        notify_address(
            "invitation",
            invitation.email,
            _language(invitation.person),
            _context(invitation, by, reminder=reminder),
        )


@transaction.atomic
def send(
    *, programme: Programme, people: list[Person], by: User, request: Any = None
) -> list[Invitation]:
    """Invite these people (those ``plan`` puts in ``to_send``). The e-mails
    are queued in the same transaction (the database queue rolls back with
    it). Audit-logged."""
    # One sender at a time per programme: a double submit finds the
    # invitations of the first one and sends nothing more.
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require_recruiting(programme)
    targets = plan(programme, people).to_send
    now = timezone.now()
    invitations = []
    for person in targets:
        invitation, _created = Invitation.objects.update_or_create(
            programme=programme,
            person=person,
            defaults={"email": person.email, "invited_by": by, "sent_at": now},
        )
        invitations.append(invitation)
    if invitations:
        audit.record(
            AuditEvent.Action.INVITATIONS_SENT,
            actor=by,
            target=f"programme:{programme.slug}",
            count=len(invitations),
            request=request,
        )
        _send_all(invitations, by, reminder=False)
    return invitations


def reminder_due(programme: Programme, now: datetime.datetime | None = None) -> Any:
    """The invitations still awaiting an answer whose last e-mail is old
    enough for a reminder."""
    now = now or timezone.now()
    enrolled = programme.enrolments.filter(status__in=ANSWERED).values("person_id")
    return (
        programme.invitations.awaiting_answer()
        .exclude(person_id__in=enrolled)
        .filter(sent_at__lte=now - REMINDER_INTERVAL)
        .select_related("person__user", "programme__organisation")
    )


@transaction.atomic
def remind(*, programme: Programme, by: User, request: Any = None) -> list[Invitation]:
    """Send a reminder, with a fresh link, to those who did not answer."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    require_recruiting(programme)
    now = timezone.now()
    due = list(reminder_due(programme, now).select_for_update(of=("self",)))
    for invitation in due:
        invitation.sent_at = now
        invitation.send_count += 1
        invitation.email = invitation.person.email or invitation.email
    Invitation.objects.bulk_update(due, ["sent_at", "send_count", "email"])
    if due:
        audit.record(
            AuditEvent.Action.INVITATIONS_SENT,
            actor=by,
            target=f"programme:{programme.slug}",
            count=len(due),
            reminder=True,
            request=request,
        )
        _send_all(due, by, reminder=True)
    return due


def mark_opened(invitation: Invitation) -> None:
    if invitation.opened_at is None:
        invitation.opened_at = timezone.now()
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=invitation.opened_at
        )


def mark_joined(*, programme: Programme, person: Person) -> None:
    Invitation.objects.filter(
        programme=programme, person=person, joined_at__isnull=True
    ).update(joined_at=timezone.now(), declined_at=None)


def decline(invitation: Invitation) -> None:
    """The person does not want to take part: no reminder will follow."""
    if invitation.declined_at is None and invitation.joined_at is None:
        invitation.declined_at = timezone.now()
        invitation.save(update_fields=["declined_at"])


def follow_up(programme: Programme) -> tuple[list[dict[str, Any]], dict[str, int]]:
    """Each invitation with what became of it, and the count of each state.
    A person who joined and then withdrew is counted as such, not as joined."""
    stayed = set(
        programme.enrolments.filter(status__in=ANSWERED).values_list(
            "person_id", flat=True
        )
    )
    left = (
        set(
            programme.enrolments.filter(status=Enrolment.Status.WITHDRAWN).values_list(
                "person_id", flat=True
            )
        )
        - stayed
    )
    rows = []
    totals = dict.fromkeys(Invitation.State.values, 0)
    for invitation in programme.invitations.select_related("person", "invited_by"):
        state = invitation.state
        if state == Invitation.State.JOINED and invitation.person_id in left:
            state = Invitation.State.WITHDRAWN
        totals[state] += 1
        rows.append(
            {
                "invitation": invitation,
                "state": state,
                "label": Invitation.State(state).label,
            }
        )
    return rows, totals


def awaiting(user: Any) -> list[dict[str, Any]]:
    """The user's invitations still awaiting an answer, to programmes that
    recruit, with the link to answer (for the home page)."""
    if not user.is_authenticated:
        return []
    found = (
        Invitation.objects.awaiting_answer()
        .filter(person__user=user, programme__status=Programme.Status.RECRUITING)
        .exclude(
            programme__in=Enrolment.objects.filter(
                person__user=user, status__in=ANSWERED
            ).values("programme")
        )
        .select_related("programme")
        .distinct()
    )
    return [
        {
            "programme": invitation.programme,
            "url": reverse("programs:invitation", args=[invitation.token()]),
        }
        for invitation in found
    ]
