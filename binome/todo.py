"""What each person has to do next, for the home page: one list per role.

Each item says what, how many, and links to the exact page where it is done;
it disappears once done, because every item is derived from the data
(nothing is stored). A project-level module: it reads every app (programmes,
rounds, pairs, insights), as the home page does.

Queries are bounded: per managed or sponsored programme and per pair a fixed
number, never one per enrolment, meeting or pair of a programme.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from binome.insights.health import worst_pairs
from binome.insights.models import DashboardSnapshot
from binome.matching.models import MatchingRound
from binome.pairs import concerns, pulse
from binome.pairs.models import (
    ActionItem,
    Charter,
    ClosingSurvey,
    Feedback,
    Meeting,
    Pair,
)
from binome.programs import invitations
from binome.programs.journey import STEP_URLS
from binome.programs.models import Enrolment, ProfileCorrection, Programme
from binome.programs.services import journey
from binome.skills.models import Assessment

# The closing is due from this many days before the programme's end date:
# the final survey, the end-of-programme self-assessment and the closing.
CLOSING_DAYS = 14
# A session's agenda is worth preparing this many days ahead.
AGENDA_DAYS = 7
# Feedback on a held session is asked for this long after it.
FEEDBACK_DAYS = 14
# A closed pair's final survey is asked for this long after the closing.
SURVEY_DAYS = 60
# How many pairs at risk the home names, each with its nudge link.
AT_RISK_SHOWN = 3


@dataclass(frozen=True)
class Item:
    """One thing to do: ``key`` names the kind (tests, CSS), ``text`` says
    what and how many, ``url`` is where it is done, ``link`` the link's words."""

    key: str
    text: str
    url: str
    link: str
    count: int = 1
    # Sub-links (a pair at risk and its nudge page, for instance).
    details: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Group:
    """The items of one programme (managers, sponsors) or one pair."""

    title: str
    url: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Todo:
    managing: list[Group]
    taking_part: list[Group]
    sponsoring: list[Group]

    @property
    def has_roles(self) -> bool:
        return bool(self.managing or self.taking_part or self.sponsoring)

    @property
    def count(self) -> int:
        return sum(
            len(group.items)
            for group in (*self.managing, *self.taking_part, *self.sponsoring)
        )


def _date(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def _url(name: str, *args: Any, query: dict[str, str] | None = None) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


# --- Managers ---------------------------------------------------------------


def for_manager(user: Any, today: datetime.date | None = None) -> list[Group]:
    """For each programme the user manages, not closed: what waits for them."""
    today = today or timezone.localdate()
    programmes = list(
        Programme.objects.managed_by(user)
        .exclude(status=Programme.Status.CLOSED)
        .order_by("-start_date", "name")
    )
    if not programmes:
        return []
    ids = [p.pk for p in programmes]
    volunteers: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Enrolment.objects.filter(programme__in=ids, status=Enrolment.Status.VOLUNTEERED)
        .order_by()
        .values("programme", "role")
        .annotate(n=Count("pk"))
    ):
        volunteers[row["programme"]][row["role"]] = row["n"]
    to_publish = _rounds_to_publish(ids)
    open_concerns = concerns.open_counts(ids, user)
    groups = []
    for programme in programmes:
        items = _manager_items(
            programme, today, volunteers[programme.pk], to_publish.get(programme.pk)
        )
        waiting = open_concerns.get(programme.pk, 0)
        if waiting:
            # First: a person is waiting for an answer.
            items.insert(
                0,
                Item(
                    "concerns",
                    ngettext(
                        "%(count)s confidential concern awaits an answer",
                        "%(count)s confidential concerns await an answer",
                        waiting,
                    )
                    % {"count": waiting},
                    reverse("pairs:programme_concerns", args=[programme.slug]),
                    _("Read and answer"),
                    waiting,
                ),
            )
        groups.append(
            Group(
                programme.name,
                reverse("programs:detail", args=[programme.slug]),
                items,
            )
        )
    return groups


def _rounds_to_publish(ids: list[int]) -> dict[int, int]:
    """Programme id → number of its latest finished round, when it is not
    published and no later round was."""
    latest: dict[int, int] = {}
    published: dict[int, int] = {}
    for programme_id, number, status, published_at in MatchingRound.objects.filter(
        programme__in=ids
    ).values_list("programme", "number", "status", "published_at"):
        if published_at is not None:
            published[programme_id] = max(published.get(programme_id, 0), number)
        elif status == MatchingRound.Status.DONE:
            latest[programme_id] = max(latest.get(programme_id, 0), number)
    return {
        pk: number for pk, number in latest.items() if number > published.get(pk, 0)
    }


def _manager_items(
    programme: Programme,
    today: datetime.date,
    volunteers: dict[str, int],
    round_number: int | None,
) -> list[Item]:
    slug = programme.slug
    items = []
    mentors = volunteers.get(Enrolment.Role.MENTOR, 0)
    if mentors:
        items.append(
            Item(
                "casting",
                ngettext(
                    "%(count)s mentor candidate awaits your decision",
                    "%(count)s mentor candidates await your decision",
                    mentors,
                )
                % {"count": mentors},
                reverse("programs:casting", args=[slug]),
                _("Review the candidates"),
                mentors,
            )
        )
    mentees = volunteers.get(Enrolment.Role.MENTEE, 0)
    if mentees:
        items.append(
            Item(
                "mentees",
                ngettext(
                    "%(count)s mentee volunteer awaits your decision",
                    "%(count)s mentee volunteers await your decision",
                    mentees,
                )
                % {"count": mentees},
                _url(
                    "programs:enrolments",
                    slug,
                    query={
                        "status": Enrolment.Status.VOLUNTEERED,
                        "role": Enrolment.Role.MENTEE,
                    },
                ),
                _("Accept or decline them"),
                mentees,
            )
        )
    if programme.is_recruiting:
        silent = invitations.reminder_due(programme).count()
        if silent:
            items.append(
                Item(
                    "invitations",
                    ngettext(
                        "%(count)s invited person has not answered for %(days)s "
                        "days or more",
                        "%(count)s invited people have not answered for %(days)s "
                        "days or more",
                        silent,
                    )
                    % {
                        "count": silent,
                        "days": invitations.REMINDER_INTERVAL.days,
                    },
                    reverse("programs:invitations", args=[slug]) + "#follow-title",
                    _("Send them a reminder"),
                    silent,
                )
            )
    if round_number is not None:
        items.append(
            Item(
                "round",
                _("Matching round %(number)s is ready: check it, then publish it")
                % {"number": round_number},
                reverse("matching:round", args=[slug, round_number]),
                _("Check and publish the pairs"),
            )
        )
    corrections = ProfileCorrection.objects.for_programme(programme).open().count()
    if corrections:
        items.append(
            Item(
                "corrections",
                ngettext(
                    "%(count)s request to correct HR data",
                    "%(count)s requests to correct HR data",
                    corrections,
                )
                % {"count": corrections},
                reverse("programs:corrections", args=[slug]),
                _("Answer the requests"),
                corrections,
            )
        )
    if programme.status == Programme.Status.RUNNING:
        at_risk, at_risk_count, _active = worst_pairs(
            programme, today, limit=AT_RISK_SHOWN
        )
        if at_risk:
            items.append(
                Item(
                    "at_risk",
                    ngettext(
                        "%(count)s pair may need a hand",
                        "%(count)s pairs may need a hand",
                        at_risk_count,
                    )
                    % {"count": at_risk_count},
                    reverse("programme_health", args=[slug]) + "#risk-title",
                    _("See the programme health"),
                    at_risk_count,
                    [
                        (
                            f"{row.pair.mentor.person.full_name} → "
                            f"{row.pair.mentee.person.full_name} "
                            f"({row.signal_label})",
                            reverse("pairs:nudge", args=[row.pair.pk]),
                            _("Send a friendly reminder"),
                        )
                        for row in at_risk
                    ],
                )
            )
        end = programme.end_date
        if end is not None and today >= end - datetime.timedelta(days=CLOSING_DAYS):
            text = (
                _("The programme ended on %(date)s: send the final survey and close it")
                if today > end
                else _(
                    "The programme ends on %(date)s: send the final survey and "
                    "prepare the closing"
                )
            )
            items.append(
                Item(
                    "closing",
                    text % {"date": _date(end)},
                    reverse("insights:closing", args=[slug]),
                    _("Go to the closing"),
                )
            )
    return items


# --- Participants -----------------------------------------------------------


def for_participant(user: Any, today: datetime.date | None = None) -> list[Group]:
    """For each of the user's pairs (and their registrations not yet paired):
    what to do next."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    today = today or timezone.localdate()
    recent_closing = today - datetime.timedelta(days=SURVEY_DAYS)
    pairs = list(
        Pair.objects.for_user(user)
        .filter(
            Q(status=Pair.Status.ACTIVE)
            | Q(
                mentee__programme__status=Programme.Status.CLOSED,
                closed_on__gte=recent_closing,
            )
        )
        .select_related(
            "mentor__person", "mentee__person", "mentee__programme", "charter"
        )
        .order_by("-started_on", "pk")
    )
    # An active pair with nothing to do stays, to say so; a closed one goes.
    groups = [
        group
        for pair, group in ((p, _pair_group(p, user, now, today)) for p in pairs)
        if group.items or pair.status == Pair.Status.ACTIVE
    ]
    paired = {p.mentor_id for p in pairs} | {p.mentee_id for p in pairs}
    groups.extend(_journey_groups(user, paired))
    return groups


def _pair_group(
    pair: Pair, user: Any, now: datetime.datetime, today: datetime.date
) -> Group:
    me = pair.mentor if pair.mentor.person.user_id == user.pk else pair.mentee
    partner = pair.mentee if me == pair.mentor else pair.mentor
    programme = pair.mentee.programme
    group = Group(
        _("%(programme)s, with %(name)s")
        % {"programme": programme.name, "name": partner.person.full_name},
        reverse("pairs:workspace", args=[pair.pk]),
    )
    items = group.items
    if pair.status == Pair.Status.ACTIVE:
        items.extend(_pair_items(pair, me, now, today))
    survey = _survey_item(pair, me, programme, today)
    if survey is not None:
        items.append(survey)
    return group


def _pair_items(
    pair: Pair, me: Enrolment, now: datetime.datetime, today: datetime.date
) -> list[Item]:
    items = []
    side = "mentor" if me.pk == pair.mentor_id else "mentee"
    try:
        charter: Charter | None = pair.charter
    except Charter.DoesNotExist:
        charter = None
    if charter is None or getattr(charter, f"{side}_accepted_at") is None:
        items.append(
            Item(
                "charter",
                _("The pair charter waits for your acceptance"),
                reverse("pairs:charter", args=[pair.pk]),
                _("Read and accept the charter"),
            )
        )
    meetings = Meeting.objects.filter(pair=pair)
    soon = now + datetime.timedelta(days=AGENDA_DAYS)
    empty = (
        meetings.planned()
        .filter(starts_at__gte=now, starts_at__lt=soon, agenda_items__isnull=True)
        .order_by("starts_at")
        .first()
    )
    if empty is not None:
        items.append(
            Item(
                "agenda",
                _("Prepare the agenda of the session of %(date)s")
                % {
                    "date": date_format(
                        timezone.localtime(empty.starts_at), "DATETIME_FORMAT"
                    )
                },
                reverse("pairs:meeting", args=[pair.pk, empty.pk]) + "#agenda",
                _("Add a topic or a question"),
            )
        )
    ended = [
        m for m in meetings.planned().filter(starts_at__lte=now) if m.ends_at <= now
    ]
    if ended:
        items.append(
            Item(
                "log",
                ngettext(
                    "%(count)s session to declare held or missed",
                    "%(count)s sessions to declare held or missed",
                    len(ended),
                )
                % {"count": len(ended)},
                reverse("pairs:meeting", args=[pair.pk, ended[0].pk]) + "#log",
                _("Log the session"),
                len(ended),
            )
        )
    unrated = list(
        meetings.filter(
            status=Meeting.Status.HELD,
            starts_at__gte=now - datetime.timedelta(days=FEEDBACK_DAYS),
        )
        .exclude(pk__in=Feedback.objects.filter(author=me).values("meeting"))
        .order_by("-starts_at")
    )
    if unrated:
        items.append(
            Item(
                "feedback",
                ngettext(
                    "%(count)s held session awaits your feedback",
                    "%(count)s held sessions await your feedback",
                    len(unrated),
                )
                % {"count": len(unrated)},
                reverse("pairs:meeting", args=[pair.pk, unrated[0].pk]) + "#feedback",
                _("Give your feedback"),
                len(unrated),
            )
        )
    overdue = ActionItem.objects.filter(
        meeting__pair=pair, owner=me, done_at__isnull=True, due_date__lt=today
    ).aggregate(n=Count("pk"), first=Min("meeting"))
    if overdue["n"]:
        items.append(
            Item(
                "actions",
                ngettext(
                    "%(count)s action is past its due date",
                    "%(count)s actions are past their due date",
                    overdue["n"],
                )
                % {"count": overdue["n"]},
                reverse("pairs:meeting", args=[pair.pk, overdue["first"]])
                + "#actions-title",
                ngettext(
                    "Do it or mark it done",
                    "Do them or mark them done",
                    overdue["n"],
                ),
                overdue["n"],
            )
        )
    if pulse.due_round(pair, me, today) is not None:
        items.append(
            Item(
                "checkin",
                _("How is your pair going? Three questions, about one minute"),
                reverse("pairs:checkin", args=[pair.pk]),
                _("Answer the check-in"),
            )
        )
    phase = reassessment_due(pair, me, today)
    if phase is not None:
        items.append(
            Item(
                "reassessment",
                _("Your mid-way self-assessment is due")
                if phase == Assessment.Phase.MIDWAY
                else _("Your end-of-programme self-assessment is due"),
                reverse("pairs:reassessment", args=[pair.pk, phase]),
                _("Assess yourself"),
            )
        )
    return items


def reassessment_due(pair: Pair, me: Enrolment, today: datetime.date) -> str | None:
    """The self-assessment phase due for ``me`` in this pair, if any: the
    final one from ``CLOSING_DAYS`` before the programme's end, the mid-way
    one from half-way through; each counts once made after the pair started."""
    programme = pair.mentee.programme
    start, end = programme.start_date, programme.end_date
    if start is None or end is None or end <= start:
        return None
    done = set(
        Assessment.objects.for_person(me.person)
        .self_assessed()
        .filter(
            phase__in=[Assessment.Phase.MIDWAY, Assessment.Phase.FINAL],
            assessed_on__gte=pair.started_on,
        )
        .values_list("phase", flat=True)
    )
    if Assessment.Phase.FINAL in done:
        return None
    if today >= end - datetime.timedelta(days=CLOSING_DAYS):
        return Assessment.Phase.FINAL
    if today >= start + (end - start) / 2 and Assessment.Phase.MIDWAY not in done:
        return Assessment.Phase.MIDWAY
    return None


def _survey_item(
    pair: Pair, me: Enrolment, programme: Programme, today: datetime.date
) -> Item | None:
    """The final survey, from ``CLOSING_DAYS`` before the end or once closed."""
    closing = programme.status == Programme.Status.CLOSED or (
        programme.end_date is not None
        and today >= programme.end_date - datetime.timedelta(days=CLOSING_DAYS)
    )
    if not closing or ClosingSurvey.objects.filter(pair=pair, author=me).exists():
        return None
    return Item(
        "survey",
        _("The final survey of « %(programme)s » waits for your answers")
        % {"programme": programme.name},
        reverse("insights:survey", args=[pair.pk]),
        _("Answer the final survey"),
    )


def _journey_groups(user: Any, paired: set[int]) -> list[Group]:
    """Registrations still being completed: the wizard's steps not done."""
    groups = []
    enrolments = (
        Enrolment.objects.for_user(user)
        # Invited only: the invitation is answered first (the home lists it).
        .filter(status__in=[Enrolment.Status.VOLUNTEERED, Enrolment.Status.ACCEPTED])
        .filter(
            programme__status__in=[
                Programme.Status.RECRUITING,
                Programme.Status.MATCHING,
            ]
        )
        .exclude(pk__in=paired)
        .select_related("programme", "person")
        .order_by("programme__name", "role")
    )
    for enrolment in enrolments:
        missing = [s for s in journey(enrolment) if not s.done and s.key in STEP_URLS]
        if not missing:
            continue
        groups.append(
            Group(
                _("%(programme)s, as %(role)s")
                % {
                    "programme": enrolment.programme.name,
                    "role": enrolment.get_role_display().lower(),
                },
                reverse("programs:journey", args=[enrolment.pk]),
                [
                    Item(
                        "journey",
                        ngettext(
                            "%(count)s step left to complete your registration",
                            "%(count)s steps left to complete your registration",
                            len(missing),
                        )
                        % {"count": len(missing)},
                        reverse(STEP_URLS[missing[0].key], args=[enrolment.pk]),
                        _("Continue where you left off"),
                        len(missing),
                    )
                ],
            )
        )
    return groups


# --- Sponsors ---------------------------------------------------------------


def for_sponsor(user: Any, today: datetime.date | None = None) -> list[Group]:
    """The sponsored programmes' latest results: where to read them, and as of
    when (the last computed snapshot, or today's figures)."""
    today = today or timezone.localdate()
    programmes = list(Programme.objects.sponsored_by(user).order_by("name"))
    as_of = dict(
        DashboardSnapshot.objects.filter(programme__in=programmes)
        .order_by()
        .values_list("programme")
        .annotate(last=Max("as_of"))
        .values_list("programme", "last")
    )
    groups = []
    for programme in programmes:
        day = as_of.get(programme.pk, today)
        groups.append(
            Group(
                programme.name,
                reverse("insights:dashboard", args=[programme.slug]),
                [
                    Item(
                        "results",
                        _("Results as of %(date)s") % {"date": _date(day)},
                        reverse("insights:dashboard", args=[programme.slug]),
                        _("See the results"),
                    )
                ],
            )
        )
    return groups


def for_user(user: Any, today: datetime.date | None = None) -> Todo:
    today = today or timezone.localdate()
    return Todo(
        managing=for_manager(user, today),
        taking_part=for_participant(user, today),
        sponsoring=for_sponsor(user, today),
    )
