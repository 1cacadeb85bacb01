"""Participant journey and casting: workflows across models, with transactions."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from binome.accounts import audit
from binome.accounts.models import AuditEvent, User
from binome.accounts.notifications import absolute_url, notify, render_email
from binome.people import access as people_access
from binome.people.models import Person
from binome.skills.models import Assessment, AssessmentItem, Skill

from . import invitations
from .models import (
    CastingReview,
    CoffeeChat,
    ConsentRecord,
    Enrolment,
    Goal,
    PreparationCompletion,
    PreparationStep,
    Programme,
    SkillWish,
    preparation_done,
)

# The version of the consent notice (templates/programs/consent_notice.html).
# Bump it whenever the notice changes: each enrolment records the version seen.
CONSENT_VERSION = "2026-12"  # the notice says what managers see exactly


def _programme_context(programme: Programme) -> dict[str, Any]:
    return {"programme": programme.name}


# The consent register -------------------------------------------------------


def record_consent(
    *,
    enrolment: Enrolment,
    kind: str,
    version: str,
    at: datetime.datetime | None = None,
) -> ConsentRecord:
    """Open a consent record; an open one of the same kind is closed first (a
    consent given again, e.g. to a newer notice, replaces the older one)."""
    now = at or timezone.now()
    withdraw_consent(enrolment=enrolment, kind=kind, at=now)
    return ConsentRecord.objects.create(
        person_id=enrolment.person_id,
        enrolment=enrolment,
        kind=kind,
        notice_version=version[:20],
        given_at=now,
    )


def withdraw_consent(
    *, enrolment: Enrolment, kind: str, at: datetime.datetime | None = None
) -> int:
    """Close the open consent of this kind, if any; returns how many closed."""
    return (
        ConsentRecord.objects.current()
        .filter(enrolment=enrolment, kind=kind)
        .update(withdrawn_at=at or timezone.now())
    )


def set_consented_row[M: models.Model](
    model: type[M],
    *,
    enrolment: Enrolment,
    on: bool,
    kind: str,
    version: str,
    at_field: str,
) -> tuple[M | None, bool]:
    """A row that exists only with the person's consent (one per enrolment:
    a talent flag, a shared contribution). On: create it if missing and open
    the consent from its own timestamp. Off: delete it and close the consent.
    Returns the row (None when off) and whether it was just created."""
    if on:
        row, created = model._default_manager.get_or_create(enrolment=enrolment)
        if created:
            record_consent(
                enrolment=enrolment,
                kind=kind,
                version=version,
                at=getattr(row, at_field),
            )
        return row, created
    if model._default_manager.filter(enrolment=enrolment).delete()[0]:
        withdraw_consent(enrolment=enrolment, kind=kind)
    return None, False


# Joining and leaving ---------------------------------------------------------


@transaction.atomic
def volunteer(
    *,
    programme: Programme,
    person: Person,
    role: str,
    consent: bool,
    motivation: str = "",
    today: datetime.date | None = None,
) -> Enrolment:
    """Enrol a person who consents, in a role they are eligible for.

    Re-volunteering after a withdrawal reopens the same enrolment.
    Raises ValidationError with a plain-language message otherwise.
    """
    if not programme.is_recruiting:
        raise ValidationError(_("This programme is not recruiting volunteers."))
    if person.organisation_id != programme.organisation_id:
        raise ValidationError(_("This programme is not open to your organisation."))
    if not consent:
        raise ValidationError(
            {"consent": _("Please read the notice and give your consent to take part.")}
        )
    reasons = programme.ineligibility_reasons(person, role, today)
    if reasons:
        raise ValidationError({"role": reasons})
    enrolment, created = Enrolment.objects.select_for_update().get_or_create(
        programme=programme, person=person, role=role
    )
    if not created and enrolment.status not in (
        Enrolment.Status.INVITED,
        Enrolment.Status.WITHDRAWN,
    ):
        raise ValidationError(_("You are already enrolled in this role."))
    enrolment.give_consent(version=CONSENT_VERSION)
    enrolment.status = Enrolment.Status.VOLUNTEERED
    enrolment.withdrawn_at = None
    enrolment.motivation = motivation
    enrolment.save()
    record_consent(
        enrolment=enrolment,
        kind=ConsentRecord.Kind.ENROLMENT,
        version=CONSENT_VERSION,
        at=enrolment.consent_at,
    )
    invitations.mark_joined(programme=programme, person=person)
    if person.user:
        notify(
            "enrolment_received",
            [person.user],
            _programme_context(programme)
            | {
                "name": person.first_name,
                "role": enrolment.role,
                "url": absolute_url(reverse("programs:journey", args=[enrolment.pk])),
            },
        )
    return enrolment


@transaction.atomic
def withdraw(*, enrolment: Enrolment, erase: bool, tell_person: bool = True) -> bool:
    """Leave a programme at any time.

    The enrolment stays as a withdrawn record (so counts stay right), open
    coffee requests are cancelled and an active pair is closed, not deleted:
    the partner keeps their own data. With ``erase``, the person's answers in
    this programme (motivation, wishes, goals, casting grids, coffee
    verdicts) are deleted too.

    The person gets an e-mail confirming it and saying what becomes of their
    data (not during an erasure, ``tell_person=False``, which confirms
    itself); the programme's managers are told. Withdrawing twice (a double
    submit) changes and sends nothing the second time: returns False.
    """
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return False
    enrolment.withdraw()
    withdraw_consent(
        enrolment=enrolment,
        kind=ConsentRecord.Kind.ENROLMENT,
        at=enrolment.withdrawn_at,
    )
    # A coffee that was held (a verdict is given) stays as it was: cancelling
    # it would break the verdict-after-acceptance rule and rewrite history.
    open_coffees = CoffeeChat.objects.filter(
        Q(status=CoffeeChat.Status.REQUESTED)
        | Q(status=CoffeeChat.Status.ACCEPTED, mentee_verdict="", mentor_verdict="")
    )
    open_coffees.filter(mentee=enrolment).update(status=CoffeeChat.Status.CANCELLED)
    open_coffees.filter(mentor=enrolment).update(status=CoffeeChat.Status.CANCELLED)
    # Through the reverse relation: programs sits below pairs.
    today = timezone.localdate()
    pair_closed = 0
    for relation in (enrolment.pairs_as_mentee, enrolment.pairs_as_mentor):
        pair_closed += relation.filter(status="active").update(
            status="closed", closed_on=today
        )
    if erase:
        enrolment.skill_wishes.all().delete()
        enrolment.goals.all().delete()
        enrolment.casting_reviews.all().delete()
        CoffeeChat.objects.filter(mentee=enrolment).update(mentee_verdict="")
        CoffeeChat.objects.filter(mentor=enrolment).update(mentor_verdict="")
        enrolment.motivation = ""
        enrolment.save(update_fields=["motivation", "updated_at"])
    _tell_withdrawal(
        enrolment, erased=erase, pair_closed=bool(pair_closed), tell_person=tell_person
    )
    return True


def _tell_withdrawal(
    enrolment: Enrolment, *, erased: bool, pair_closed: bool, tell_person: bool
) -> None:
    programme, person = enrolment.programme, enrolment.person
    context = _programme_context(programme) | {
        "role": enrolment.role,
        "erased": erased,
        "pair_closed": pair_closed,
    }
    if person.user and tell_person:
        notify(
            "enrolment_withdrawn",
            [person.user],
            context
            | {
                "name": person.first_name,
                "data_url": absolute_url(reverse("privacy:overview")),
                "programmes_url": absolute_url(reverse("programs:list")),
            },
        )
    notify(
        "enrolment_withdrawn_managers",
        programme.managers.exclude(pk=person.user_id),
        context
        | {
            "person": person.full_name,
            "url": absolute_url(reverse("programs:enrolments", args=[programme.slug])),
        },
    )


@dataclass(frozen=True)
class InvitationReport:
    sent: list[str]
    unknown: list[str]
    already: list[str]
    already_invited: list[str]
    cannot_join: list[str]


def invite(
    *,
    programme: Programme,
    emails: list[str],
    by: User,
    request: Any = None,
    dry_run: bool = False,
) -> InvitationReport:
    """Invite people of the organisation by address, each with a personal link.

    Addresses outside the organisation's people are reported, never invited;
    people already enrolled, or already invited (see the reminders), are
    skipped. With ``dry_run``, nothing is sent and ``sent`` lists who would
    receive the invitation (for the confirmation).
    """
    wanted = sorted({e.strip().lower() for e in emails if e.strip()})
    people = {
        p.email.lower(): p
        for p in Person.objects.annotate(address=Lower("email"))
        .filter(organisation=programme.organisation, address__in=wanted)
        .select_related("user")
    }
    unknown = [email for email in wanted if email not in people]
    plan = invitations.plan(programme, list(people.values()))
    if dry_run:
        addresses = sorted(p.email for p in plan.to_send)
    else:
        sent = invitations.send(
            programme=programme, people=plan.to_send, by=by, request=request
        )
        addresses = sorted(i.email for i in sent)
    return InvitationReport(
        sent=addresses,
        unknown=unknown,
        already=sorted(p.email for p in plan.already_enrolled),
        already_invited=sorted(p.email for p in plan.already_invited),
        cannot_join=sorted(p.email for p in plan.cannot_join),
    )


# Profile, self-assessment, wishes and goals ------------------------------------


@transaction.atomic
def save_self_assessment(
    *,
    person: Person,
    levels: dict[int, int | None],
    phase: str = Assessment.Phase.BASELINE,
    today: datetime.date | None = None,
) -> Assessment:
    """Record a dated self-assessment (skill id -> level 0–4, or None for
    « not rated »: the skill stays on the grid but has no level).

    Assessing again on the same day and phase replaces that day's answers;
    another day adds a new assessment, so progress can be compared.
    """
    if not levels:
        raise ValidationError(_("Rate at least one skill."))
    if any(level is not None and not 0 <= level <= 4 for level in levels.values()):
        raise ValidationError(_("Levels go from 0 to 4."))
    on = today or timezone.localdate()
    assessment, _created = Assessment.objects.get_or_create(
        person=person, assessor=None, phase=phase, assessed_on=on
    )
    assessment.items.all().delete()
    AssessmentItem.objects.bulk_create(
        AssessmentItem(assessment=assessment, skill_id=skill_id, level=level)
        for skill_id, level in sorted(levels.items())
    )
    return assessment


def latest_self_assessment(person: Person) -> Assessment | None:
    return (
        Assessment.objects.for_person(person)
        .self_assessed()
        .order_by("-assessed_on", "-id")
        .first()
    )


@transaction.atomic
def save_wishes(
    *, enrolment: Enrolment, learn: dict[int, int], teach: list[int]
) -> None:
    """Replace the enrolment's wishes: skills to learn (id -> priority 1–3) and
    skills to teach."""
    if not learn and not teach:
        raise ValidationError(_("Choose at least one skill to learn or to share."))
    if any(p not in (1, 2, 3) for p in learn.values()):
        raise ValidationError(_("Priorities go from 1 to 3."))
    enrolment.skill_wishes.all().delete()
    SkillWish.objects.bulk_create(
        [
            SkillWish(enrolment=enrolment, skill_id=s, intent="learn", priority=p)
            for s, p in sorted(learn.items())
        ]
        + [
            SkillWish(enrolment=enrolment, skill_id=s, intent="teach", priority=2)
            for s in sorted(set(teach))
        ]
    )


def skills_for(enrolment: Enrolment, intent: str) -> Any:
    """The skills a participant may pick: mentors teach digital skills and
    learn leadership; mentees the other way round."""
    programme_skills = enrolment.programme.skills.all()
    base = programme_skills if programme_skills.exists() else Skill.objects.all()
    base = base.active().select_related("area")
    digital = (enrolment.role == Enrolment.Role.MENTOR) == (intent == "teach")
    return base.digital() if digital else base.leadership()


@dataclass(frozen=True)
class JourneyStep:
    key: str
    done: bool


def journey(enrolment: Enrolment) -> list[JourneyStep]:
    """Where a participant stands, derived from their data (nothing stored)."""
    person = enrolment.person
    steps = [
        JourneyStep("consent", enrolment.consent_at is not None),
        JourneyStep("profile", person.is_profile_complete),
        JourneyStep("assessment", latest_self_assessment(person) is not None),
        JourneyStep("wishes", enrolment.skill_wishes.exists()),
        JourneyStep("goals", enrolment.goals.exists()),
    ]
    if enrolment.role == Enrolment.Role.MENTOR:
        steps.append(JourneyStep("preparation", preparation_done(person)))
    return steps


def add_goal(*, enrolment: Enrolment, **fields: Any) -> Goal:
    goal = Goal(enrolment=enrolment, **fields)
    goal.full_clean()
    goal.save()
    return goal


# Mentor preparation -------------------------------------------------------------


def answer_preparation_step(
    *, person: Person, step: PreparationStep, choice: int
) -> bool:
    """Record a completed step when the self-check answer (the id of one of
    the step's answers) is the right one."""
    if not step.answers.filter(pk=choice, is_correct=True).exists():
        return False
    PreparationCompletion.objects.get_or_create(person=person, step=step)
    return True


# Casting ------------------------------------------------------------------------


def teaching_scores(programme: Programme) -> dict[int, float]:
    """Mentor enrolment id -> mean of their casting grids (0–4)."""
    scores: dict[int, list[float]] = {}
    for review in CastingReview.objects.filter(
        enrolment__programme=programme, enrolment__role=Enrolment.Role.MENTOR
    ):
        scores.setdefault(review.enrolment_id, []).append(review.score)
    return {pk: sum(v) / len(v) for pk, v in scores.items()}


@transaction.atomic
@transaction.atomic
def decide_candidate(
    *, enrolment: Enrolment, accept: bool, by: User, message: str = ""
) -> bool:
    """The manager accepts or declines a volunteer; the person is told, with
    the manager's optional personal ``message`` (plain text). Returns False,
    and tells no one, when the enrolment already had this status (a second
    click)."""
    locked = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("person__user", "programme")
        .get(pk=enrolment.pk)
    )
    if locked.status not in (
        Enrolment.Status.VOLUNTEERED,
        Enrolment.Status.ACCEPTED,
        Enrolment.Status.DECLINED,
    ):
        raise ValidationError(_("Only volunteers can be accepted or declined."))
    programme = locked.programme
    if (
        accept
        and locked.role == Enrolment.Role.MENTOR
        and programme.require_preparation
        and not preparation_done(locked.person)
    ):
        raise ValidationError(
            _("This mentor has not completed the preparation module yet.")
        )
    new_status = Enrolment.Status.ACCEPTED if accept else Enrolment.Status.DECLINED
    if locked.status == new_status:
        return False
    locked.status = enrolment.status = new_status
    locked.save(update_fields=["status", "updated_at"])
    if locked.person.user:
        notify(
            _decision_email(accept),
            [locked.person.user],
            _decision_context(locked, by, message),
        )
    return True


def _decision_email(accept: bool) -> str:
    return "enrolment_accepted" if accept else "enrolment_declined"


def _decision_context(enrolment: Enrolment, by: User, message: str) -> dict[str, Any]:
    return _programme_context(enrolment.programme) | {
        "name": enrolment.person.first_name,
        "url": absolute_url(reverse("programs:journey", args=[enrolment.pk])),
        "message": message.strip(),
        "manager": by.get_full_name() or by.email,
    }


def decision_email_preview(
    *, enrolment: Enrolment, accept: bool, by: User, message: str = ""
) -> dict[str, str]:
    """The e-mail decide_candidate would send, in the person's language, for
    the confirmation page. Sends nothing."""
    user = enrolment.person.user
    language = user.language if user and user.language else settings.LANGUAGE_CODE
    subject, body = render_email(
        _decision_email(accept), _decision_context(enrolment, by, message), language
    )
    return {"subject": subject, "body": body}


# Shortlist and « café virtuel » ----------------------------------------------------


# A proposed time per half-day of availability (people.models.HALF_DAYS).
COFFEE_TIMES = {"am": datetime.time(10, 0), "pm": datetime.time(14, 0)}
COFFEE_HORIZON_DAYS = 14
WEEKDAY_CODES = ["mon", "tue", "wed", "thu", "fri"]


def common_slots(a: Person, b: Person) -> list[str]:
    """The half-day codes (« mon-am ») when both are usually free."""
    return [slot for slot in a.availability if slot in set(b.availability)]


def coffee_slots(
    *, mentee: Person, mentor: Person, now: datetime.datetime | None = None
) -> list[datetime.datetime]:
    """Times to propose for a coffee: each half-day both people are usually
    free, over the next two weeks, from now on (never in the past), in the
    server's time zone; earliest first. Empty when they share no half-day."""
    now = now or timezone.now()
    common = set(common_slots(mentee, mentor))
    zone = timezone.get_current_timezone()
    today = timezone.localdate(now)
    out = []
    for offset in range(COFFEE_HORIZON_DAYS + 1):
        day = today + datetime.timedelta(days=offset)
        if day.weekday() >= len(WEEKDAY_CODES):
            continue
        for half, at in COFFEE_TIMES.items():
            if f"{WEEKDAY_CODES[day.weekday()]}-{half}" not in common:
                continue
            moment = datetime.datetime.combine(day, at, tzinfo=zone)
            if now < moment <= now + datetime.timedelta(days=COFFEE_HORIZON_DAYS):
                out.append(moment)
    return out


def coffee_ics(chat: CoffeeChat, *, for_enrolment: Enrolment) -> bytes:
    """The coffee as a calendar file (RFC 5545) for one of the two, linking
    to their own coffee page; tentative until accepted."""
    from binome import ical

    assert chat.starts_at is not None and chat.ends_at is not None
    url = absolute_url(reverse("matching:coffee", args=[for_enrolment.pk]))
    requested = chat.status == CoffeeChat.Status.REQUESTED
    calendar = ical.new_calendar()
    calendar.add_component(
        ical.new_event(
            uid=f"coffee-{chat.pk}@binome",
            starts_at=chat.starts_at,
            ends_at=chat.ends_at,
            sequence=0 if requested else 1,
            summary=_("« Café virtuel » Binôme: %(mentee)s and %(mentor)s")
            % {"mentee": chat.mentee.person, "mentor": chat.mentor.person},
            url=url,
            description=(
                _("Accept or decline in Binôme: %(url)s")
                if requested
                else _("Your « café virtuel » in Binôme: %(url)s")
            )
            % {"url": url},
            status={
                CoffeeChat.Status.REQUESTED: "TENTATIVE",
                CoffeeChat.Status.ACCEPTED: "CONFIRMED",
            }.get(CoffeeChat.Status(chat.status), "CANCELLED"),
        )
    )
    return ical.to_bytes(calendar)


def _ics_attachment(
    chat: CoffeeChat, recipient: User, enrolment: Enrolment
) -> list[list[str]]:
    """The calendar file, worded in the recipient's language."""
    from django.utils import translation

    with translation.override(recipient.language or "fr"):
        content = coffee_ics(chat, for_enrolment=enrolment).decode("utf-8")
    return [["cafe-virtuel.ics", content, "text/calendar"]]


@transaction.atomic
def request_coffee(
    *,
    mentee: Enrolment,
    mentor: Enrolment,
    message: str,
    shortlist: list[int],
    starts_at: datetime.datetime,
) -> CoffeeChat:
    """A mentee invites a shortlisted mentor to an introductory coffee at a
    time (one of ``coffee_slots``, or another one they propose); the mentor
    gets the invitation by e-mail with a calendar file."""
    programme = mentee.programme
    if not programme.coffee_enabled:
        raise ValidationError(_("This programme has no « café virtuel »."))
    if programme.status not in (Programme.Status.RECRUITING, Programme.Status.MATCHING):
        raise ValidationError(_("Coffees happen before the pairs are final."))
    if mentor.pk not in shortlist:
        raise ValidationError(_("You can only ask mentors from your shortlist."))
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("Choose a time in the future.")})
    open_requests = CoffeeChat.objects.filter(
        mentee=mentee, status=CoffeeChat.Status.REQUESTED
    ).count()
    if open_requests >= programme.shortlist_size:
        raise ValidationError(_("Wait for an answer before asking more mentors."))
    chat, created = CoffeeChat.objects.get_or_create(
        mentee=mentee,
        mentor=mentor,
        defaults={"message": message, "starts_at": starts_at},
    )
    if not created:
        raise ValidationError(_("You have already asked this mentor."))
    user = mentor.person.user
    if user:
        notify(
            "coffee_requested",
            [user],
            _programme_context(programme)
            | {
                "name": mentor.person.first_name,
                "mentee": mentee.person.full_name,
                "message": message,
                "starts_at": starts_at.isoformat(),
                "url": absolute_url(reverse("matching:coffee", args=[mentor.pk])),
            },
            attachments=_ics_attachment(chat, user, mentor),
        )
    return chat


@transaction.atomic
def answer_coffee(*, chat: CoffeeChat, accept: bool) -> bool:
    """The mentor accepts or declines; the mentee is told (with the calendar
    file once accepted). Answering twice (a double submit) is refused."""
    chat = (
        CoffeeChat.objects.select_for_update(of=("self",))
        .select_related("mentee__person__user", "mentor__person", "mentee__programme")
        .get(pk=chat.pk)
    )
    if chat.status != CoffeeChat.Status.REQUESTED:
        raise ValidationError(_("This request has already been answered."))
    chat.status = CoffeeChat.Status.ACCEPTED if accept else CoffeeChat.Status.DECLINED
    chat.answered_at = timezone.now()
    chat.save(update_fields=["status", "answered_at"])
    user = chat.mentee.person.user
    if user:
        notify(
            "coffee_accepted" if accept else "coffee_declined",
            [user],
            _programme_context(chat.mentee.programme)
            | {
                "name": chat.mentee.person.first_name,
                "mentor": chat.mentor.person.full_name,
                "starts_at": chat.starts_at.isoformat() if chat.starts_at else "",
                "url": absolute_url(reverse("matching:coffee", args=[chat.mentee.pk])),
            },
            attachments=_ics_attachment(chat, user, chat.mentee)
            if accept and chat.starts_at
            else None,
        )
    return accept


def give_verdict(*, chat: CoffeeChat, enrolment: Enrolment, verdict: str) -> None:
    """« Ça a accroché ? »: each side answers prefer, neutral or avoid."""
    if chat.status != CoffeeChat.Status.ACCEPTED:
        raise ValidationError(_("Give your feedback once the coffee has taken place."))
    if verdict not in CoffeeChat.Verdict.values:
        raise ValidationError(_("Unknown answer."))
    if enrolment.pk == chat.mentee_id:
        chat.mentee_verdict = verdict
        chat.save(update_fields=["mentee_verdict"])
    elif enrolment.pk == chat.mentor_id:
        chat.mentor_verdict = verdict
        chat.save(update_fields=["mentor_verdict"])
    else:
        raise ValidationError(_("This coffee is not yours."))


def coffee_verdicts(programme: Programme) -> dict[tuple[int, int], str]:
    """(mentor enrolment id, mentee enrolment id) -> combined verdict, for matching."""
    return {
        (chat.mentor_id, chat.mentee_id): chat.verdict_for_matching()
        for chat in CoffeeChat.objects.filter(
            mentee__programme=programme, status=CoffeeChat.Status.ACCEPTED
        ).exclude(mentee_verdict="", mentor_verdict="")
    }


# Programme set-up -------------------------------------------------------------------

# Templates a manager starts from; every value stays editable.
PROGRAMME_TEMPLATES: dict[str, dict[str, Any]] = {
    "pilot": {
        "is_pilot": True,
        "months": 3,
        "mentor_capacity": 1,
        "require_preparation": True,
        "coffee_enabled": True,
        "shortlist_size": 3,
        "mentor_max_level": 2,
        "mentee_min_level": 4,
        "format": Programme.Format.HYBRID,
    },
    "wave": {
        "is_pilot": False,
        "months": 6,
        "mentor_capacity": 2,
        "open_call": True,
        "require_preparation": True,
        "coffee_enabled": False,
        "mentor_max_level": 2,
        "mentee_min_level": 3,
        "format": Programme.Format.HYBRID,
    },
    "blank": {"months": 6},
}


def template_initial(key: str, today: datetime.date | None = None) -> dict[str, Any]:
    """Initial values of the programme form for a template."""
    template = dict(PROGRAMME_TEMPLATES[key])
    today = today or timezone.localdate()
    months = template.pop("months")
    start = today + datetime.timedelta(days=14)
    template["start_date"] = start
    template["end_date"] = start + datetime.timedelta(days=round(months * 30.4))
    return template


def unique_slug(base: str) -> str:
    from django.utils.text import slugify

    root = slugify(base)[:70] or "programme"
    slug, n = root, 2
    while Programme.objects.filter(slug=slug).exists():
        slug, n = f"{root}-{n}", n + 1
    return slug


@transaction.atomic
def clone_programme(*, programme: Programme, by: User) -> Programme:
    """A new draft with the same settings, managers, panel and skills (the
    pilot becomes the scale-up); nobody is enrolled in it yet."""
    copy = Programme.objects.get(pk=programme.pk)
    copy.pk = None
    copy.name = _("%(name)s (copy)") % {"name": programme.name}
    copy.slug = unique_slug(copy.name)
    copy.status = Programme.Status.DRAFT
    copy.is_pilot = False
    copy.cloned_from = programme
    copy.invitation_nonce = Programme._meta.get_field("invitation_nonce").default()
    copy.save()
    copy.managers.set([*programme.managers.all(), by])
    copy.panel.set(programme.panel.all())
    copy.skills.set(programme.skills.all())
    return copy


def remind_to_complete(*, enrolment: Enrolment) -> None:
    """Email a volunteer what is left to do before matching."""
    user = enrolment.person.user
    if user is None:
        raise ValidationError(_("This person has no account yet: send an invitation."))
    todo = [s.key for s in journey(enrolment) if not s.done]
    if not todo:
        raise ValidationError(_("This volunteer has nothing left to do."))
    notify(
        "complete_profile",
        [user],
        _programme_context(enrolment.programme)
        | {
            "name": enrolment.person.first_name,
            "todo": todo,
            "url": absolute_url(reverse("programs:journey", args=[enrolment.pk])),
        },
    )


# Roles on a programme ------------------------------------------------------------

ROLE_FIELDS = {"manager": "managers", "panel": "panel", "sponsor": "sponsors"}


@transaction.atomic
def grant_role(
    *,
    programme: Programme,
    person: Person,
    role: str,
    by: User,
    request: Any = None,
) -> User:
    """Make a person of the organisation manager, panel member or sponsor of
    the programme. A person without an account gets one (and an e-mail to
    activate it, leading to the programme). Audit-logged."""
    if person.organisation_id != programme.organisation_id:
        raise ValidationError(
            _("This person belongs to another organisation."), code="other_org"
        )
    if role not in ROLE_FIELDS:
        raise ValidationError(_("Unknown role."), code="role")
    next_path = (
        reverse("programs:detail", args=[programme.slug])
        if role == "manager"
        else reverse("home")
    )
    user = people_access.account_for_role(
        person,
        by=by,
        next_path=next_path,
        role=role,
        programme=programme.name,
        request=request,
    )
    relation = getattr(programme, ROLE_FIELDS[role])
    if relation.filter(pk=user.pk).exists():
        raise ValidationError(
            _("%(name)s already has this role.") % {"name": person.full_name},
            code="already",
        )
    relation.add(user)
    _record_role_change(programme, user, role, "granted", by=by, request=request)
    return user


@transaction.atomic
def revoke_role(
    *, programme: Programme, user: User, role: str, by: User, request: Any = None
) -> None:
    if role not in ROLE_FIELDS:
        raise ValidationError(_("Unknown role."), code="role")
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    relation = getattr(programme, ROLE_FIELDS[role])
    if role == "manager" and not relation.exclude(pk=user.pk).exists():
        raise ValidationError(
            _("A programme keeps at least one manager: add another one first."),
            code="last_manager",
        )
    relation.remove(user)
    _record_role_change(programme, user, role, "revoked", by=by, request=request)


def _record_role_change(
    programme: Programme, user: User, role: str, change: str, *, by: User, request: Any
) -> None:
    audit.record(
        AuditEvent.Action.ROLE_CHANGE,
        actor=by,
        target=f"programme:{programme.slug}",
        role=role,
        user=user.pk,
        change=change,
        request=request,
    )


# Lifecycle steps -------------------------------------------------------------------


def status_step_effects(*, programme: Programme, status: str) -> list[str]:
    """What moving the programme to ``status`` does and to whom, in sentences
    for the confirmation page. Raises ValidationError when the step is not
    allowed. No step sends an e-mail; the sentences say so."""
    if not programme.can_move_to(status):
        raise ValidationError(
            _("A programme cannot go from %(old)s to %(new)s.")
            % {
                "old": programme.get_status_display(),
                "new": Programme.Status(status).label
                if status in Programme.Status.values
                else status,
            },
            code="invalid_transition",
        )
    enrolments = programme.enrolments
    waiting = enrolments.filter(status=Enrolment.Status.VOLUNTEERED).count()
    accepted = enrolments.filter(status=Enrolment.Status.ACCEPTED).count()
    invited = programme.invitations.awaiting_answer().count()
    effects: list[str] = []
    if status == Programme.Status.RECRUITING:
        if programme.open_call:
            colleagues = Person.objects.filter(
                organisation=programme.organisation,
                user__isnull=False,
                user__is_active=True,
            ).count()
            effects.append(
                ngettext(
                    "The open call appears in the programme list of the %(count)s "
                    "person of %(organisation)s with an account, who can volunteer.",
                    "The open call appears in the programme list of the %(count)s "
                    "people of %(organisation)s with an account, who can volunteer.",
                    colleagues,
                )
                % {"count": colleagues, "organisation": programme.organisation.name}
            )
        else:
            effects.append(
                _(
                    "The programme has no open call: only the people you invite "
                    "can volunteer."
                )
            )
        effects.append(
            _("Invitations can be sent, and the invitation links accept volunteers.")
        )
        if programme.status == Programme.Status.MATCHING:
            effects.append(
                _(
                    "The matching rounds already run are kept; run a new round "
                    "once the late volunteers are accepted."
                )
            )
    elif status == Programme.Status.MATCHING:
        effects.append(
            _(
                "Recruitment closes: the open call and the invitation links no "
                "longer accept volunteers."
            )
        )
        if invited:
            effects.append(
                ngettext(
                    "%(count)s invited person has not answered yet and will find "
                    "the door closed.",
                    "%(count)s invited people have not answered yet and will find "
                    "the door closed.",
                    invited,
                )
                % {"count": invited}
            )
        if waiting:
            effects.append(
                ngettext(
                    "%(count)s volunteer still waits for your decision: only "
                    "accepted volunteers are matched.",
                    "%(count)s volunteers still wait for your decision: only "
                    "accepted volunteers are matched.",
                    waiting,
                )
                % {"count": waiting}
            )
        effects.append(
            ngettext(
                "%(count)s accepted volunteer takes part in the matching.",
                "%(count)s accepted volunteers take part in the matching.",
                accepted,
            )
            % {"count": accepted}
        )
    elif status == Programme.Status.RUNNING:
        if not programme.matching_rounds.published().exists():
            effects.append(
                _(
                    "No matching round is published: the programme starts without "
                    "any pair. Publishing a round starts the programme too, and "
                    "tells each pair."
                )
            )
        effects.append(
            _(
                "No new matching round can be run; a finished round can still be "
                "published."
            )
        )
    effects.append(_("No one is e-mailed by this step."))
    return effects
