"""Corrections of HR-owned data (Person.HR_FIELDS): the participant asks,
the managers of their programmes (or the organisation's HR administrators)
decide. An accepted correction changes the value and is audit-logged; a
rejected one carries HR's message to the participant. Nothing here lets a
participant change such a value directly: eligibility depends on it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from binome.accounts import audit
from binome.accounts.models import AuditEvent, User
from binome.accounts.notifications import absolute_url, notify
from binome.people.models import Person

from .models import Enrolment, ProfileCorrection, Programme


def programmes_of(person: Person) -> QuerySet[Programme]:
    """The programmes the person takes part in (not withdrawn)."""
    return Programme.objects.filter(
        pk__in=person.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).values(
            "programme"
        )
    ).order_by("name")


def deciders(person: Person) -> QuerySet[User]:
    """Who decides on the person's corrections: the managers of their
    programmes and the organisation's HR administrators."""
    return User.objects.filter(
        Q(managed_programmes__in=programmes_of(person))
        | Q(administered_organisations=person.organisation_id),
        is_active=True,
    ).distinct()


def can_decide(user: Any, correction: ProfileCorrection) -> bool:
    if not user.is_authenticated:
        return False
    if user.pk == correction.person.user_id:
        return False  # nobody decides on their own data
    return bool(
        user.is_superuser or deciders(correction.person).filter(pk=user.pk).exists()
    )


@transaction.atomic
def ask_correction(
    *, person: Person, field: str, proposed_value: str, comment: str = ""
) -> ProfileCorrection:
    """Record a request and tell the deciders by e-mail (one open request
    per field: asking again, or a double submit, is refused)."""
    if field not in Person.HR_FIELDS:
        raise ValidationError({"field": _("This information is not managed by HR.")})
    if not deciders(person).exists():
        raise ValidationError(
            _(
                "Nobody at HR can receive your request yet: you take part in no "
                "programme. Write to your HR department."
            )
        )
    if ProfileCorrection.objects.open().filter(person=person, field=field).exists():
        raise ValidationError(
            {"field": _("You have already asked for this correction: HR will answer.")}
        )
    try:
        with transaction.atomic():
            correction = ProfileCorrection.objects.create(
                person=person,
                field=field,
                current_value=person.hr_value_display(field)[:200],
                proposed_value=proposed_value[:200],
                comment=comment,
            )
    except IntegrityError:  # the same request, sent twice at once
        raise ValidationError(
            {"field": _("You have already asked for this correction: HR will answer.")}
        ) from None
    told: set[int] = set()
    programmes = list(programmes_of(person))
    context = {
        "person": person.full_name,
        "field": field,
        "current": correction.current_value,
        "proposed": correction.proposed_value,
        "comment": comment,
    }
    for programme in programmes:
        managers = [u for u in programme.managers.all() if u.pk not in told]
        told |= {u.pk for u in managers}
        _notify_deciders(managers, programme, context)
    admins = [
        u
        for u in person.organisation.administrators.all()
        if u.pk not in told and u.pk != person.user_id
    ]
    if admins:
        _notify_deciders(admins, programmes[0] if programmes else None, context)
    return correction


def _notify_deciders(
    users: list[User], programme: Programme | None, context: dict[str, Any]
) -> None:
    url = (
        reverse("programs:corrections", args=[programme.slug])
        if programme
        else reverse("programs:list")
    )
    notify(
        "correction_requested",
        users,
        context
        | {"programme": programme.name if programme else "", "url": absolute_url(url)},
    )


@transaction.atomic
def decide_correction(
    *,
    correction: ProfileCorrection,
    accept: bool,
    by: User,
    value: Any = None,
    answer: str = "",
    request: Any = None,
) -> ProfileCorrection:
    """Accept (the value becomes ``value``, audit-logged) or reject (with a
    message); the participant is told either way. Deciding twice is refused."""
    correction = (
        ProfileCorrection.objects.select_for_update(of=("self",))
        .select_related("person__user")
        .get(pk=correction.pk)
    )
    if correction.status != ProfileCorrection.Status.OPEN:
        raise ValidationError(_("This request has already been decided."))
    person = correction.person
    if accept:
        field = correction.field
        old = person.hr_value_display(field)
        setattr(person, field, value)
        try:
            person.clean()
        except ValidationError as error:
            messages = error.message_dict.get(field)
            if messages:
                raise ValidationError({"value": messages}) from None
        person.save(update_fields=[field, "updated_at"])
        audit.record(
            AuditEvent.Action.HR_DATA_CORRECTED,
            actor=by,
            target=f"person:{person.pk}",
            request=request,
            field=field,
            old=old,
            new=person.hr_value_display(field),
            correction=correction.pk,
        )
    elif not answer.strip():
        raise ValidationError({"answer": _("Tell the person why.")})
    status = ProfileCorrection.Status
    correction.status = status.ACCEPTED if accept else status.REJECTED
    correction.decided_at = timezone.now()
    correction.decided_by = by
    correction.answer = answer.strip()
    correction.save(update_fields=["status", "decided_at", "decided_by", "answer"])
    if person.user:
        notify(
            "correction_decided",
            [person.user],
            {
                "name": person.first_name,
                "field": correction.field,
                "accepted": accept,
                "value": person.hr_value_display(correction.field),
                "proposed": correction.proposed_value,
                "answer": correction.answer,
                "url": absolute_url(reverse("programs:my_corrections")),
            },
        )
    return correction
