"""Closing a programme: the final survey, mentors' certificates of
participation, the opt-in « découverte de futurs talents », and the archive.

Views call these keyword-only functions; who may call them is checked by the
views' access helpers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from binome.accounts.models import User
from binome.programs.models import ConsentRecord, Enrolment, Programme, SkillWish
from binome.programs.services import record_consent, withdraw_consent
from binome.skills.models import Skill

from .models import AgendaItem, Certificate, ClosingSurvey, Meeting, Pair, TalentFlag

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
) -> ClosingSurvey:
    """Record (or update) one participant's final survey. A mentor may opt in
    to be flagged to HR; leaving the box unticked withdraws an earlier opt-in."""
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
    return survey


@transaction.atomic
def set_talent_opt_in(*, enrolment: Enrolment, opted_in: bool) -> None:
    """Only a mentor's own, explicit choice creates the opt-in; withdrawing it
    deletes any flag with it. Either way the consent register is updated."""
    if enrolment.role != Enrolment.Role.MENTOR:
        raise ValidationError(_("Only mentors can be flagged as future talents."))
    if opted_in:
        flag, created = TalentFlag.objects.get_or_create(enrolment=enrolment)
        if created:
            record_consent(
                enrolment=enrolment,
                kind=ConsentRecord.Kind.TALENT_FLAG,
                version=TALENT_NOTICE_VERSION,
                at=flag.opted_in_at,
            )
    elif TalentFlag.objects.filter(enrolment=enrolment).delete()[0]:
        withdraw_consent(enrolment=enrolment, kind=ConsentRecord.Kind.TALENT_FLAG)


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


@dataclass(frozen=True)
class ClosingSummary:
    pairs_closed: int
    certificates: int


@transaction.atomic
def close_programme(*, programme: Programme, by: User) -> ClosingSummary:
    """Close every active pair, issue each mentor's certificate, then archive
    the programme (status « closed »). Surveys can still be answered."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.status != Programme.Status.RUNNING:
        raise ValidationError(
            _("Only a running programme can be closed."), code="not_running"
        )
    today = timezone.localdate()
    closed = (
        Pair.objects.in_programme(programme)
        .active()
        .update(status=Pair.Status.CLOSED, closed_on=today)
    )
    mentors = Enrolment.objects.filter(
        Q(pairs_as_mentor__mentee__programme=programme)
    ).distinct()
    certificates = [issue_certificate(enrolment=m) for m in mentors]
    programme.move_to(Programme.Status.CLOSED)
    return ClosingSummary(pairs_closed=closed, certificates=len(certificates))


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
