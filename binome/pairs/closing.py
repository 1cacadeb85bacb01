"""Closing a programme: the final survey, mentors' certificates of
participation, the opt-in « découverte de futurs talents », and the archive.

Views call these keyword-only functions; who may call them is checked by the
views' access helpers.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from binome.accounts import audit
from binome.accounts.models import AuditEvent, User
from binome.accounts.notifications import absolute_url, render_email
from binome.programs.models import ConsentRecord, Enrolment, Programme, SkillWish
from binome.programs.services import set_consented_row
from binome.skills.models import Skill

from . import recognition
from .models import (
    AgendaItem,
    Certificate,
    ClosingSurvey,
    Meeting,
    Pair,
    ProgrammeClosing,
    SentReminder,
    TalentFlag,
)

logger = logging.getLogger(__name__)

# The version of the opt-in text of the closing survey (« futurs talents »):
# bump it when the text changes; the consent register keeps the version read.
TALENT_NOTICE_VERSION = "2026-11"


@transaction.atomic
def submit_survey(
    *,
    pair: Pair,
    enrolment: Enrolment,
    confidence_before: int,
    confidence_after: int,
    satisfaction: int,
    would_recommend: bool,
    comment: str = "",
    talent_opt_in: bool = False,
    share_contribution: bool = False,
) -> ClosingSurvey:
    """Record (or update) one participant's final survey. A mentor may opt in
    to be flagged to HR, and to share their contribution with their line
    manager (``recognition``); leaving a box unticked withdraws an earlier
    opt-in."""
    if enrolment.pk not in (pair.mentor_id, pair.mentee_id):
        raise ValidationError(_("Only the pair's members answer its survey."))
    answers = {
        "confidence_before": confidence_before,
        "confidence_after": confidence_after,
        "satisfaction": satisfaction,
    }
    for value in answers.values():
        if not 1 <= value <= 5:
            raise ValidationError(_("Answers go from 1 to 5."))
    survey, _created = ClosingSurvey.objects.update_or_create(
        pair=pair,
        author=enrolment,
        defaults=answers
        | {
            "would_recommend": would_recommend,
            "comment": comment,
            "answered_at": timezone.now(),
        },
    )
    if enrolment.role == Enrolment.Role.MENTOR:
        set_talent_opt_in(enrolment=enrolment, opted_in=talent_opt_in)
        recognition.set_share(enrolment=enrolment, shared=share_contribution)
    return survey


@transaction.atomic
def set_talent_opt_in(*, enrolment: Enrolment, opted_in: bool) -> None:
    """Only a mentor's own, explicit choice creates the opt-in; withdrawing it
    deletes any flag with it. Either way the consent register is updated."""
    if enrolment.role != Enrolment.Role.MENTOR:
        raise ValidationError(_("Only mentors can be flagged as future talents."))
    set_consented_row(
        TalentFlag,
        enrolment=enrolment,
        on=opted_in,
        kind=ConsentRecord.Kind.TALENT_FLAG,
        version=TALENT_NOTICE_VERSION,
        at_field="opted_in_at",
    )


def flag_talent(*, enrolment: Enrolment, by: User) -> TalentFlag:
    flag = TalentFlag.objects.filter(enrolment=enrolment).first()
    if flag is None:
        raise ValidationError(
            _("This mentor has not agreed to be flagged to HR."), code="no_opt_in"
        )
    flag.flagged_at = timezone.now()
    flag.flagged_by = by
    flag.save(update_fields=["flagged_at", "flagged_by"])
    return flag


def _skills_shared(enrolment: Enrolment) -> list[Skill]:
    """The skills on the agenda of the mentor's held sessions, else the skills
    they offered to teach."""
    on_agenda = Skill.objects.filter(
        pk__in=AgendaItem.objects.filter(
            meeting__pair__mentor=enrolment,
            meeting__status=Meeting.Status.HELD,
            skill__isnull=False,
        ).values("skill")
    )
    if not on_agenda.exists():
        on_agenda = Skill.objects.filter(
            pk__in=SkillWish.objects.filter(
                enrolment=enrolment, intent=SkillWish.Intent.TEACH
            ).values("skill")
        )
    return list(on_agenda.order_by("area__kind", "area__position", "position"))


def issue_certificate(*, enrolment: Enrolment) -> Certificate:
    """Issue, or bring up to date, a mentor's certificate of participation."""
    if enrolment.role != Enrolment.Role.MENTOR:
        raise ValidationError(_("Certificates of participation go to mentors."))
    held = Meeting.objects.filter(
        pair__mentor=enrolment, status=Meeting.Status.HELD
    ).aggregate(
        n=Count("pk"),
        minutes=Sum(Coalesce("held_minutes", "duration_minutes")),
    )
    certificate, _created = Certificate.objects.update_or_create(
        enrolment=enrolment,
        defaults={
            "sessions_held": held["n"],
            "minutes_held": held["minutes"] or 0,
            "skills": [
                {"code": s.code, "name_fr": s.name_fr, "name_en": s.name_en}
                for s in _skills_shared(enrolment)
            ],
            "issued_at": timezone.now(),
        },
    )
    return certificate


# How long a manager may reopen a programme closed by mistake. Past it, the
# certificates and the final survey have been out too long to take back.
REOPEN_GRACE_DAYS = 30


@dataclass(frozen=True)
class ClosingPlan:
    """What closing the programme now would do, and to whom: the closing
    page shows it before the manager confirms, and the closing does it."""

    programme: Programme
    pairs: list[Pair]  # still active: they will be closed
    sessions: list[Meeting]  # planned from now on: they will be cancelled
    mentors: list[Enrolment]  # will get a certificate, by e-mail
    surveyed: list[Enrolment]  # told of the closing, with the final survey
    thanked: list[Enrolment]  # told of the closing: they answered already
    unreachable: list[Enrolment]  # in a pair closed now, but no e-mail address
    talent_opt_ins: int  # mentors who opted in « futurs talents » so far
    today: datetime.date

    @property
    def is_early(self) -> bool:
        end = self.programme.end_date
        return end is not None and self.today < end

    @property
    def days_early(self) -> int:
        end = self.programme.end_date
        return (end - self.today).days if end is not None and self.is_early else 0


def _reachable(enrolment: Enrolment) -> bool:
    user = enrolment.person.user
    return user is not None and user.is_active and bool(user.email)


def _answered(pair_ids: list[int]) -> set[tuple[int, int]]:
    """(pair, author) of the final surveys answered in these pairs: a pair
    closed again after a reopening may have answered it already."""
    return set(
        ClosingSurvey.objects.filter(pair__in=pair_ids).values_list(
            "pair_id", "author_id"
        )
    )


def plan_closing(
    *, programme: Programme, now: datetime.datetime | None = None
) -> ClosingPlan:
    now = now or timezone.now()
    pairs = list(
        Pair.objects.in_programme(programme)
        .active()
        .select_related("mentor__person__user", "mentee__person__user")
        .order_by("mentor__person__last_name", "mentee__person__last_name", "pk")
    )
    sessions = list(
        Meeting.objects.planned()
        .filter(pair__in=[p.pk for p in pairs], starts_at__gte=now)
        .select_related("pair__mentor__person", "pair__mentee__person")
        .order_by("starts_at", "pk")
    )
    # Every mentor of the programme who did not withdraw, also when the
    # mentee left earlier: they did mentor.
    mentors = list(
        Enrolment.objects.filter(
            pairs_as_mentor__mentee__programme=programme,
            role=Enrolment.Role.MENTOR,
        )
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("person__user")
        .distinct()
        .order_by("person__last_name", "person__first_name", "pk")
    )
    members = [
        (pair, e)
        for pair in pairs
        for e in (pair.mentor, pair.mentee)
        if e.status != Enrolment.Status.WITHDRAWN
    ]
    answered = _answered([pair.pk for pair in pairs])
    return ClosingPlan(
        programme=programme,
        pairs=pairs,
        sessions=sessions,
        mentors=mentors,
        surveyed=[
            e
            for pair, e in members
            if _reachable(e) and (pair.pk, e.pk) not in answered
        ],
        thanked=[
            e for pair, e in members if _reachable(e) and (pair.pk, e.pk) in answered
        ],
        unreachable=[e for _pair, e in members if not _reachable(e)],
        talent_opt_ins=TalentFlag.objects.filter(
            enrolment__programme=programme
        ).count(),
        today=timezone.localdate(now),
    )


@dataclass(frozen=True)
class ClosingSummary:
    pairs_closed: int
    certificates: int
    sessions_cancelled: int = 0
    surveys: int = 0


def _cancel(meeting: Meeting) -> None:
    # A new SEQUENCE: calendars that synchronised the feed withdraw the event.
    meeting.status = Meeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])


@transaction.atomic
def close_programme(
    *, programme: Programme, by: User, now: datetime.datetime | None = None
) -> ClosingSummary:
    """The one way to close a programme, all or nothing: cancel the planned
    future sessions, close every active pair, issue each mentor's
    certificate, archive the programme (status « closed »), and record what
    was done so that it can be reopened. After the commit, a task e-mails
    each participant that their pair is closed (with the final survey,
    unless they answered it already) and the certificate to each mentor,
    once per closing. A second call (a double submit) is refused and sends
    nothing."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status != Programme.Status.RUNNING:
        raise ValidationError(
            _("Only a running programme can be closed."), code="not_running"
        )
    plan = plan_closing(programme=programme, now=now)
    for meeting in plan.sessions:
        _cancel(meeting)
    for pair in plan.pairs:
        pair.close()
    certificates = [issue_certificate(enrolment=m) for m in plan.mentors]
    closing = ProgrammeClosing.objects.create(
        programme=programme,
        closed_at=now or timezone.now(),
        end_date=programme.end_date,
        pairs=[p.pk for p in plan.pairs],
        meetings=[m.pk for m in plan.sessions],
        certificates=[c.pk for c in certificates],
    )
    programme.move_to(Programme.Status.CLOSED, by_closing=True)
    audit.record(
        AuditEvent.Action.PROGRAMME_CLOSED,
        actor=by,
        target=f"programme:{programme.slug}",
        pairs=len(plan.pairs),
        sessions_cancelled=len(plan.sessions),
        certificates=len(certificates),
        end_date=programme.end_date.isoformat() if programme.end_date else None,
        early=plan.is_early,
    )
    transaction.on_commit(lambda: send_closing_mail.enqueue(closing.pk))
    return ClosingSummary(
        pairs_closed=len(plan.pairs),
        certificates=len(certificates),
        sessions_cancelled=len(plan.sessions),
        surveys=len(plan.surveyed),
    )


def _send_once(
    *,
    user: Any,
    kind: str,
    key: str,
    template: str,
    context: dict[str, Any],
    attachment: tuple[str, bytes, str] | None = None,
) -> int:
    """Send one e-mail unless it was already sent (``SentReminder``): the
    mark and the sending succeed or fail together, so a retried task sends
    what failed and nothing twice."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(user=user, kind=kind, key=key)
            subject, body = render_email(template, context, user.language)
            message = EmailMessage(subject, body, None, [user.email])
            if attachment is not None:
                message.attach(*attachment)
            return message.send()
    except IntegrityError:
        return 0  # sent already, by an earlier run of the task
    except Exception:
        logger.exception("closing e-mail %s to user %s failed", kind, user.pk)
        return 0


@task()
def send_closing_mail(closing_pk: int) -> int:
    """Tell each participant of the pairs the closing closed that their pair
    is closed, with the final survey unless they answered it already (a pair
    closed again after a reopening), and send each mentor the certificate
    (PDF attached); each in their own language and once per closing: a
    retried task sends nothing twice, a later closing tells everyone again.
    Returns how many went out."""
    closing = (
        ProgrammeClosing.objects.select_related("programme")
        .filter(pk=closing_pk, reopened_at__isnull=True)
        .first()
    )
    if closing is None:
        return 0  # reopened before the task ran: nothing to announce
    programme = closing.programme
    cancelled: dict[int, int] = {}
    for pair_id in Meeting.objects.filter(pk__in=closing.meetings).values_list(
        "pair_id", flat=True
    ):
        cancelled[pair_id] = cancelled.get(pair_id, 0) + 1
    sent = 0
    pairs = Pair.objects.filter(pk__in=closing.pairs).select_related(
        "mentor__person__user", "mentee__person__user"
    )
    answered = _answered(list(closing.pairs))
    for pair in pairs:
        for me, partner in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
            if me.status == Enrolment.Status.WITHDRAWN or not _reachable(me):
                continue
            sent += _send_once(
                user=me.person.user,
                # Once per person, pair and closing: closed again after a
                # reopening, the pair is told again (its last e-mail said
                # it was active again).
                kind="programme_closed",
                key=f"closing:{closing.pk}:pair:{pair.pk}",
                template="programme_closed",
                context={
                    "programme": programme.name,
                    "name": me.person.first_name,
                    "partner": partner.person.full_name,
                    "cancelled": cancelled.get(pair.pk, 0),
                    "is_mentor": me.pk == pair.mentor_id,
                    "answered": (pair.pk, me.pk) in answered,
                    "url": absolute_url(reverse("insights:survey", args=[pair.pk])),
                },
            )
    certificates = Certificate.objects.filter(
        pk__in=closing.certificates
    ).select_related("enrolment__person__user", "enrolment__programme")
    for certificate in certificates:
        mentor = certificate.enrolment
        if not _reachable(mentor):
            continue
        user = mentor.person.user
        sent += _send_once(
            user=user,
            kind="certificate",
            key=certificate.number,
            template="certificate_issued",
            context={
                "programme": programme.name,
                "name": mentor.person.first_name,
                "count": certificate.sessions_held,
                "url": absolute_url(
                    reverse("insights:certificate", args=[certificate.pk])
                ),
            },
            attachment=(
                f"certificat-{certificate.number}.pdf",
                certificate_pdf(certificate),
                "application/pdf",
            ),
        )
    # The line managers of the mentors who chose to share their contribution.
    sent += recognition.tell_line_managers(programme)
    logger.info("closing %s: %d e-mail(s) sent", closing_pk, sent)
    return sent


def last_closing(programme: Programme) -> ProgrammeClosing | None:
    """The closing that archived the programme, if it is still closed."""
    if programme.status != Programme.Status.CLOSED:
        return None
    return programme.closings.filter(reopened_at__isnull=True).first()


def reopen_deadline(closing: ProgrammeClosing) -> datetime.datetime:
    return closing.closed_at + datetime.timedelta(days=REOPEN_GRACE_DAYS)


@dataclass(frozen=True)
class ReopenPlan:
    """What reopening would undo: the pairs the closing closed come back
    active, its cancelled sessions still ahead come back planned, and the
    certificates it issued are withdrawn."""

    closing: ProgrammeClosing
    deadline: datetime.datetime
    pairs: list[Pair]
    kept_closed: list[Pair]  # a member withdrew or is paired again meanwhile
    sessions: list[Meeting]  # cancelled by the closing, still ahead
    past_sessions: int  # cancelled by the closing, now past: they stay so
    certificates: list[Certificate]
    told: list[Enrolment]  # get an e-mail: the pair is back


def plan_reopening(
    *, programme: Programme, now: datetime.datetime | None = None
) -> ReopenPlan:
    """Raises ValidationError when the programme cannot be reopened: not
    closed, closed before closings were recorded, or past the grace period."""
    now = now or timezone.now()
    closing = last_closing(programme)
    if closing is None:
        raise ValidationError(
            _("Only a programme closed from its closing page can be reopened."),
            code="not_reopenable",
        )
    deadline = reopen_deadline(closing)
    if now > deadline:
        raise ValidationError(
            _(
                "This programme was closed on %(closed)s; it could be reopened "
                "for %(days)s days, until %(deadline)s. It can no longer be "
                "reopened."
            )
            % {
                "closed": date_format(
                    timezone.localdate(closing.closed_at), "SHORT_DATE_FORMAT"
                ),
                "days": REOPEN_GRACE_DAYS,
                "deadline": date_format(
                    timezone.localdate(deadline), "SHORT_DATE_FORMAT"
                ),
            },
            code="grace_over",
        )
    closed = Pair.objects.filter(
        pk__in=closing.pairs, status=Pair.Status.CLOSED
    ).select_related("mentor__person__user", "mentee__person__user")
    paired_again = set(
        Pair.objects.active()
        .filter(mentee__in=[p.mentee_id for p in closed])
        .values_list("mentee_id", flat=True)
    )
    pairs, kept_closed = [], []
    for pair in closed:
        withdrew = Enrolment.Status.WITHDRAWN in (
            pair.mentor.status,
            pair.mentee.status,
        )
        if withdrew or pair.mentee_id in paired_again:
            kept_closed.append(pair)
        else:
            pairs.append(pair)
    cancelled = Meeting.objects.filter(
        pk__in=closing.meetings,
        status=Meeting.Status.CANCELLED,
        pair__in=[p.pk for p in pairs],
    ).select_related("pair__mentor__person", "pair__mentee__person")
    sessions = [m for m in cancelled if m.starts_at > now]
    return ReopenPlan(
        closing=closing,
        deadline=deadline,
        pairs=pairs,
        kept_closed=kept_closed,
        sessions=sessions,
        past_sessions=len(cancelled) - len(sessions),
        certificates=list(
            Certificate.objects.filter(pk__in=closing.certificates)
            .select_related("enrolment__person")
            .order_by("enrolment__person__last_name", "pk")
        ),
        told=[e for p in pairs for e in (p.mentor, p.mentee) if _reachable(e)],
    )


@dataclass(frozen=True)
class ReopenSummary:
    pairs: int
    sessions: int
    certificates: int


@transaction.atomic
def reopen_programme(
    *, programme: Programme, by: User, now: datetime.datetime | None = None
) -> ReopenSummary:
    """Undo a closing made by mistake, within ``REOPEN_GRACE_DAYS``: its
    pairs active again, its cancelled sessions still ahead planned again,
    its certificates withdrawn (the programme goes on, so what they state
    would no longer be true; the next closing issues new ones), and the
    programme running. The pairs are told after the commit."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    now = now or timezone.now()
    plan = plan_reopening(programme=programme, now=now)
    for pair in plan.pairs:
        pair.reopen()
    for meeting in plan.sessions:
        meeting.status = Meeting.Status.PLANNED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence", "updated_at"])
    numbers = [c.number for c in plan.certificates]
    withdrawn = [c.enrolment_id for c in plan.certificates]
    Certificate.objects.filter(pk__in=[c.pk for c in plan.certificates]).delete()
    closing = plan.closing
    closing.reopened_at = now
    closing.save(update_fields=["reopened_at"])
    programme.move_to(Programme.Status.RUNNING, by_closing=True)
    audit.record(
        AuditEvent.Action.PROGRAMME_REOPENED,
        actor=by,
        target=f"programme:{programme.slug}",
        closed_at=closing.closed_at.isoformat(),
        pairs=len(plan.pairs),
        sessions_restored=len(plan.sessions),
        certificates_withdrawn=numbers,
    )
    # String keys: the arguments of a task travel as JSON.
    restored: dict[str, int] = {}
    for meeting in plan.sessions:
        key = str(meeting.pair_id)
        restored[key] = restored.get(key, 0) + 1
    pair_ids = [p.pk for p in plan.pairs]
    transaction.on_commit(
        lambda: send_reopened_mail.enqueue(closing.pk, pair_ids, restored, withdrawn)
    )
    return ReopenSummary(
        pairs=len(plan.pairs),
        sessions=len(plan.sessions),
        certificates=len(plan.certificates),
    )


@task()
def send_reopened_mail(
    closing_pk: int,
    pair_ids: list[int],
    restored: dict[str, int],
    withdrawn: list[int],
) -> int:
    """Tell both people of each pair reopened that it is active again (and a
    mentor that the certificate received is withdrawn), once."""
    programme = Programme.objects.filter(closings=closing_pk).first()
    if programme is None:
        return 0
    sent = 0
    pairs = Pair.objects.filter(pk__in=pair_ids).select_related(
        "mentor__person__user", "mentee__person__user"
    )
    for pair in pairs:
        for me, partner in ((pair.mentor, pair.mentee), (pair.mentee, pair.mentor)):
            if not _reachable(me):
                continue
            sent += _send_once(
                user=me.person.user,
                kind="programme_reopened",
                key=f"closing:{closing_pk}:pair:{pair.pk}",
                template="programme_reopened",
                context={
                    "programme": programme.name,
                    "name": me.person.first_name,
                    "partner": partner.person.full_name,
                    "restored": restored.get(str(pair.pk), 0),
                    "certificate_withdrawn": me.pk in withdrawn,
                    "url": absolute_url(reverse("pairs:workspace", args=[pair.pk])),
                },
            )
    return sent


CERTIFICATE_DENSITIES = ("", "compact", "tight")


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str


def certificate_signatory(programme: Programme) -> Signatory | None:
    """Who signs the programme's certificates: its first sponsor, else its
    first manager, named as in the HR records (job title, else the role).
    None when nobody has a name: the certificate then leaves the name blank."""
    roles = (
        (programme.sponsors, _("Programme sponsor")),
        (programme.managers, _("Programme manager")),
    )
    for users, role in roles:
        for user in users.select_related("person").order_by("pk"):
            person = getattr(user, "person", None)
            name = (person.full_name if person else "") or user.get_full_name()
            if name.strip():
                title = (person.job_title if person else "") or str(role)
                return Signatory(name=name.strip(), title=title)
    return None


def certificate_end_date(certificate: Certificate) -> datetime.date | None:
    """The last day the certificate states: the programme's end date, or
    the day it was closed when that came earlier (an early closure)."""
    programme = certificate.enrolment.programme
    end = programme.end_date
    closing = programme.closings.filter(reopened_at__isnull=True).first()
    if closing is None or certificate.pk not in closing.certificates:
        return end  # not issued by the programme's closing
    closed = timezone.localdate(closing.closed_at)
    return closed if end is None or closed < end else end


def certificate_document(
    certificate: Certificate, *, language: str | None = None
) -> Any:
    """The certificate laid out by WeasyPrint (a ``weasyprint.Document``: its
    ``pages`` can be counted before it is written)."""
    from weasyprint import HTML

    enrolment = certificate.enrolment
    user: Any = enrolment.person.user
    language = language or getattr(user, "language", "") or settings.LANGUAGE_CODE
    programme = enrolment.programme
    with translation.override(language):
        context = {
            "certificate": certificate,
            "person": enrolment.person,
            "programme": programme,
            "end_date": certificate_end_date(certificate),
            "hours": round(certificate.minutes_held / 60, 1),
            "skills": certificate.skill_names(),
            "signatory": certificate_signatory(programme),
        }
        # Denser type until it fits one page: only extreme inputs (names of
        # hundreds of characters, dozens of skills) need a second layout.
        for density in CERTIFICATE_DENSITIES:
            html = render_to_string(
                "pairs/closing_certificate.html", context | {"density": density}
            )
            document = HTML(string=html).render()
            if len(document.pages) == 1:
                break
    return document


def certificate_pdf(certificate: Certificate, *, language: str | None = None) -> bytes:
    """The certificate as a one-page A4 PDF, in the mentor's language."""
    pdf: bytes = certificate_document(certificate, language=language).write_pdf()
    return pdf
