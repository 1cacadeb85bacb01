"""Workflows of the pair workspace: charter, sessions, feedback, glossary.

Views call these keyword-only functions; they hold the rules (who may do
what is checked by the views' access helpers, what happens is decided here).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from binome.accounts.models import User
from binome.accounts.notifications import absolute_url, notify
from binome.people.models import Person
from binome.programs.models import Enrolment, Programme
from binome.skills.models import Assessment, Resource, ResourceRating, Skill

from . import dates
from .concurrency import claim
from .health import RISKS, risks_by_pair
from .models import (
    DEFAULT_GROUND_RULES,
    ActionItem,
    AgendaItem,
    Assistant,
    Charter,
    CharterChange,
    Feedback,
    GlossaryTerm,
    Kpi,
    Meeting,
    Pair,
    PrivateNote,
)
from .notices import mail_charter_change

# Aggregates over fewer people are suppressed (PRODUCT.md: privacy by design).
MIN_AGGREGATE = 5


# --- Charter ---------------------------------------------------------------


def require_active(pair: Pair) -> None:
    """A closed pair is read-only: its charter, agenda, shared notes and
    action items stay as they were (each person's private notes and
    feedback are theirs and stay open)."""
    if pair.status != Pair.Status.ACTIVE:
        raise ValidationError(
            _(
                "This pair is closed: its sessions and goals can no longer be "
                "changed. Its history stays here to read."
            ),
            code="pair_closed",
        )


@transaction.atomic
def _shared_language(pair: Pair) -> str:
    """The language of what the pair writes together: English when both
    chose English, else French."""
    users = [pair.mentor.person.user, pair.mentee.person.user]
    if all(u is not None and u.language == "en" for u in users):
        return "en"
    return str(settings.LANGUAGE_CODE)


def get_or_create_charter(*, pair: Pair) -> Charter:
    """The pair's charter; a new one starts from the programme's settings and
    the KPIs of both people's enrolment goals."""
    charter = Charter.objects.filter(pair=pair).first()
    if charter is not None:
        return charter
    programme = pair.programme
    with translation.override(_shared_language(pair)):
        rules = str(DEFAULT_GROUND_RULES)
    charter = Charter.objects.create(
        pair=pair,
        cadence_days=programme.cadence_days,
        session_minutes=programme.session_minutes,
        format=(
            Programme.Format.REMOTE
            if programme.format == Programme.Format.HYBRID
            else programme.format
        ),
        ground_rules=rules,
    )
    for enrolment, direction in (
        (pair.mentee, Kpi.Direction.MENTEE),
        (pair.mentor, Kpi.Direction.MENTOR),
    ):
        Kpi.objects.bulk_create(
            Kpi(
                charter=charter,
                goal=goal,
                direction=direction,
                title=goal.title,
                kpi=goal.kpi,
                target_value=goal.target_value,
                unit=goal.unit,
                due_date=goal.due_date,
            )
            for goal in enrolment.goals.all()
        )
    return charter


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date | Decimal):
        return str(value)
    return value


def charter_edits(*, charter: Charter, data: dict[str, Any]) -> dict[str, list[Any]]:
    """What ``data`` would change in the charter: {field: [old, new]}."""
    changes = {}
    for name in Charter.EDITABLE_FIELDS:
        if name not in data:
            continue
        old, new = getattr(charter, name), data[name]
        if old != new:
            changes[name] = [_jsonable(old), _jsonable(new)]
    return changes


def _accept_as_author(charter: Charter, by: User) -> list[str]:
    """An edit is its author's acceptance of the new text; the partner (both
    people, if neither wrote it) is asked to accept again. Returns the
    acceptance fields to save."""
    now = timezone.now()
    pair = charter.pair
    for side in ("mentor", "mentee"):
        enrolment = pair.mentor if side == "mentor" else pair.mentee
        is_author = by.pk is not None and enrolment.person.user_id == by.pk
        setattr(charter, f"{side}_accepted_at", now if is_author else None)
    return ["mentor_accepted_at", "mentee_accepted_at"]


def _log_edit(
    *, charter: Charter, changes: dict[str, list[Any]], by: User
) -> CharterChange:
    """Log an edit and tell the partner (once, after the commit)."""
    change = CharterChange.objects.create(
        charter=charter, changed_by=by, changes=changes
    )
    transaction.on_commit(lambda: mail_charter_change.enqueue(change.pk))
    return change


@transaction.atomic
def update_charter(
    *, charter: Charter, data: dict[str, Any], by: User, version: int | None = None
) -> CharterChange | None:
    """Apply edits; log who changed what. A change is its author's acceptance
    and asks the partner to accept again (by e-mail and on their home page),
    so that an accepted charter is always the text both people agreed to. An
    edit that changes nothing changes no acceptance and tells nobody. A
    stale ``version`` raises Conflict and changes nothing."""
    require_active(charter.pair)
    changes = charter_edits(charter=charter, data=data)
    if not changes:
        return None
    claim(charter, expected=version)  # raises Conflict if someone saved since
    for name in changes:
        setattr(charter, name, data[name])
    _accept_as_author(charter, by)
    charter.save()
    return _log_edit(charter=charter, changes=changes, by=by)


@transaction.atomic
def accept_charter(*, charter: Charter, enrolment: Enrolment) -> None:
    require_active(charter.pair)
    now = timezone.now()
    if enrolment.pk == charter.pair.mentor_id:
        charter.mentor_accepted_at = now
        role = "mentor"
    elif enrolment.pk == charter.pair.mentee_id:
        charter.mentee_accepted_at = now
        role = "mentee"
    else:
        raise ValidationError(
            _("Only the pair can accept its charter."), code="not_in_pair"
        )
    charter.save(update_fields=["mentor_accepted_at", "mentee_accepted_at"])
    CharterChange.objects.create(
        charter=charter,
        changed_by=enrolment.person.user,
        changed_at=now,
        changes={"accepted": [role]},
    )


@transaction.atomic
def update_kpi(
    *, kpi: Kpi, data: dict[str, Any], by: User, version: int | None = None
) -> None:
    """Edit a KPI or its progress. A change to the target (title, measure,
    value, unit, due date) is a charter change; progress is not. A stale
    ``version`` raises Conflict and changes nothing."""
    claim(kpi, expected=version)
    target_fields = ["title", "kpi", "target_value", "unit", "due_date"]
    if "due_date" in data:
        dates.check_due_date(
            data["due_date"], today=timezone.localdate(), unchanged_from=kpi.due_date
        )
    changes = {}
    for name, value in data.items():
        old = getattr(kpi, name)
        if old != value:
            if name in target_fields:
                changes[f"kpi:{name}"] = [_jsonable(old), _jsonable(value)]
            setattr(kpi, name, value)
    if {"current_value", "done"} & set(data):
        kpi.progress_updated_at = timezone.now()
    kpi.save()
    if changes:
        # The targets are part of the charter: same rule as a charter edit.
        changes["kpi"] = [kpi.title]
        charter = kpi.charter
        charter.save(update_fields=_accept_as_author(charter, by))
        _log_edit(charter=charter, changes=changes, by=by)


# --- Sessions --------------------------------------------------------------


def schedule(
    *,
    first_at: datetime.datetime,
    cadence_days: int,
    until: datetime.date,
    limit: int = dates.MAX_SESSIONS,
) -> list[datetime.datetime]:
    """The « échéancier »: one date every ``cadence_days`` from ``first_at``
    up to ``until`` (included), at most ``limit`` of them, at the same local
    time of day, even across a daylight-saving change."""
    local = timezone.localtime(first_at)
    naive = local.replace(tzinfo=None)
    tz = timezone.get_current_timezone()
    result: list[datetime.datetime] = []
    step = datetime.timedelta(days=cadence_days)
    while naive.date() <= until and len(result) < limit:
        result.append(timezone.make_aware(naive, tz))
        try:
            naive += step
        except OverflowError:  # the end of the calendar (year 9999)
            break
    return result


def default_end(pair: Pair, first_at: datetime.datetime) -> datetime.date:
    return dates.plan_until(pair, first_at)


@dataclass(frozen=True)
class PlanPreview:
    """What planning from ``first_at`` will do, shown before it is done."""

    first_at: datetime.datetime
    cadence_days: int
    starts: list[datetime.datetime]  # the sessions to create
    replaced: list[Meeting]  # upcoming planned sessions, not prepared: deleted
    kept: list[Meeting]  # upcoming planned sessions already prepared: kept
    capped: bool  # the programme would hold more than MAX_SESSIONS
    outside_working_hours: bool


def _is_prepared(meeting: Meeting) -> bool:
    """Something was written for this session (agenda, notes, actions or any
    other record attached to it): re-planning must not delete it."""
    if any(
        getattr(meeting, name)
        for name in ("icebreaker", "notes", "mentor_learned", "mentee_learned")
    ):
        return True
    for relation in Meeting._meta.related_objects:
        if relation.many_to_many:
            continue
        rows = relation.related_model._default_manager.filter(
            **{relation.field.name: meeting}
        )
        if rows.exists():
            return True
    return False


def preview_plan(
    *, pair: Pair, first_at: datetime.datetime, now: datetime.datetime | None = None
) -> PlanPreview:
    """Check the first date, and compute the sessions that planning creates,
    replaces and keeps. Only upcoming planned sessions are ever replaced: the
    past ones (even those still waiting to be logged) and the held, missed or
    cancelled ones are not touched."""
    now = now or timezone.now()
    dates.check_session_start(pair=pair, starts_at=first_at, now=now)
    charter = get_or_create_charter(pair=pair)
    until = dates.plan_until(pair, first_at)
    replaced: list[Meeting] = []
    kept: list[Meeting] = []
    for meeting in pair.meetings.planned().filter(starts_at__gte=now):
        (kept if _is_prepared(meeting) else replaced).append(meeting)
    taken = {m.starts_at for m in kept}
    every = schedule(
        first_at=first_at,
        cadence_days=charter.cadence_days,
        until=until,
        limit=dates.MAX_SESSIONS + 1,
    )
    return PlanPreview(
        first_at=first_at,
        cadence_days=charter.cadence_days,
        starts=[at for at in every[: dates.MAX_SESSIONS] if at not in taken],
        replaced=replaced,
        kept=kept,
        capped=len(every) > dates.MAX_SESSIONS,
        outside_working_hours=dates.is_outside_working_hours(
            first_at, charter.session_minutes
        ),
    )


@transaction.atomic
def plan_meetings(
    *,
    pair: Pair,
    first_at: datetime.datetime,
    by: User | None = None,
    now: datetime.datetime | None = None,
) -> list[Meeting]:
    """Plan the sessions from the charter's cadence, from ``first_at`` (now
    or later) to the programme's end. Planning again replaces the upcoming
    planned sessions that nobody has prepared (see ``preview_plan``); the
    others are told. ``now`` is for the demo, which tells a past story."""
    # One plan at a time per pair (a double submit must not plan twice).
    Pair.objects.select_for_update().filter(pk=pair.pk).first()
    preview = preview_plan(pair=pair, first_at=first_at, now=now)
    charter = get_or_create_charter(pair=pair)
    Meeting.objects.filter(
        pk__in=[m.pk for m in preview.replaced], status=Meeting.Status.PLANNED
    ).delete()
    created = Meeting.objects.bulk_create(
        Meeting(pair=pair, starts_at=at, duration_minutes=charter.session_minutes)
        for at in preview.starts
    )
    if by is not None and created:
        context = {
            "by": by.get_full_name() or by.email,
            "count": len(created),
            "first": created[0].starts_at.isoformat(),
            "last": created[-1].starts_at.isoformat(),
            "replaced": len(preview.replaced),
            "url": absolute_url(reverse("pairs:schedule", args=[pair.pk])),
        }
        users = people_told_of_changes(pair, by)
        transaction.on_commit(lambda: notify("pair_meetings_planned", users, context))
    return created


def _check_open(meeting: Meeting) -> None:
    if not meeting.is_open:
        raise ValidationError(
            _("This session is no longer planned."), code="not_planned"
        )


def people_told_of_changes(pair: Pair, by: User) -> list[User]:
    """The pair and the mentee's assistant, except ``by``."""
    users = [pair.mentor.person.user, pair.mentee.person.user]
    assistant = Assistant.objects.filter(pair=pair).first()
    if assistant:
        users.append(assistant.user)
    return [u for u in users if u is not None and u.pk != by.pk]


def _tell_others(name: str, meeting: Meeting, by: User) -> None:
    """Tell the pair (and the assistant) about a change someone else made."""
    pair = meeting.pair
    notify(
        name,
        people_told_of_changes(pair, by),
        {
            "by": by.get_full_name() or by.email,
            "starts_at": meeting.starts_at.isoformat(),
            "url": absolute_url(reverse("pairs:schedule", args=[pair.pk])),
        },
    )


@transaction.atomic
def move_meeting(
    *,
    meeting: Meeting,
    starts_at: datetime.datetime,
    by: User,
    now: datetime.datetime | None = None,
) -> None:
    """Move a planned session, under the rules of planning (from now on, up
    to the programme's end). Outside working hours is allowed: the page
    warns first."""
    _check_open(meeting)
    dates.check_session_start(
        pair=meeting.pair, starts_at=starts_at, now=now or timezone.now()
    )
    if meeting.moved_from is None:
        meeting.moved_from = meeting.starts_at
    meeting.starts_at = starts_at
    meeting.sequence += 1
    meeting.save()
    transaction.on_commit(lambda: _tell_others("pair_meeting_moved", meeting, by))


@transaction.atomic
def cancel_meeting(*, meeting: Meeting, by: User) -> None:
    """Cancel a planned session; the others are told."""
    # Locked: two clicks at once cancel (and tell the others) once.
    current = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check_open(current)
    current.status = meeting.status = Meeting.Status.CANCELLED
    current.sequence += 1
    meeting.sequence = current.sequence
    current.save(update_fields=["status", "sequence", "updated_at"])
    transaction.on_commit(lambda: _tell_others("pair_meeting_cancelled", current, by))


def log_meeting(
    *,
    meeting: Meeting,
    held: bool,
    minutes: int | None = None,
    now: datetime.datetime | None = None,
) -> None:
    """Mark a session held (with its length) or missed, once it has begun."""
    if meeting.status not in (Meeting.Status.PLANNED, Meeting.Status.HELD):
        raise ValidationError(
            _("A cancelled or missed session cannot be logged."),
            code="not_loggable",
        )
    dates.check_has_started(starts_at=meeting.starts_at, now=now or timezone.now())
    if held:
        meeting.status = Meeting.Status.HELD
        meeting.held_minutes = minutes or meeting.duration_minutes
    else:
        meeting.status = Meeting.Status.MISSED
        meeting.held_minutes = None
    meeting.save()


@transaction.atomic
def add_agenda_item(
    *, meeting: Meeting, by: User, text: str, kind: str, skill: Skill | None = None
) -> AgendaItem:
    require_active(meeting.pair)
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"]
    return AgendaItem.objects.create(
        meeting=meeting,
        author=by,
        text=text,
        kind=kind,
        skill=skill,
        position=0 if last is None else last + 1,
    )


def _check_author(item: AgendaItem, by: User) -> None:
    if item.author_id != by.pk:
        raise PermissionDenied("Only its author changes an agenda item.")
    require_active(item.meeting.pair)


@transaction.atomic
def update_agenda_item(
    *, item: AgendaItem, by: User, data: dict[str, Any], version: int | None = None
) -> None:
    """Its author edits an item; a stale ``version`` raises Conflict."""
    _check_author(item, by)
    claim(item, expected=version)
    for name in ("kind", "text", "skill"):
        if name in data:
            setattr(item, name, data[name])
    item.save(update_fields=["kind", "text", "skill", "version"])


@transaction.atomic
def move_agenda_item(*, item: AgendaItem, by: User, up: bool) -> None:
    """Its author moves an item one place up or down the session's agenda."""
    _check_author(item, by)
    # Lock the agenda, renumber it 0..n-1 (older rows may share a position),
    # then swap the item with its neighbour.
    items = list(
        AgendaItem.objects.select_for_update()
        .filter(meeting_id=item.meeting_id)
        .order_by("position", "created_at", "id")
    )
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if up else index + 1
    if not 0 <= target < len(items):
        return
    items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        if other.position != position:
            AgendaItem.objects.filter(pk=other.pk).update(position=position)


@transaction.atomic
def delete_agenda_item(*, item: AgendaItem, by: User) -> None:
    _check_author(item, by)
    item.delete()


def add_action_item(
    *,
    meeting: Meeting,
    text: str,
    owner: Enrolment,
    due_date: datetime.date | None = None,
) -> ActionItem:
    require_active(meeting.pair)
    if owner.pk not in (meeting.pair.mentor_id, meeting.pair.mentee_id):
        raise ValidationError(_("The owner must be one of the pair."))
    dates.check_due_date(due_date, today=timezone.localdate())
    return ActionItem.objects.create(
        meeting=meeting, text=text, owner=owner, due_date=due_date
    )


def toggle_action_item(*, item: ActionItem) -> None:
    require_active(item.meeting.pair)
    item.done_at = None if item.done_at else timezone.now()
    item.save(update_fields=["done_at"])


NOTE_FIELDS = ["icebreaker", "notes", "mentor_learned", "mentee_learned"]


@transaction.atomic
def save_notes(
    *, meeting: Meeting, data: dict[str, Any], version: int | None = None
) -> None:
    """Save the pair's shared notes; a stale ``version`` raises Conflict and
    writes nothing, so neither person's text is lost."""
    require_active(meeting.pair)
    claim(meeting, expected=version)
    for name in NOTE_FIELDS:
        if name in data:
            setattr(meeting, name, data[name])
    meeting.save(update_fields=[*NOTE_FIELDS, "version", "updated_at"])


@transaction.atomic
def save_private_note(
    *, meeting: Meeting, author: Enrolment, text: str, version: int | None = None
) -> PrivateNote:
    """One person's own notes on a session, seen by nobody else."""
    if author.pk not in (meeting.pair.mentor_id, meeting.pair.mentee_id):
        raise PermissionDenied("Only the pair writes notes on its sessions.")
    note, _created = PrivateNote.objects.get_or_create(meeting=meeting, author=author)
    claim(note, expected=version)
    note.text = text
    note.save(update_fields=["text", "version", "updated_at"])
    return note


def suggested_resources(meeting: Meeting) -> list[Resource]:
    """Resources for the skills the agenda names: chosen, or written out."""
    items = list(meeting.agenda_items.all())
    skill_ids = {item.skill_id for item in items if item.skill_id}
    text = " ".join(item.text for item in items).lower()
    if text:
        for skill in Skill.objects.active().only("name_fr", "name_en", "code"):
            names = {skill.name_fr.lower(), (skill.name_en or "").lower()}
            if any(name and len(name) > 3 and name in text for name in names):
                skill_ids.add(skill.pk)
    if not skill_ids:
        return []
    return list(
        Resource.objects.filter(is_active=True, skills__in=skill_ids)
        .distinct()
        .annotate(average=Avg("ratings__rating"))
        .order_by("-average", "title_fr")[:5]
    )


# --- Feedback --------------------------------------------------------------


def give_feedback(
    *,
    meeting: Meeting,
    enrolment: Enrolment,
    rating: int,
    useful: bool,
    comment: str = "",
) -> Feedback:
    if meeting.status != Meeting.Status.HELD:
        raise ValidationError(
            _("Feedback comes after a held session."), code="not_held"
        )
    feedback, _created = Feedback.objects.update_or_create(
        meeting=meeting,
        author=enrolment,
        defaults={"rating": rating, "useful": useful, "comment": comment},
    )
    return feedback


@dataclass(frozen=True)
class FeedbackSummary:
    people: int
    answers: int
    average: float
    useful_percent: int


def feedback_summary(feedback: Any) -> FeedbackSummary | None:
    """Aggregates of these feedback rows, or None under 5 distinct people."""
    stats = feedback.aggregate(
        people=Count("author__person", distinct=True),
        answers=Count("id"),
        average=Avg("rating"),
        useful=Count("id", filter=Q(useful=True)),
    )
    if stats["people"] < MIN_AGGREGATE:
        return None
    return FeedbackSummary(
        people=stats["people"],
        answers=stats["answers"],
        average=round(float(stats["average"]), 1),
        useful_percent=round(100 * stats["useful"] / stats["answers"]),
    )


def programme_feedback(programme: Programme) -> FeedbackSummary | None:
    return feedback_summary(
        Feedback.objects.filter(meeting__pair__mentee__programme=programme)
    )


# --- Programme activity (what HR sees: no content) -------------------------


@dataclass(frozen=True)
class PairActivity:
    pair: Pair
    charter_accepted: bool
    held: int
    missed: int
    cancelled: int
    planned: int
    last_held: datetime.datetime | None
    next_planned: datetime.datetime | None
    # The reasons it is at risk (``health.RISKS`` keys): the one definition.
    risks: list[str]

    @property
    def at_risk(self) -> bool:
        return bool(self.risks)

    @property
    def risk_labels(self) -> list[str]:
        return [str(RISKS[risk]) for risk in self.risks]


def programme_activity(
    programme: Programme,
    now: datetime.datetime | None = None,
    *,
    pair_ids: list[int] | None = None,
    risks: dict[int, list[str]] | None = None,
) -> list[PairActivity]:
    """Each active pair's sessions (only those of ``pair_ids`` when given: a
    page of the list), and whether it is at risk by the one definition
    (``health.pair_health``; ``risks``: its ``risks_by_pair``, when the
    caller has it already), as the health page says."""
    now = now or timezone.now()
    if risks is None:
        risks = risks_by_pair(programme, timezone.localdate(now))
    pairs = (
        Pair.objects.in_programme(programme)
        .active()
        .select_related("mentor__person", "mentee__person", "charter")
        .prefetch_related("meetings")
    )
    if pair_ids is not None:
        pairs = pairs.filter(pk__in=pair_ids)
    rows = []
    for pair in pairs:
        meetings = list(pair.meetings.all())
        by_status = {s: [m for m in meetings if m.status == s] for s in Meeting.Status}
        held = by_status[Meeting.Status.HELD]
        last_held = max((m.starts_at for m in held), default=None)
        upcoming = [
            m.starts_at for m in by_status[Meeting.Status.PLANNED] if m.starts_at >= now
        ]
        charter = getattr(pair, "charter", None)
        rows.append(
            PairActivity(
                pair=pair,
                charter_accepted=bool(charter and charter.is_accepted),
                held=len(held),
                missed=len(by_status[Meeting.Status.MISSED]),
                cancelled=len(by_status[Meeting.Status.CANCELLED]),
                planned=len(by_status[Meeting.Status.PLANNED]),
                last_held=last_held,
                next_planned=min(upcoming, default=None),
                risks=risks.get(pair.pk, []),
            )
        )
    return rows


# --- Assistant -------------------------------------------------------------


@transaction.atomic
def set_assistant(*, pair: Pair, email: str) -> Assistant:
    """The mentee delegates scheduling to a colleague of the organisation."""
    person = (
        Person.objects.filter(
            organisation_id=pair.programme.organisation_id,
            user__email__iexact=email.strip(),
            user__is_active=True,
        )
        .select_related("user")
        .first()
    )
    if person is None or person.user is None:
        raise ValidationError(_("Nobody in your organisation has this address."))
    if person.pk in (pair.mentor.person_id, pair.mentee.person_id):
        raise ValidationError(_("Your assistant cannot be one of the pair."))
    assistant, _created = Assistant.objects.update_or_create(
        pair=pair, defaults={"user": person.user}
    )
    return assistant


def remove_assistant(*, pair: Pair) -> None:
    Assistant.objects.filter(pair=pair).delete()


# --- Progress --------------------------------------------------------------


@dataclass(frozen=True)
class SkillProgress:
    """One skill's self-assessed levels at each stage. A level is None when
    the stage is not done yet or when the skill was « not rated » at that
    stage (listed in ``not_rated``): neither counts as a level."""

    skill: Skill
    baseline: int | None
    midway: int | None
    final: int | None
    not_rated: frozenset[str] = frozenset()

    @property
    def change(self) -> int | None:
        """From the baseline to the latest follow-up: the final answer when
        there is one (rated or not), else the mid-way one."""
        final_answered = self.final is not None or "final" in self.not_rated
        latest = self.final if final_answered else self.midway
        if latest is None or self.baseline is None:
            return None
        return latest - self.baseline

    def stages(self) -> list[tuple[int | None, bool]]:
        """(level, not rated) at the start, mid-way and at the end."""
        return [
            (self.baseline, "baseline" in self.not_rated),
            (self.midway, "midway" in self.not_rated),
            (self.final, "final" in self.not_rated),
        ]


def _latest(person: Person, phase: str) -> Assessment | None:
    return (
        Assessment.objects.for_person(person)
        .self_assessed()
        .filter(phase=phase)
        .order_by("-assessed_on", "-id")
        .first()
    )


def assessment_grid(person: Person) -> list[Skill]:
    """The skills of the baseline grid, so that later answers compare."""
    baseline = _latest(person, Assessment.Phase.BASELINE)
    if baseline is None:
        return []
    return list(
        Skill.objects.filter(pk__in=baseline.items.values("skill"))
        .select_related("area")
        .order_by("area__kind", "area__position", "position", "code")
    )


def skills_progress(person: Person) -> list[SkillProgress]:
    phases = {
        phase: _latest(person, phase)
        for phase in (
            Assessment.Phase.BASELINE,
            Assessment.Phase.MIDWAY,
            Assessment.Phase.FINAL,
        )
    }
    # skill id -> level (None: not rated), per phase answered.
    levels = {
        phase: (
            {i.skill_id: i.level for i in assessment.items.all()} if assessment else {}
        )
        for phase, assessment in phases.items()
    }
    return [
        SkillProgress(
            skill=skill,
            baseline=levels[Assessment.Phase.BASELINE].get(skill.pk),
            midway=levels[Assessment.Phase.MIDWAY].get(skill.pk),
            final=levels[Assessment.Phase.FINAL].get(skill.pk),
            not_rated=frozenset(
                str(phase)
                for phase, answers in levels.items()
                if skill.pk in answers and answers[skill.pk] is None
            ),
        )
        for skill in assessment_grid(person)
    ]


def reciprocity(pair: Pair) -> dict[str, list[tuple[Meeting, str]]]:
    """What each side learned, session by session."""
    held = pair.meetings.filter(status=Meeting.Status.HELD)
    return {
        "mentor": [(m, m.mentor_learned) for m in held if m.mentor_learned],
        "mentee": [(m, m.mentee_learned) for m in held if m.mentee_learned],
    }


# --- Glossary and resources ------------------------------------------------


def suggest_term(
    *, by: User, programme: Programme | None, **fields: Any
) -> GlossaryTerm:
    return GlossaryTerm.objects.create(
        suggested_by=by,
        programme=programme,
        status=GlossaryTerm.Status.SUGGESTED,
        **fields,
    )


def approve_term(*, term: GlossaryTerm) -> None:
    term.status = GlossaryTerm.Status.APPROVED
    term.save(update_fields=["status"])


def rate_resource(*, resource: Resource, user: User, rating: int) -> ResourceRating:
    if not 1 <= rating <= 5:
        raise ValidationError(_("A rating goes from 1 to 5."))
    result, _created = ResourceRating.objects.update_or_create(
        resource=resource, user=user, defaults={"rating": rating}
    )
    return result


@transaction.atomic
def add_kpi(*, charter: Charter, direction: str, by: User, **fields: Any) -> Kpi:
    """A new KPI changes the charter: it is logged, counts as its author's
    acceptance and asks the partner to accept again."""
    require_active(charter.pair)
    dates.check_due_date(fields.get("due_date"), today=timezone.localdate())
    kpi = Kpi.objects.create(charter=charter, direction=direction, **fields)
    charter.save(update_fields=_accept_as_author(charter, by))
    changes: dict[str, list[Any]] = {"kpi": [kpi.title], "kpi:added": [1]}
    for name in ("kpi", "target_value", "unit", "due_date"):
        value = getattr(kpi, name)
        if value not in (None, ""):
            changes[f"kpi:{name}"] = [None, _jsonable(value)]
    _log_edit(charter=charter, changes=changes, by=by)
    return kpi
