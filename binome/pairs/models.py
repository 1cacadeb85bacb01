from __future__ import annotations

import datetime
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from binome.bilingual import localised, reads_english
from binome.programs.models import Enrolment, Programme, smart_hints
from binome.skills.models import Skill


class PairQuerySet(models.QuerySet["Pair"]):
    def active(self) -> PairQuerySet:
        return self.filter(status=Pair.Status.ACTIVE)

    def in_programme(self, programme: Programme) -> PairQuerySet:
        return self.filter(mentee__programme=programme)

    def for_user(self, user: Any) -> PairQuerySet:
        """The pairs a user belongs to, as mentor or mentee."""
        if not user.is_authenticated:
            return self.none()
        # A union of the two sides, not an OR across the joins: PostgreSQL
        # could not use the indexes for the OR and scanned every person (130
        # to 390 ms for each call at 100,000 employees, against 4 ms).
        mine = (
            Pair.objects.order_by()
            .filter(mentor__person__user=user)
            .values("pk")
            .union(
                Pair.objects.order_by().filter(mentee__person__user=user).values("pk")
            )
        )
        return self.filter(pk__in=mine)


class Pair(models.Model):
    """A binôme: one mentor and one mentee of the same programme."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    mentor = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="pairs_as_mentor",
        verbose_name=_("mentor"),
    )
    mentee = models.ForeignKey(
        Enrolment,
        on_delete=models.PROTECT,
        related_name="pairs_as_mentee",
        verbose_name=_("mentee"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    started_on = models.DateField(_("start date"), default=timezone.localdate)
    closed_on = models.DateField(_("end date"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PairQuerySet.as_manager()

    class Meta:
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")
        ordering = ["-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(mentor=F("mentee")), name="pair_distinct_enrolments"
            ),
            # A mentee has at most one active mentor.
            models.UniqueConstraint(
                fields=["mentee"],
                condition=Q(status="active"),
                name="pair_one_active_per_mentee",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "closed"]), name="pair_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("started_on")),
                name="pair_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor.person} → {self.mentee.person}"

    @property
    def programme(self) -> Programme:
        return self.mentee.programme

    def clean(self) -> None:
        if self.mentor_id is None or self.mentee_id is None:
            return  # the form reports the missing field itself
        errors = []
        if self.mentor.role != Enrolment.Role.MENTOR:
            errors.append(
                ValidationError(
                    _("The mentor's enrolment is not a mentor enrolment."),
                    code="mentor_role",
                )
            )
        if self.mentee.role != Enrolment.Role.MENTEE:
            errors.append(
                ValidationError(
                    _("The mentee's enrolment is not a mentee enrolment."),
                    code="mentee_role",
                )
            )
        if self.mentor.programme_id != self.mentee.programme_id:
            errors.append(
                ValidationError(
                    _("Both people must be in the same programme."),
                    code="other_programme",
                )
            )
        if self.mentor.person_id == self.mentee.person_id:
            errors.append(
                ValidationError(
                    _("A person cannot mentor themselves."), code="same_person"
                )
            )
        if errors:
            raise ValidationError(errors)

    def close(self) -> None:
        self.status = self.Status.CLOSED
        # A pair published to start on the programme's first day may be
        # closed before it: it ends the day it starts.
        self.closed_on = max(timezone.localdate(), self.started_on)
        self.save(update_fields=["status", "closed_on"])

    def reopen(self) -> None:
        """Active again, as if never closed (a programme reopened after a
        closing by mistake)."""
        self.status = self.Status.ACTIVE
        self.closed_on = None
        self.save(update_fields=["status", "closed_on"])


# ---------------------------------------------------------------------------
# The pair workspace: charter, meetings (« séances »), feedback, glossary.
# Notes, agendas, feedback and assessments are private: HR sees activity only.
# ---------------------------------------------------------------------------

DEFAULT_GROUND_RULES = _(
    "Courtesy and respect, on both sides.\n"
    "Confidentiality: what is said in the pair stays in the pair.\n"
    "The mentor is not a hotline: questions wait for the next session.\n"
    "Each of us has the right to say no.\n"
    "We prepare each session and keep to the time."
)


def _feed_token() -> str:
    return secrets.token_urlsafe(24)


class Charter(models.Model):
    """The « charte du binôme », written together at the first meeting.

    Both people accept it. A later change is its author's acceptance of the
    new text and withdraws the partner's, who is told what changed: an
    accepted charter is always the text both of them agreed to; the change
    log shows who changed what.
    """

    EDITABLE_FIELDS = [
        "mentee_objectives",
        "mentor_objectives",
        "cadence_days",
        "session_minutes",
        "format",
        "video_link",
        "location",
        "ground_rules",
    ]

    pair = models.OneToOneField(
        Pair, on_delete=models.CASCADE, related_name="charter", verbose_name=_("pair")
    )
    mentee_objectives = models.TextField(
        _("what the mentee wants to learn"), blank=True
    )
    mentor_objectives = models.TextField(_("what the mentor gets back"), blank=True)
    cadence_days = models.PositiveSmallIntegerField(
        _("days between sessions"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    session_minutes = models.PositiveSmallIntegerField(
        _("session length (minutes)"),
        default=30,
        validators=[MinValueValidator(10), MaxValueValidator(240)],
    )
    format = models.CharField(
        _("format"),
        max_length=10,
        choices=Programme.Format.choices,
        default=Programme.Format.REMOTE,
    )
    video_link = models.URLField(_("video link"), blank=True)
    location = models.CharField(_("meeting place"), max_length=200, blank=True)
    ground_rules = models.TextField(_("ground rules"), blank=True)
    # Optimistic concurrency (binome/pairs/concurrency.py): each save of the
    # texts below takes the next version, so a stale form cannot overwrite.
    version = models.PositiveIntegerField(_("version"), default=0)
    mentor_accepted_at = models.DateTimeField(
        _("accepted by the mentor at"), null=True, blank=True
    )
    mentee_accepted_at = models.DateTimeField(
        _("accepted by the mentee at"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("charter")
        verbose_name_plural = _("charters")
        constraints = [
            models.CheckConstraint(
                condition=Q(cadence_days__gte=1) & Q(cadence_days__lte=90),
                name="charter_cadence_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.pair)

    @property
    def is_accepted(self) -> bool:
        return bool(self.mentor_accepted_at and self.mentee_accepted_at)

    def accepted_at(self, enrolment: Enrolment) -> datetime.datetime | None:
        if enrolment.pk == self.pair.mentor_id:
            return self.mentor_accepted_at
        if enrolment.pk == self.pair.mentee_id:
            return self.mentee_accepted_at
        return None

    @property
    def safe_video_link(self) -> str:
        """The video link if it is a web address (http or https), else "":
        only such links are ever rendered as « Rejoindre la visio »."""
        link = self.video_link.strip()
        scheme, _sep, rest = link.partition("://")
        if scheme.lower() in ("http", "https") and rest:
            return link
        return ""


class CharterChange(models.Model):
    """One edit of a charter: who changed which fields, from what to what."""

    charter = models.ForeignKey(
        Charter,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("charter"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)
    # {field: [old, new]}, or {"accepted": [role]} for an acceptance.
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        verbose_name = _("charter change")
        verbose_name_plural = _("charter changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.charter} – {self.changed_at:%Y-%m-%d %H:%M}"

    def field_labels(self) -> list[str]:
        labels = []
        for name in self.changes:
            if name in Charter.EDITABLE_FIELDS:
                field = Charter._meta.get_field(name)
                assert isinstance(field, models.Field)  # a column, not a relation
                labels.append(str(field.verbose_name))
        return labels

    @property
    def is_acceptance(self) -> bool:
        return "accepted" in self.changes

    def lines(self) -> list[ChangeLine]:
        """What changed, readable in the active language: one line per field
        (its label, the old and the new value), KPI changes included."""
        lines = []
        for name, values in self.changes.items():
            if name in Charter.EDITABLE_FIELDS:
                old, new = values
                lines.append(_change_line(Charter, name, old, new))
        title = (self.changes.get("kpi") or [""])[0]
        if "kpi:added" in self.changes:
            lines.append(
                ChangeLine(
                    str(_("New KPI")), _display(None, None), _display(None, title)
                )
            )
        for name, values in self.changes.items():
            if name.startswith("kpi:") and name != "kpi:added":
                old, new = values
                line = _change_line(Kpi, name.removeprefix("kpi:"), old, new)
                label = _("KPI « %(title)s » – %(field)s") % {
                    "title": title,
                    "field": line.label.lower(),
                }
                lines.append(ChangeLine(str(label), line.old, line.new))
        return lines


@dataclass(frozen=True)
class ChangeLine:
    """One changed field of a charter, ready to read: label, before, after."""

    label: str
    old: str
    new: str

    @property
    def is_short(self) -> bool:
        """Fits on one line as « label: old → new »."""
        return all(len(v) <= 60 and "\n" not in v for v in (self.old, self.new))

    @property
    def removed_lines(self) -> list[str]:
        """For a text of several lines (the ground rules), the lines it lost:
        a reader sees what changed, not the whole text twice."""
        new = set(self.new.splitlines())
        return [line for line in self.old.splitlines() if line not in new]

    @property
    def added_lines(self) -> list[str]:
        old = set(self.old.splitlines())
        return [line for line in self.new.splitlines() if line not in old]

    @property
    def by_lines(self) -> bool:
        """Shown as lines removed and added rather than before and after."""
        return min(len(self.old.splitlines()), len(self.new.splitlines())) >= 3


def _display(field: models.Field[Any, Any] | None, value: Any) -> str:
    """A value as stored in CharterChange (JSON), shown to a person."""
    if value is None or value == "":
        return str(_("(empty)"))
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateField) and isinstance(value, str):
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(field, models.DecimalField):
        return number_format(Decimal(str(value)).normalize())
    return str(value)


def _change_line(
    model: type[models.Model], name: str, old: Any, new: Any
) -> ChangeLine:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return ChangeLine(capfirst(name), _display(None, old), _display(None, new))
    assert isinstance(field, models.Field)  # a column, not a relation
    return ChangeLine(
        capfirst(str(field.verbose_name)), _display(field, old), _display(field, new)
    )


class KpiQuerySet(models.QuerySet["Kpi"]):
    def reached(self) -> KpiQuerySet:
        """Ticked « achieved », or a value that meets its target: the same
        rule as ``Kpi.is_reached``, for counts in the database."""
        return self.filter(REACHED)


#: A KPI is reached when ticked, or when its value meets its target.
REACHED = Q(done=True) | Q(
    target_value__isnull=False,
    current_value__isnull=False,
    current_value__gte=F("target_value"),
)


class Kpi(models.Model):
    """A KPI of the charter, copied from an enrolment goal and editable.

    Progress is either a value towards the target or a simple check.
    """

    class Direction(models.TextChoices):
        MENTEE = "mentee", _("What the mentee learns")
        MENTOR = "mentor", _("What the mentor gets back")

    charter = models.ForeignKey(
        Charter,
        on_delete=models.CASCADE,
        related_name="kpis",
        verbose_name=_("charter"),
    )
    goal = models.ForeignKey(
        "programs.Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("goal"),
    )
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices
    )
    title = models.CharField(_("goal"), max_length=200)
    kpi = models.CharField(_("measurable target"), max_length=200)
    target_value = models.DecimalField(
        _("target value"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    current_value = models.DecimalField(
        _("current value"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    done = models.BooleanField(_("achieved"), default=False)
    progress_updated_at = models.DateTimeField(
        _("progress updated at"), null=True, blank=True
    )
    # Optimistic concurrency (binome/pairs/concurrency.py): each save of the
    # texts below takes the next version, so a stale form cannot overwrite.
    version = models.PositiveIntegerField(_("version"), default=0)

    objects = KpiQuerySet.as_manager()

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["direction", "due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__in=["mentee", "mentor"]),
                name="kpi_direction_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int | None:
        """Progress towards the target, 0–100; None for a simple check."""
        if self.is_reached:
            return 100
        if not self.target_value or self.current_value is None:
            return None
        return max(0, min(100, int(100 * self.current_value / self.target_value)))

    @property
    def is_reached(self) -> bool:
        """« Atteint »: ticked, or a value that meets its target (100 %)."""
        return self.done or (
            self.target_value is not None
            and self.current_value is not None
            and self.current_value >= self.target_value
        )

    @property
    def smart_hints(self) -> dict[str, str]:
        """What would make this goal measurable and dated (SMART)."""
        return smart_hints(target_value=self.target_value, due_date=self.due_date)


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def planned(self) -> MeetingQuerySet:
        return self.filter(status=Meeting.Status.PLANNED)

    def upcoming(self, now: datetime.datetime | None = None) -> MeetingQuerySet:
        return self.planned().filter(starts_at__gte=now or timezone.now())


class Meeting(models.Model):
    """A mentoring session (« séance »), planned from the charter's cadence."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        MISSED = "missed", _("Missed")
        # Feminine in French, like the other statuses of a « séance ».
        CANCELLED = "cancelled", pgettext_lazy("session", "Cancelled")

    pair = models.ForeignKey(
        Pair, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("pair")
    )
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("planned length (minutes)"), default=30
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    held_minutes = models.PositiveSmallIntegerField(
        _("actual length (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(480)],
    )
    moved_from = models.DateTimeField(_("first planned for"), null=True, blank=True)
    # Private to the pair: never shown to HR, assistants or anyone else.
    icebreaker = models.CharField(
        _("informal first item"),
        max_length=200,
        blank=True,
        help_text=_("A short, informal start: news, a coffee, a light question."),
    )
    notes = models.TextField(_("notes"), blank=True)
    mentor_learned = models.TextField(_("what the mentor learned"), blank=True)
    mentee_learned = models.TextField(_("what the mentee learned"), blank=True)
    # Optimistic concurrency (binome/pairs/concurrency.py): each save of the
    # texts below takes the next version, so a stale form cannot overwrite.
    version = models.PositiveIntegerField(_("version"), default=0)
    # RFC 5545: a stable UID and a SEQUENCE that grows with each change.
    uid = models.UUIDField(_("calendar identifier"), default=uuid.uuid4, unique=True)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "held", "missed", "cancelled"]),
                name="meeting_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="held") | Q(held_minutes__isnull=True),
                name="meeting_length_only_when_held",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.pair} – {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    @property
    def is_open(self) -> bool:
        """Still planned: it can be moved, cancelled, prepared or logged."""
        return self.status == self.Status.PLANNED

    @property
    def has_started(self) -> bool:
        """Begun (or over): only then can it be declared held or missed."""
        return self.starts_at <= timezone.now()


class AgendaItem(models.Model):
    """A topic or question for a session, prepared beforehand."""

    class Kind(models.TextChoices):
        TOPIC = "topic", _("Topic")
        QUESTION = "question", _("Question")

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="agenda_items",
        verbose_name=_("session"),
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=Kind.choices, default=Kind.TOPIC
    )
    text = models.CharField(_("topic or question"), max_length=300)
    skill = models.ForeignKey(
        Skill,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skill"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    # The order of the agenda: its author moves an item up or down.
    position = models.PositiveIntegerField(_("position"), default=0)
    version = models.PositiveIntegerField(_("version"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["position", "created_at", "id"]

    def __str__(self) -> str:
        return self.text


class PrivateNote(models.Model):
    """One person's own notes on a session: seen by their author only, not
    by the partner, HR, sponsors or the assistant."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="private_notes",
        verbose_name=_("session"),
    )
    author = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("my private notes"), blank=True, max_length=10000)
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author"], name="private_note_once_per_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.author.person}"


class ActionItem(models.Model):
    """Something to do after a session, with an owner and a due date."""

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="action_items",
        verbose_name=_("session"),
    )
    text = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.text


class Feedback(models.Model):
    """One person's feedback on a session: private to that person.

    HR only ever sees aggregates over 5 people or more.
    """

    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.CASCADE,
        related_name="feedback",
        verbose_name=_("session"),
    )
    author = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("author"),
    )
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    useful = models.BooleanField(_("useful"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "author"], name="feedback_once_per_person"
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5),
                name="feedback_rating_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} – {self.rating}"


class Assistant(models.Model):
    """A mentee's assistant, who may see dates and move sessions, nothing else."""

    pair = models.OneToOneField(
        Pair,
        on_delete=models.CASCADE,
        related_name="assistant",
        verbose_name=_("pair"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assisted_pairs",
        verbose_name=_("assistant"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("assistant")
        verbose_name_plural = _("assistants")

    def __str__(self) -> str:
        return f"{self.user} – {self.pair}"


class Reminder:
    """The kinds of reminders; each person chooses which they get."""

    SESSION_TOMORROW = "session_tomorrow"
    AGENDA_EMPTY = "agenda_empty"
    ACTIONS_DUE = "actions_due"
    LOG_MISSING = "log_missing"
    INACTIVE = "inactive"
    # The check-in e-mail (#18): not a reminder one turns off, like the
    # closing survey; it is answered in a minute or left.
    PULSE = "pulse"
    KINDS = [SESSION_TOMORROW, AGENDA_EMPTY, ACTIONS_DUE, LOG_MISSING, INACTIVE]


class ReminderPreference(models.Model):
    """Which reminders a person gets, and their private calendar feed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
        verbose_name=_("user"),
    )
    session_tomorrow = models.BooleanField(_("A session tomorrow"), default=True)
    agenda_empty = models.BooleanField(
        _("The agenda is still empty two days before"), default=True
    )
    actions_due = models.BooleanField(_("Action items due"), default=True)
    log_missing = models.BooleanField(
        _("A session not yet logged as held or missed"), default=True
    )
    inactive = models.BooleanField(_("30 days without a session"), default=True)
    feed_token = models.CharField(
        _("calendar feed key"), max_length=64, default=_feed_token, unique=True
    )

    class Meta:
        verbose_name = _("reminder preferences")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def for_user(cls, user: Any) -> ReminderPreference:
        preference, _created = cls.objects.get_or_create(user=user)
        return preference

    def wants(self, kind: str) -> bool:
        return bool(getattr(self, kind, True))

    def revoke_feed(self) -> None:
        self.feed_token = _feed_token()
        self.save(update_fields=["feed_token"])


class SentReminder(models.Model):
    """A reminder already sent, so that none goes out twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=20)
    key = models.CharField(_("subject"), max_length=100)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "key"], name="reminder_sent_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.user}"


class ProgrammeWebhook(models.Model):
    """A Slack or Microsoft Teams incoming webhook for a programme's notices."""

    programme = models.OneToOneField(
        Programme,
        on_delete=models.CASCADE,
        related_name="webhook",
        verbose_name=_("programme"),
    )
    url = models.URLField(
        _("incoming webhook URL"),
        max_length=500,
        help_text=_("Slack or Microsoft Teams: the channel's incoming webhook."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("programme webhook")
        verbose_name_plural = _("programme webhooks")

    def __str__(self) -> str:
        return str(self.programme)


class GlossaryTermQuerySet(models.QuerySet["GlossaryTerm"]):
    def approved(self) -> GlossaryTermQuerySet:
        return self.filter(status=GlossaryTerm.Status.APPROVED)


class GlossaryTerm(models.Model):
    """A jargon term of the bilingual glossary (« lexique »), in both directions."""

    class Kind(models.TextChoices):
        TECH = "tech", _("Tech slang (for seniors)")
        CORPORATE = "corporate", _("Corporate language (for juniors)")

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        APPROVED = "approved", _("Approved")

    term = models.CharField(_("term"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    definition_fr = models.TextField(_("definition (French)"))
    definition_en = models.TextField(_("definition (English)"), blank=True)
    example_fr = models.TextField(_("example (French)"), blank=True)
    example_en = models.TextField(_("example (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUGGESTED
    )
    # Suggestions go to the managers of the programme they came from.
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="glossary_suggestions",
        verbose_name=_("suggested in"),
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = GlossaryTermQuerySet.as_manager()

    class Meta:
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["kind", "term"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["tech", "corporate"]),
                name="glossary_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.term

    def _localised(self, field: str) -> tuple[str, str]:
        """The text in the reader's language, and that language: French when
        no English was written (the page then marks it lang="fr")."""
        return localised(self, field)

    @property
    def definition(self) -> str:
        return self._localised("definition")[0]

    @property
    def definition_lang(self) -> str:
        return self._localised("definition")[1]

    @property
    def example(self) -> str:
        return self._localised("example")[0]

    @property
    def example_lang(self) -> str:
        return self._localised("example")[1]


# ---------------------------------------------------------------------------
# Closing a programme: the end-of-programme survey, mentors' certificates of
# participation and their opt-in to be flagged to HR as future talents.
# ---------------------------------------------------------------------------


class ClosingSurvey(models.Model):
    """One participant's end-of-programme survey. Private to its author: the
    comment is never shown to anyone else, and the scores leave this table
    only as aggregates over 5 people or more."""

    pair = models.ForeignKey(
        Pair,
        on_delete=models.CASCADE,
        related_name="closing_surveys",
        verbose_name=_("pair"),
    )
    author = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="closing_surveys",
        verbose_name=_("author"),
    )
    confidence_before = models.PositiveSmallIntegerField(
        _("confidence before the programme"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    confidence_after = models.PositiveSmallIntegerField(
        _("confidence after the programme"),
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    would_recommend = models.BooleanField(_("would recommend the programme"))
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("closing survey")
        verbose_name_plural = _("closing surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "author"], name="closing_survey_once_per_person"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 5}),
                    name=f"closing_survey_{name}_range",
                )
                for name in ("confidence_before", "confidence_after", "satisfaction")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.pair} – {self.author.person}"


def _certificate_number() -> str:
    return secrets.token_hex(8).upper()


class Certificate(models.Model):
    """A mentor's certificate of participation. What it states is frozen when
    it is issued, so that it stays true after the programme is archived."""

    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="certificate",
        verbose_name=_("mentor"),
    )
    number = models.CharField(
        _("number"), max_length=32, unique=True, default=_certificate_number
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    sessions_held = models.PositiveIntegerField(_("sessions held"))
    minutes_held = models.PositiveIntegerField(_("minutes of mentoring"))
    # [{"code": ..., "name_fr": ..., "name_en": ...}], as named on the day.
    skills = models.JSONField(_("skills shared"), default=list, blank=True)

    class Meta:
        verbose_name = _("certificate of participation")
        verbose_name_plural = _("certificates of participation")
        ordering = ["-issued_at", "id"]

    def __str__(self) -> str:
        return f"{self.number} – {self.enrolment.person}"

    def skill_names(self) -> list[str]:
        english = reads_english()
        return [
            str((s.get("name_en") if english else "") or s.get("name_fr", ""))
            for s in self.skills
        ]


class TalentFlag(models.Model):
    """« Découverte de futurs talents »: a mentor's explicit opt-in to be
    flagged to HR, and the managers' flag. Without the opt-in, no flag can
    exist; withdrawing the opt-in deletes the row, flag included."""

    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="talent_flag",
        verbose_name=_("mentor"),
    )
    opted_in_at = models.DateTimeField(_("opted in at"), default=timezone.now)
    flagged_at = models.DateTimeField(_("flagged to HR at"), null=True, blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("flagged by"),
    )

    class Meta:
        verbose_name = _("talent opt-in")
        verbose_name_plural = _("talent opt-ins")
        ordering = ["-opted_in_at", "id"]

    def __str__(self) -> str:
        return str(self.enrolment.person)

    @property
    def is_flagged(self) -> bool:
        return self.flagged_at is not None


class ProgrammeClosing(models.Model):
    """One closing of a programme, and what it did: the pairs it closed, the
    sessions it cancelled and the certificates it issued, by id, so that a
    closing by mistake can be undone exactly (``reopened_at``). Who closed
    and who reopened is in the audit log."""

    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        related_name="closings",
        verbose_name=_("programme"),
    )
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    # The programme's end date on the day: closing before it is « early ».
    end_date = models.DateField(_("planned end date"), null=True, blank=True)
    pairs = models.JSONField(_("pairs closed"), default=list, blank=True)
    meetings = models.JSONField(_("sessions cancelled"), default=list, blank=True)
    certificates = models.JSONField(_("certificates issued"), default=list, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("programme closing")
        verbose_name_plural = _("programme closings")
        ordering = ["-closed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.programme} – {self.closed_at:%Y-%m-%d}"

    @property
    def is_early(self) -> bool:
        return self.end_date is not None and (
            timezone.localdate(self.closed_at) < self.end_date
        )


# ---------------------------------------------------------------------------
# Pulse check-ins and pauses (#18): the people's own voice on their pair, and
# a way to stop the clock for a while. See binome/pairs/pulse.py.
# ---------------------------------------------------------------------------


class PulseQuestion(models.Model):
    """The wording of one of the three check-in questions, edited by HR in
    the administration in both languages. The questions themselves are fixed
    (``key``): the health score reads their answers."""

    class Key(models.TextChoices):
        USEFUL = "useful", _("Usefulness of the sessions")
        RHYTHM = "rhythm", _("Rhythm of the sessions")
        SAFETY = "safety", _("Freedom to speak one's mind")

    key = models.CharField(_("question"), max_length=10, choices=Key.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_fr = models.CharField(_("question (French)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    junior_text_fr = models.CharField(
        _("question for the mentor (French)"),
        max_length=300,
        blank=True,
        help_text=_("Shown to the mentor (the junior) instead, when written."),
    )
    junior_text_en = models.CharField(
        _("question for the mentor (English)"), max_length=300, blank=True
    )
    low_fr = models.CharField(_("label of 1 (French)"), max_length=60)
    low_en = models.CharField(_("label of 1 (English)"), max_length=60, blank=True)
    high_fr = models.CharField(_("label of 5 (French)"), max_length=60)
    high_en = models.CharField(_("label of 5 (English)"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("check-in question")
        verbose_name_plural = _("check-in questions")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], name="pulse_question_once"),
        ]

    def __str__(self) -> str:
        return str(self.get_key_display())

    def text_for(self, *, junior: bool) -> tuple[str, str]:
        """The wording and its language for a reader (the mentor's own
        wording when there is one)."""
        if junior and self.junior_text_fr:
            return localised(self, "junior_text")
        return localised(self, "text")

    @property
    def low(self) -> str:
        return localised(self, "low")[0]

    @property
    def high(self) -> str:
        return localised(self, "high")[0]


LIKERT = [MinValueValidator(1), MaxValueValidator(5)]


class PulseCheckIn(models.Model):
    """One member's answers to one round of check-in questions. Private to
    its author: the partner never sees them; the managers see the pair's
    signal (``health``), never the comment unless ``share_comment``; the
    sponsors see aggregates over 5 people or more."""

    pair = models.ForeignKey(
        Pair,
        on_delete=models.CASCADE,
        related_name="checkins",
        verbose_name=_("pair"),
    )
    author = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="checkins",
        verbose_name=_("author"),
    )
    # 0: the first check-in (30 days after the start), then one every 60 days.
    round = models.PositiveSmallIntegerField(_("round"))
    useful = models.PositiveSmallIntegerField(
        _("usefulness of the sessions"), validators=LIKERT
    )
    rhythm = models.PositiveSmallIntegerField(
        _("rhythm of the sessions"), validators=LIKERT
    )
    safety = models.PositiveSmallIntegerField(
        _("freedom to speak one's mind"), validators=LIKERT
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    share_comment = models.BooleanField(
        _("share the comment with the programme team"), default=False
    )
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["-answered_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "author", "round"], name="checkin_once_per_round"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1}) & Q(**{f"{name}__lte": 5}),
                    name=f"checkin_{name}_range",
                )
                for name in ("useful", "rhythm", "safety")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.pair} – {self.author.person} ({self.round})"


class PairPauseQuerySet(models.QuerySet["PairPause"]):
    def on(self, day: datetime.date) -> PairPauseQuerySet:
        """The pauses that hold on ``day``."""
        return self.filter(starts_on__lte=day, until__gte=day).exclude(
            ended_on__lte=day
        )


class PairPause(models.Model):
    """A pair paused by one of its members until a date: reminders and the
    cadence clock stop, and it resumes by itself the day after ``until`` (or
    on ``ended_on``, when a member ends it early). The reason is private to
    its author: the partner and the managers see the dates only."""

    class Reason(models.TextChoices):
        MISSION = "mission", _("A mission or a busy period")
        LEAVE = "leave", _("Leave")
        WORKLOAD = "workload", _("Workload")
        OTHER = "other", _("Another reason")

    pair = models.ForeignKey(
        Pair,
        on_delete=models.CASCADE,
        related_name="pauses",
        verbose_name=_("pair"),
    )
    by = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="pauses",
        verbose_name=_("paused by"),
    )
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    until = models.DateField(_("until"))
    reason = models.CharField(
        _("reason (private)"), max_length=10, choices=Reason.choices, blank=True
    )
    ended_on = models.DateField(_("resumed early on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = PairPauseQuerySet.as_manager()

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__gte=F("starts_on")), name="pause_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pair}: {self.starts_on} → {self.until}"

    @property
    def last_day(self) -> datetime.date:
        """The last day paused (the day before an early end)."""
        if self.ended_on is not None:
            return min(self.until, self.ended_on - datetime.timedelta(days=1))
        return self.until

    @property
    def days(self) -> int:
        """How many days it lasts (0 when ended the day it began)."""
        return max(0, (self.last_day - self.starts_on).days + 1)

    def days_between(self, first: datetime.date, last: datetime.date) -> int:
        """How many of its days fall between ``first`` and ``last`` included."""
        start, end = max(self.starts_on, first), min(self.last_day, last)
        return max(0, (end - start).days + 1)


# Confidential concerns and recognition (#18) live in their own module; the
# import registers them with Django.
from .concern_models import Concern as Concern  # noqa: E402
from .concern_models import ContributionShare as ContributionShare  # noqa: E402
