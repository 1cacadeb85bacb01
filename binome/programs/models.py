from __future__ import annotations

import datetime
import decimal
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from binome.bilingual import localised
from binome.people.models import Organisation, Person
from binome.skills.models import Skill

from . import matching_settings

# The matching settings are described once, in matching_settings.py; these
# names stay for the code (and migrations) that use them.
MATCHING_WEIGHTS: dict[str, tuple[Any, float]] = {
    s.name: (s.label, s.default) for s in matching_settings.WEIGHTS
}
MATCHING_RULES: dict[str, tuple[Any, Any]] = {
    s.name: (s.label, s.default) for s in matching_settings.PROGRAMME_RULES
}
RULE_CHOICES = {
    s.name: {code for code, _label in s.choices}
    for s in matching_settings.PROGRAMME_RULES
    if s.kind == "choice"
}


INVITATION_SALT = "binome.programs.invitation"


def _new_nonce() -> str:
    return secrets.token_urlsafe(12)


def default_weights() -> dict[str, float]:
    return matching_settings.default_weights()


def default_rules() -> dict[str, Any]:
    return matching_settings.default_rules()


def validate_weights(value: object) -> None:
    """Model validator of ``Programme.matching_weights`` (migrations name it)."""
    errors = matching_settings.weight_errors(value)
    if errors:
        raise ValidationError(errors)


def validate_rules(value: object) -> None:
    """Model validator of ``Programme.matching_rules`` (migrations name it)."""
    errors = matching_settings.rule_errors(value)
    if errors:
        raise ValidationError(errors)


class ProgrammeQuerySet(models.QuerySet["Programme"]):
    def managed_by(self, user: Any) -> ProgrammeQuerySet:
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        # The organisation's HR administrators manage all its programmes.
        return self.filter(
            Q(managers=user) | Q(organisation__administrators=user)
        ).distinct()

    def sponsored_by(self, user: Any) -> ProgrammeQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(sponsors=user)

    def with_participant(self, user: Any) -> ProgrammeQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(enrolments__person__user=user).distinct()


class Programme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        RECRUITING = "recruiting", _("Recruiting")
        MATCHING = "matching", _("Matching")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    class Format(models.TextChoices):
        REMOTE = "remote", _("Remote")
        ONSITE = "onsite", _("On site")
        HYBRID = "hybrid", _("Remote or on site")

    # The lifecycle only moves forward, one step at a time, except that a
    # programme can go back from matching to recruiting to take late volunteers.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.RECRUITING},
        Status.RECRUITING: {Status.MATCHING},
        Status.MATCHING: {Status.RECRUITING, Status.RUNNING},
        Status.RUNNING: {Status.CLOSED},
        Status.CLOSED: set(),
    }
    # Steps only the closing service takes (see ``move_to``): closing, and
    # reopening within the grace period.
    CLOSING_STEPS: set[tuple[str, str]] = {
        (Status.RUNNING, Status.CLOSED),
        (Status.CLOSED, Status.RUNNING),
    }

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="programmes",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_pilot = models.BooleanField(
        _("pilot"), default=False, help_text=_("A pilot usually has 5 to 10 pairs.")
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    cadence_days = models.PositiveSmallIntegerField(
        _("days between sessions"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.HYBRID
    )
    # Eligibility uses hierarchy level and seniority, never age.
    mentor_max_level = models.PositiveSmallIntegerField(
        _("highest level of a mentor"),
        choices=Person.Level.choices,
        null=True,
        blank=True,
    )
    mentee_min_level = models.PositiveSmallIntegerField(
        _("lowest level of a mentee"),
        choices=Person.Level.choices,
        null=True,
        blank=True,
    )
    mentor_max_seniority = models.PositiveSmallIntegerField(
        _("maximum seniority of a mentor (years)"), null=True, blank=True
    )
    mentee_min_seniority = models.PositiveSmallIntegerField(
        _("minimum seniority of a mentee (years)"), null=True, blank=True
    )
    mentor_capacity = models.PositiveSmallIntegerField(
        _("mentees per mentor"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    matching_weights = models.JSONField(
        _("matching weights"),
        default=default_weights,
        blank=True,
        validators=[validate_weights],
    )
    matching_rules = models.JSONField(
        _("matching rules"),
        default=default_rules,
        blank=True,
        validators=[validate_rules],
    )
    skills = models.ManyToManyField(
        Skill,
        blank=True,
        related_name="programmes",
        verbose_name=_("skills in use"),
        help_text=_("Leave empty to use the whole catalogue."),
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="managed_programmes",
        verbose_name=_("programme managers"),
    )
    open_call = models.BooleanField(
        _("open call for volunteers"),
        default=False,
        help_text=_(
            "Everyone in the organisation sees the programme and may volunteer. "
            "Otherwise, only people with the invitation link can join."
        ),
    )
    invitation_nonce = models.CharField(
        _("invitation key"),
        max_length=32,
        default=_new_nonce,
        editable=False,
        help_text=_("Changing it revokes every invitation link sent so far."),
    )
    invitation_message = models.TextField(
        _("personal message of the invitations"),
        blank=True,
        max_length=2000,
        help_text=_(
            "Added to the invitation e-mails, e.g. why this programme matters to "
            "the company. Plain text."
        ),
    )
    require_preparation = models.BooleanField(
        _("preparation required before matching"),
        default=False,
        help_text=_("Mentors must complete the didactics module to be matched."),
    )
    coffee_enabled = models.BooleanField(
        _("shortlist and « café virtuel »"),
        default=False,
        help_text=_(
            "Mentees see recommended mentors and can meet them for an introductory "
            "coffee before the pairs are final."
        ),
    )
    shortlist_size = models.PositiveSmallIntegerField(
        _("mentors in a shortlist"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    panel = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="casting_panels",
        verbose_name=_("casting panel"),
        help_text=_("People who assess mentor candidates, besides the managers."),
    )
    sponsors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="sponsored_programmes",
        verbose_name=_("sponsors"),
        help_text=_("They see the programme's aggregate results, never names."),
    )
    cloned_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clones",
        verbose_name=_("cloned from"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=["draft", "recruiting", "matching", "running", "closed"]
                ),
                name="programme_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="programme_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=10) & Q(session_minutes__lte=240),
                name="programme_session_minutes_range",
            ),
            models.CheckConstraint(
                condition=Q(cadence_days__gte=1) & Q(cadence_days__lte=90),
                name="programme_cadence_range",
            ),
            models.CheckConstraint(
                condition=Q(mentor_capacity__gte=1) & Q(mentor_capacity__lte=10),
                name="programme_capacity_range",
            ),
            models.CheckConstraint(
                condition=Q(shortlist_size__gte=1) & Q(shortlist_size__lte=10),
                name="programme_shortlist_size_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def weights(self) -> dict[str, float]:
        """The programme's weights, completed with the defaults."""
        return default_weights() | dict(self.matching_weights or {})

    def rules(self) -> dict[str, Any]:
        """The programme's hard rules, completed with the defaults."""
        return default_rules() | dict(self.matching_rules or {})

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @staticmethod
    def closing_required_message() -> str:
        return gettext(
            "A programme is closed from its closing page, which sends the "
            "final survey, closes the pairs and issues the certificates."
        )

    def move_to(self, status: str, *, by_closing: bool = False) -> None:
        """Move along the lifecycle; raises ValidationError on a forbidden step.

        Closing (and reopening) a programme does more than change its status:
        the final survey, the pairs, the planned sessions, the certificates.
        Only the closing service (``binome.pairs.closing``) passes
        ``by_closing``, so that no other path can archive a programme half
        done (a status button once left its pairs active, without
        certificates)."""
        closing_step = (self.status, status) in self.CLOSING_STEPS
        if closing_step and not by_closing:
            raise ValidationError(
                self.closing_required_message(), code="closing_required"
            )
        if not (closing_step or self.can_move_to(status)):
            raise ValidationError(
                _("A programme cannot go from %(old)s to %(new)s."),
                params={
                    "old": self.get_status_display(),
                    "new": self.Status(status).label,
                },
                code="invalid_transition",
            )
        self.status = status
        self.save(update_fields=["status"])

    def ineligibility_reasons(
        self, person: Person, role: str, today: datetime.date | None = None
    ) -> list[str]:
        """Why a person may not take a role here; an empty list means eligible."""
        reasons: list[str] = []
        seniority = person.seniority_years(today)
        if role == Enrolment.Role.MENTOR:
            if (
                self.mentor_max_level is not None
                and person.level > self.mentor_max_level
            ):
                reasons.append(
                    gettext("Mentors are at level %(level)s or below.")
                    % {"level": self.mentor_max_level}
                )
            if (
                self.mentor_max_seniority is not None
                and seniority is not None
                and seniority > self.mentor_max_seniority
            ):
                reasons.append(
                    gettext("Mentors have at most %(years)s years in the company.")
                    % {"years": self.mentor_max_seniority}
                )
        else:
            if (
                self.mentee_min_level is not None
                and person.level < self.mentee_min_level
            ):
                reasons.append(
                    gettext("Mentees are at level %(level)s or above.")
                    % {"level": self.mentee_min_level}
                )
            if self.mentee_min_seniority is not None and (
                seniority is None or seniority < self.mentee_min_seniority
            ):
                reasons.append(
                    gettext("Mentees have at least %(years)s years in the company.")
                    % {"years": self.mentee_min_seniority}
                )
        return reasons

    @property
    def is_recruiting(self) -> bool:
        return self.status == self.Status.RECRUITING

    def invitation_token(self) -> str:
        """A signed token for the invitation link; rotating the nonce revokes it."""
        return signing.dumps([self.pk, self.invitation_nonce], salt=INVITATION_SALT)

    def revoke_invitations(self) -> None:
        self.invitation_nonce = _new_nonce()
        self.save(update_fields=["invitation_nonce"])

    @classmethod
    def from_invitation(cls, token: str) -> Programme | None:
        """The programme a token invites to, or None if forged or revoked."""
        try:
            pk, nonce = signing.loads(token, salt=INVITATION_SALT)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return cls.objects.filter(pk=pk, invitation_nonce=nonce).first()

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date comes before the start date.")}
            )


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def active(self) -> EnrolmentQuerySet:
        return self.exclude(
            status__in=[Enrolment.Status.WITHDRAWN, Enrolment.Status.DECLINED]
        )

    def mentors(self) -> EnrolmentQuerySet:
        return self.filter(role=Enrolment.Role.MENTOR)

    def mentees(self) -> EnrolmentQuerySet:
        return self.filter(role=Enrolment.Role.MENTEE)

    def for_user(self, user: Any) -> EnrolmentQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(person__user=user)


class Enrolment(models.Model):
    """A person's participation in a programme, in one role. Opt-in only."""

    class Role(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        VOLUNTEERED = "volunteered", _("Volunteered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("programme"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.INVITED
    )
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_version = models.CharField(
        _("version of the consent notice"), max_length=20, blank=True
    )
    motivation = models.TextField(_("motivation"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("mentees (for a mentor)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Leave empty to use the programme's setting."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["programme", "role", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person", "role"], name="enrolment_unique_role"
            ),
            models.CheckConstraint(
                condition=Q(role__in=["mentor", "mentee"]), name="enrolment_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "invited",
                        "volunteered",
                        "accepted",
                        "declined",
                        "withdrawn",
                    ]
                ),
                name="enrolment_status_valid",
            ),
            # Opt-in: nobody goes past the invitation without consenting.
            models.CheckConstraint(
                condition=Q(status="invited") | Q(consent_at__isnull=False),
                name="enrolment_consent_required",
            ),
            models.CheckConstraint(
                condition=Q(status="withdrawn") | Q(withdrawn_at__isnull=True),
                name="enrolment_withdrawn_at_only_when_withdrawn",
            ),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True)
                | (Q(capacity__gte=1) & Q(capacity__lte=10)),
                name="enrolment_capacity_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.get_role_display()} – {self.programme}"

    @property
    def effective_capacity(self) -> int:
        return self.capacity or self.programme.mentor_capacity

    def give_consent(self, *, version: str) -> None:
        self.consent_at = timezone.now()
        self.consent_version = version
        if self.status == self.Status.INVITED:
            self.status = self.Status.VOLUNTEERED

    def withdraw(self) -> None:
        self.status = self.Status.WITHDRAWN
        self.withdrawn_at = timezone.now()
        self.save(update_fields=["status", "withdrawn_at", "updated_at"])


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def current(self) -> ConsentRecordQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class ConsentRecord(models.Model):
    """The register of consents (GDPR art. 7(1): the controller must be able
    to show that the person consented): which notice, in which version, when,
    and when it was withdrawn. Giving a consent again opens a new record.

    The record holds ids and dates only, so it survives an erasure as proof,
    without any name. Written by binome/programs/services.py
    (``record_consent``, ``withdraw_consent``)."""

    class Kind(models.TextChoices):
        ENROLMENT = "enrolment", _("Taking part in a programme")
        TALENT_FLAG = "talent_flag", _("Being flagged to HR as a future talent")
        CONTRIBUTION_SHARE = (
            "contribution_share",
            _("Sharing one's contribution as a mentor with one's line manager"),
        )

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="consents",
        verbose_name=_("person"),
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consents",
        verbose_name=_("enrolment"),
    )
    kind = models.CharField(_("consent to"), max_length=20, choices=Kind.choices)
    notice_version = models.CharField(_("version of the notice"), max_length=20)
    given_at = models.DateTimeField(_("given at"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        ordering = ["-given_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(withdrawn_at__gte=F("given_at")),
                name="consent_withdrawn_after_given",
            ),
            # One open consent of a kind per enrolment.
            models.UniqueConstraint(
                fields=["enrolment", "kind"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_open_per_enrolment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.notice_version})"

    @property
    def is_current(self) -> bool:
        return self.withdrawn_at is None


class SkillWish(models.Model):
    """A skill a participant wants to learn (with a priority) or can teach."""

    class Intent(models.TextChoices):
        LEARN = "learn", _("Wants to learn")
        TEACH = "teach", _("Can teach")

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="skill_wishes",
        verbose_name=_("enrolment"),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )
    intent = models.CharField(_("intent"), max_length=10, choices=Intent.choices)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 = nice to have, 3 = essential."),
    )

    class Meta:
        verbose_name = _("skill wish")
        verbose_name_plural = _("skill wishes")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "skill", "intent"], name="skill_wish_unique"
            ),
            models.CheckConstraint(
                condition=Q(priority__gte=1) & Q(priority__lte=3),
                name="skill_wish_priority_range",
            ),
            models.CheckConstraint(
                condition=Q(intent__in=["learn", "teach"]),
                name="skill_wish_intent_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_intent_display()}: {self.skill}"


def smart_hints(*, target_value: Any, due_date: datetime.date | None) -> dict[str, str]:
    """Field name → a friendly suggestion, for a goal that has no number or
    no date: SMART goals are measurable and dated. A suggestion, never a
    refusal: the goal is kept as written."""
    hints = {}
    if target_value is None:
        hints["target_value"] = gettext(
            "Add a target number to measure it: for example 3 LinkedIn posts."
        )
    if due_date is None:
        hints["due_date"] = gettext(
            "Add a date to aim for: for example in a month, or before the next session."
        )
    return hints


class Goal(models.Model):
    """A participant's goal with a simple, measurable KPI."""

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="goals",
        verbose_name=_("enrolment"),
    )
    title = models.CharField(_("goal"), max_length=200)
    kpi = models.CharField(
        _("measurable target"),
        max_length=200,
        help_text=_("For example: « publish one LinkedIn post a week »."),
    )
    target_value = models.DecimalField(
        _("target value"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    skill = models.ForeignKey(
        Skill,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked skill"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["enrolment", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_value__isnull=True) | Q(target_value__gt=0),
                name="goal_target_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def smart_hints(self) -> dict[str, str]:
        """What would make this goal measurable and dated (SMART)."""
        return smart_hints(target_value=self.target_value, due_date=self.due_date)


class CastingReview(models.Model):
    """One assessor's grid for a mentor candidate (« casting »).

    Knowing a tool is not the same as teaching it: the grid scores what makes
    a good reverse mentor. Its mean feeds matching as the teaching score.
    """

    CRITERIA = ["expertise", "teaching", "communication", "posture", "availability"]

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="casting_reviews",
        verbose_name=_("mentor candidate"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="casting_reviews",
        verbose_name=_("assessor"),
    )
    expertise = models.PositiveSmallIntegerField(
        _("expertise"), help_text=_("Masters the skills they offer to teach.")
    )
    teaching = models.PositiveSmallIntegerField(
        _("teaching ability"),
        help_text=_("Patient; explains step by step, without jargon."),
    )
    communication = models.PositiveSmallIntegerField(
        _("communication"), help_text=_("Listens, rephrases, adapts to the person.")
    )
    posture = models.PositiveSmallIntegerField(
        _("posture"),
        help_text=_("« Neither arrogant nor a hotline »: respectful and firm."),
    )
    availability = models.PositiveSmallIntegerField(
        _("availability"), help_text=_("Can hold 30 minutes every two weeks.")
    )
    expertise_comment = models.TextField(_("comment on expertise"), blank=True)
    teaching_comment = models.TextField(_("comment on teaching ability"), blank=True)
    communication_comment = models.TextField(_("comment on communication"), blank=True)
    posture_comment = models.TextField(_("comment on posture"), blank=True)
    availability_comment = models.TextField(_("comment on availability"), blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("casting review")
        verbose_name_plural = _("casting reviews")
        ordering = ["enrolment", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "reviewer"], name="casting_one_review_per_reviewer"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{c}__lte": 4}), name=f"casting_{c}_range"
                )
                for c in [
                    "expertise",
                    "teaching",
                    "communication",
                    "posture",
                    "availability",
                ]
            ],
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.person} – {self.score:.1f}"

    @property
    def score(self) -> float:
        """The grid's mean, on the 0–4 scale."""
        marks: list[int] = [getattr(self, c) for c in self.CRITERIA]
        return sum(marks) / len(marks)


class PreparationStep(models.Model):
    """One step of the mentors' didactics module: editable content, not code."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    body_fr = models.TextField(_("content (French)"))
    body_en = models.TextField(_("content (English)"))
    question_fr = models.CharField(_("self-check question (French)"), max_length=300)
    question_en = models.CharField(_("self-check question (English)"), max_length=300)
    explanation_fr = models.TextField(_("explanation (French)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("preparation step")
        verbose_name_plural = _("preparation steps")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def _localised(self, field: str) -> Any:
        return _localised(self, field)

    @property
    def title(self) -> str:
        return str(self._localised("title"))

    @property
    def body(self) -> str:
        return str(self._localised("body"))

    @property
    def question(self) -> str:
        return str(self._localised("question"))

    @property
    def explanation(self) -> str:
        return str(self._localised("explanation"))

    @property
    def correct_choice(self) -> int:
        """The id of the right answer (what the self-check form posts); the
        admin makes sure there is exactly one."""
        right = [a.pk for a in self.answers.all() if a.is_correct]
        if not right:
            raise LookupError(f"preparation step {self.pk} has no right answer")
        return right[0]

    def answers_for(self, person: Person) -> list[PreparationChoice]:
        """The answers in the order this person sees them.

        Stored in the order HR wrote them (the right one often in the same
        place), they are shuffled per person and per question, so the
        position gives nothing away; the order is derived from ids, not
        drawn at random, so it stays the same from one visit to the next."""

        def key(answer: PreparationChoice) -> str:
            seed = f"preparation:{person.pk}:{self.pk}:{answer.pk}"
            return hashlib.sha256(seed.encode()).hexdigest()

        return sorted(self.answers.all(), key=key)


class PreparationChoice(models.Model):
    """One answer to a step's self-check question, in both languages."""

    step = models.ForeignKey(
        PreparationStep,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("step"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_fr = models.CharField(_("answer (French)"), max_length=300)
    text_en = models.CharField(_("answer (English)"), max_length=300)
    is_correct = models.BooleanField(_("right answer"), default=False)

    class Meta:
        verbose_name = _("self-check answer")
        verbose_name_plural = _("self-check answers")
        ordering = ["step", "position", "id"]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return str(_localised(self, "text"))


def _localised(obj: models.Model, field: str) -> str:
    """``field_en`` in English when written, ``field_fr`` otherwise."""
    return localised(obj, field)[0]


class GoalExample(models.Model):
    """An example goal shown next to the goal form; each can prefill it."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_fr = models.CharField(_("title (French)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    kpi_fr = models.CharField(_("measurable target (French)"), max_length=200)
    kpi_en = models.CharField(_("measurable target (English)"), max_length=200)
    target_value = models.DecimalField(
        _("target value"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    unit_fr = models.CharField(_("unit (French)"), max_length=50, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=50, blank=True)
    skill = models.ForeignKey(
        Skill,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skill"),
        help_text=_("Prefilled when the participant wants to learn this skill."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("goal example")
        verbose_name_plural = _("goal examples")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return str(_localised(self, "title"))

    @property
    def kpi(self) -> str:
        return str(_localised(self, "kpi"))

    @property
    def unit(self) -> str:
        return str(_localised(self, "unit"))

    @property
    def target_value_shown(self) -> int | decimal.Decimal | None:
        """4, not 4.00, in the prefilled form."""
        value = self.target_value
        if value is not None and value == value.to_integral_value():
            return int(value)
        return value


class PreparationQuerySet(models.QuerySet["PreparationCompletion"]):
    def for_person(self, person: Person) -> PreparationQuerySet:
        return self.filter(person=person)


class PreparationCompletion(models.Model):
    """A step a person has completed; the module is done once for all programmes."""

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="preparation_completions",
        verbose_name=_("person"),
    )
    step = models.ForeignKey(
        PreparationStep,
        on_delete=models.CASCADE,
        related_name="completions",
        verbose_name=_("step"),
    )
    completed_at = models.DateTimeField(_("completed at"), default=timezone.now)

    objects = PreparationQuerySet.as_manager()

    class Meta:
        verbose_name = _("completed preparation step")
        verbose_name_plural = _("completed preparation steps")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "step"], name="preparation_step_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.step}"


def preparation_done(person: Person) -> bool:
    """True when the person has completed every active step of the module."""
    active = PreparationStep.objects.filter(is_active=True)
    return not active.exclude(completions__person=person).exists()


# An introductory coffee is short (see templates/matching/coffee.html).
COFFEE_DURATION = datetime.timedelta(minutes=15)


class CoffeeChatQuerySet(models.QuerySet["CoffeeChat"]):
    def for_user(self, user: Any) -> CoffeeChatQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(Q(mentor__person__user=user) | Q(mentee__person__user=user))


class CoffeeChat(models.Model):
    """A « café virtuel »: an introductory coffee before the pair is final."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    class Verdict(models.TextChoices):
        PREFER = "prefer", _("It clicked: I would like to pair up")
        NEUTRAL = "neutral", _("Neutral")
        AVOID = "avoid", _("It did not click")

    mentee = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="coffees_as_mentee",
        verbose_name=_("mentee"),
    )
    mentor = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="coffees_as_mentor",
        verbose_name=_("mentor"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)
    mentee_verdict = models.CharField(
        _("mentee's verdict"), max_length=10, choices=Verdict.choices, blank=True
    )
    mentor_verdict = models.CharField(
        _("mentor's verdict"), max_length=10, choices=Verdict.choices, blank=True
    )
    starts_at = models.DateTimeField(
        _("proposed time"),
        null=True,
        blank=True,
        help_text=_("When the mentee proposes to meet; the invitation carries it."),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = CoffeeChatQuerySet.as_manager()

    class Meta:
        verbose_name = _("« café virtuel »")
        verbose_name_plural = _("« cafés virtuels »")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentee", "mentor"], name="coffee_once_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(mentee=F("mentor")), name="coffee_distinct_enrolments"
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["requested", "accepted", "declined", "cancelled"]
                ),
                name="coffee_status_valid",
            ),
            # A verdict only after the coffee was accepted (and so could be held).
            models.CheckConstraint(
                condition=Q(status="accepted")
                | (Q(mentee_verdict="") & Q(mentor_verdict="")),
                name="coffee_verdict_after_acceptance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee.person} ☕ {self.mentor.person}"

    @property
    def ends_at(self) -> datetime.datetime | None:
        if self.starts_at is None:
            return None
        return self.starts_at + COFFEE_DURATION

    @property
    def shows_contacts(self) -> bool:
        """Contact details are shared once the coffee is agreed, not before."""
        return self.status == self.Status.ACCEPTED

    def verdict_for_matching(self) -> str:
        """The pair's combined verdict: any « avoid » wins, then any « prefer »."""
        verdicts = {self.mentee_verdict, self.mentor_verdict}
        if self.Verdict.AVOID in verdicts:
            return self.Verdict.AVOID
        if self.Verdict.PREFER in verdicts:
            return self.Verdict.PREFER
        return self.Verdict.NEUTRAL


class PeopleImport(models.Model):
    """An uploaded HRIS file, kept between the dry-run preview and the
    confirmation so that what is written is exactly what was previewed."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="imports",
        verbose_name=_("programme"),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("checksum"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)

    class Meta:
        verbose_name = _("people import")
        verbose_name_plural = _("people imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


PERSONAL_INVITATION_SALT = "binome.programs.personal-invitation"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def awaiting_answer(self) -> InvitationQuerySet:
        """Sent, neither declined nor answered by joining the programme."""
        return self.filter(declined_at__isnull=True, joined_at__isnull=True)


class Invitation(models.Model):
    """One person invited to one programme by e-mail: when, by whom, and what
    became of it (opened, joined, declined), for the HR manager's follow-up.
    The e-mail carries a personal link (``token()``) that opens the
    invitation, lets a person without an account create one, and expires."""

    class State(models.TextChoices):
        SENT = "sent", pgettext_lazy("invitation", "Sent")
        OPENED = "opened", pgettext_lazy("invitation", "Opened")
        JOINED = "joined", pgettext_lazy("invitation", "Joined")
        DECLINED = "declined", pgettext_lazy("invitation", "Declined")
        # Joined, then left the programme (known from the enrolments).
        WITHDRAWN = "withdrawn", pgettext_lazy("invitation", "Joined, then withdrew")

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("programme"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("person"),
    )
    email = models.EmailField(_("sent to"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("first sent at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("last sent at"))
    send_count = models.PositiveSmallIntegerField(_("e-mails sent"), default=1)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    joined_at = models.DateTimeField(_("joined at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "person"], name="invitation_unique_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.programme}"

    @property
    def state(self) -> str:
        if self.declined_at:
            return self.State.DECLINED
        if self.joined_at:
            return self.State.JOINED
        if self.opened_at:
            return self.State.OPENED
        return self.State.SENT

    def token(self) -> str:
        """The personal link's token: signed and dated (it expires), and bound
        to the programme's invitation key (replacing the programme's link
        revokes it too)."""
        return signing.dumps(
            [self.pk, self.programme.invitation_nonce], salt=PERSONAL_INVITATION_SALT
        )

    @classmethod
    def from_token(cls, token: str) -> Invitation | None:
        """The invitation of a personal link, or None if forged, expired or
        revoked."""
        max_age = int(settings.INVITATION_LINK_DAYS) * 24 * 3600
        try:
            pk, nonce = signing.loads(
                token, salt=PERSONAL_INVITATION_SALT, max_age=max_age
            )
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return (
            cls.objects.select_related(
                "programme", "person__user", "programme__organisation"
            )
            .filter(pk=pk, programme__invitation_nonce=nonce)
            .first()
        )


class ProfileCorrectionQuerySet(models.QuerySet["ProfileCorrection"]):
    def open(self) -> ProfileCorrectionQuerySet:
        return self.filter(status=ProfileCorrection.Status.OPEN)

    def for_programme(self, programme: Programme) -> ProfileCorrectionQuerySet:
        """Requests of the people taking part in the programme (not withdrawn)."""
        return self.filter(
            person__in=programme.enrolments.exclude(
                status=Enrolment.Status.WITHDRAWN
            ).values("person")
        )


class ProfileCorrection(models.Model):
    """A participant asks HR to correct one of the HR-owned fields of their
    profile (Person.HR_FIELDS), which they cannot change themselves. The
    managers of their programmes (or the organisation's HR administrators)
    accept it, which changes the value (audit-logged), or reject it with a
    message. Written by binome/programs/corrections.py."""

    class Field(models.TextChoices):
        DEPARTMENT = "department", _("department")
        SITE = "site", _("site")
        LEVEL = "level", pgettext_lazy("hierarchy", "level")
        MANAGER = "manager", _("line manager")
        HIRE_YEAR = "hire_year", _("year of hire")

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for HR")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="profile_corrections",
        verbose_name=_("person"),
    )
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    current_value = models.CharField(_("value when asked"), max_length=200, blank=True)
    proposed_value = models.CharField(_("proposed value"), max_length=200)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    answer = models.TextField(_("HR's answer"), blank=True, max_length=1000)

    objects = ProfileCorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("profile correction request")
        verbose_name_plural = _("profile correction requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One open request per field: a double submit does not ask twice.
            models.UniqueConstraint(
                fields=["person", "field"],
                condition=Q(status="open"),
                name="one_open_correction_per_field",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "accepted", "rejected"]),
                name="correction_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    field__in=["department", "site", "level", "manager", "hire_year"]
                ),
                name="correction_field_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_field_display()}"
