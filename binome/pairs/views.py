"""The pair workspace. Only the pair's two people see its content; an
assistant sees and moves dates; programme managers see activity, never
content. Everyone else gets a 404, so nobody can probe for ids."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Avg, Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from binome.http import AuthenticatedRequest
from binome.programs.access import programme_or_404, require
from binome.programs.models import Enrolment, Programme, ProgrammeQuerySet
from binome.skills.forms import SelfAssessmentForm
from binome.skills.models import Assessment, Resource, ResourceRating, Skill

from . import (
    calendar,
    concerns,
    concurrency,
    notices,
    nudges,
    pulse,
    recognition,
    services,
)
from .forms import (
    ActionItemForm,
    AgendaItemEditForm,
    AgendaItemForm,
    AssistantForm,
    CharterForm,
    FeedbackForm,
    GlossaryTermForm,
    KpiForm,
    KpiProgressForm,
    LogForm,
    MoveForm,
    NotesForm,
    NudgeForm,
    PauseForm,
    PlanForm,
    PreferenceForm,
    PrivateNoteForm,
    PulseForm,
    RatingForm,
    WebhookForm,
)
from .health import risks_by_pair
from .models import (
    AgendaItem,
    Assistant,
    ChangeLine,
    CharterChange,
    Feedback,
    GlossaryTerm,
    Meeting,
    Pair,
    PairQuerySet,
    PrivateNote,
    ProgrammeWebhook,
    ReminderPreference,
)


def _pairs_of(request: AuthenticatedRequest) -> PairQuerySet:
    return Pair.objects.for_user(request.user).select_related(
        "mentor__person__user", "mentee__person__user", "mentee__programme"
    )


def _get_pair_for_user(
    request: AuthenticatedRequest, pk: int
) -> tuple[Pair, Enrolment]:
    """The pair and the user's own enrolment in it; 404 for anyone else,
    HR and superusers included (``pairs.use_workspace``)."""
    pair = get_object_or_404(
        Pair.objects.select_related(
            "mentor__person__user", "mentee__person__user", "mentee__programme"
        ),
        pk=pk,
    )
    require(request.user, "pairs.use_workspace", pair)
    me = pair.mentor if pair.mentor.person.user_id == request.user.pk else pair.mentee
    return pair, me


def _get_pair_for_scheduler(
    request: AuthenticatedRequest, pk: int
) -> tuple[Pair, bool]:
    """The pair for its members or the mentee's assistant (who sees dates only)."""
    user = request.user
    pair = get_object_or_404(
        Pair.objects.select_related(
            "mentor__person", "mentee__person", "mentee__programme"
        ),
        pk=pk,
    )
    require(user, "pairs.view_schedule", pair)
    is_member = rules.has_perm("pairs.use_workspace", user, pair)
    return pair, not is_member


def _get_meeting(pair: Pair, meeting_pk: int) -> Meeting:
    return get_object_or_404(pair.meetings.all(), pk=meeting_pk)


def _refuse_if_closed(request: AuthenticatedRequest, pair: Pair) -> bool:
    """A closed pair is read-only (``services.require_active``): say so; the
    caller sends the person back, nothing changed."""
    try:
        services.require_active(pair)
    except ValidationError as error:
        _form_errors(request, error)
        return True
    return False


def _back_to_meeting(pk: int, meeting_pk: int, anchor: str) -> HttpResponse:
    return redirect(reverse("pairs:meeting", args=[pk, meeting_pk]) + anchor)


def _form_errors(request: AuthenticatedRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Workspace and charter -------------------------------------------------


@login_required
def pair_list(request: AuthenticatedRequest) -> HttpResponse:
    assisted = Pair.objects.filter(assistant__user=request.user).select_related(
        "mentor__person", "mentee__person", "mentee__programme"
    )
    return render(
        request,
        "pairs/list.html",
        {
            "pairs": _pairs_of(request),
            "assisted": assisted,
            "contribution": recognition.for_user(request.user),
        },
    )


@login_required
def workspace(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    charter = services.get_or_create_charter(pair=pair)
    now = timezone.now()
    meetings = list(pair.meetings.all())
    return render(
        request,
        "pairs/workspace.html",
        {
            "pair": pair,
            "me": me,
            "charter": charter,
            "upcoming": [m for m in meetings if m.is_open and m.ends_at >= now],
            "to_log": [m for m in meetings if m.is_open and m.ends_at < now],
            "past": [m for m in reversed(meetings) if not m.is_open],
            "plan_form": PlanForm(pair=pair),
            "assistant": Assistant.objects.filter(pair=pair).first(),
            "assistant_form": AssistantForm(),
            "is_mentee": me.pk == pair.mentee_id,
            "kpis": charter.kpis.all(),
            "is_active": pair.status == Pair.Status.ACTIVE,
            **_pulse_context(pair, me),
            **concerns.workspace_context(pair, me),
        },
    )


def _pulse_context(pair: Pair, me: Enrolment) -> dict[str, Any]:
    """The check-in due and the pause under way, for the workspace: the
    reason of a pause only for its author."""
    today = timezone.localdate()
    pause = pulse.current_pause(pair, today)
    return {
        "checkin_due": pulse.due_round(pair, me, today) is not None,
        "pause": pause,
        "pause_is_mine": pause is not None and pause.by_id == me.pk,
        "pause_form": PauseForm() if pause is None else None,
        "max_pause_days": pulse.MAX_PAUSE_DAYS,
    }


# --- Check-ins and pauses (#18) ----------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The open round's three questions for a member (from the e-mail, the
    home page or the workspace); once answered, a thank-you."""
    pair, me = _get_pair_for_user(request, pk)
    today = timezone.localdate()
    due = pulse.due_round(pair, me, today)
    form = PulseForm(
        request.POST if request.method == "POST" else None,
        initial={"round": due},
        questions=pulse.questions(),
        junior=me.pk == pair.mentor_id,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pulse.answer_checkin(
                pair=pair,
                author=me,
                round=data["round"],
                useful=data["useful"],
                rhythm=data["rhythm"],
                safety=data["safety"],
                comment=data["comment"],
                share_comment=data["share_comment"],
            )
        except ValidationError as error:
            # Answered already (a second click) or the round closed meanwhile.
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: your answers are saved."))
        return redirect("pairs:workspace", pk=pk)
    return render(
        request,
        "pairs/checkin.html",
        {"pair": pair, "me": me, "form": form, "due": due is not None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def pause(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Either member pauses the pair until a date, with a private reason."""
    pair, me = _get_pair_for_user(request, pk)
    if _refuse_if_closed(request, pair):
        return redirect("pairs:workspace", pk=pk)
    form = PauseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            made = pulse.pause_pair(
                pair=pair,
                by=me,
                until=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if getattr(error, "code", "") == "already_paused":
                messages.info(request, " ".join(error.messages))
                return redirect("pairs:workspace", pk=pk)
            form.add_error(None, error)
        else:
            messages.success(request, pulse.until_text(made))
            return redirect("pairs:workspace", pk=pk)
    return render(
        request,
        "pairs/pause.html",
        {
            "pair": pair,
            "form": form,
            "pause": pulse.current_pause(pair),
            "max_pause_days": pulse.MAX_PAUSE_DAYS,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def resume(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Either member ends the pause today."""
    pair, me = _get_pair_for_user(request, pk)
    if pulse.resume_pair(pair=pair, by=me) is not None:
        messages.success(request, _("The pair has resumed."))
    return redirect("pairs:workspace", pk=pk)


def _edit_digest(changes: dict[str, Any]) -> str:
    """Names the exact edit a person confirmed (see ``charter``)."""
    text = json.dumps(changes, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@login_required
def charter(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    if request.method == "POST" and _refuse_if_closed(request, pair):
        return redirect("pairs:charter", pk=pk)
    charter = services.get_or_create_charter(pair=pair)
    partner = pair.mentee if me.pk == pair.mentor_id else pair.mentor
    form = CharterForm(
        request.POST if request.method == "POST" else None, instance=charter
    )
    is_active = pair.status == Pair.Status.ACTIVE
    if not is_active:
        for field in form.fields.values():
            field.disabled = True
    preview: list[ChangeLine] = []
    confirm = ""
    conflict = None
    if request.method == "POST" and form.is_valid():
        saved: list[CharterChange | None] = []

        def save(data: dict[str, Any], version: int) -> None:
            nonlocal preview, confirm
            # save_form reloaded the charter: ``edits`` are against the text
            # as saved now.
            edits = services.charter_edits(charter=charter, data=data)
            if edits and version != charter.version:
                raise concurrency.Conflict(charter)  # someone saved since
            # An edit tells the partner: it is saved once its author has seen
            # what changes and confirmed this very edit. A choice made on the
            # conflict screen is that confirmation.
            if (
                edits
                and not form.choices()
                and request.POST.get("confirm") != _edit_digest(edits)
            ):
                preview = CharterChange(changes=edits).lines()
                confirm = _edit_digest(edits)
                return
            saved.append(
                services.update_charter(
                    charter=charter, data=data, by=request.user, version=version
                )
            )

        conflict = concurrency.save_form(form, save=save, author=request.user)
        if conflict is None and not preview:
            if saved and saved[0]:
                messages.success(
                    request,
                    _(
                        "The charter is saved and counts as your acceptance. "
                        "%(partner)s is told what changed and asked to accept "
                        "it again."
                    )
                    % {"partner": partner.person},
                )
            else:
                messages.info(request, _("Nothing changed in the charter."))
            return redirect("pairs:charter", pk=pk)
    return render(
        request,
        "pairs/charter.html",
        {
            "pair": pair,
            "me": me,
            "partner": partner,
            "charter": charter,
            "form": form,
            "preview": preview,
            "confirm": confirm,
            "notices": notices.awaiting_acceptance(request.user, [pair]),
            "conflict": conflict,
            "kpis": charter.kpis.all(),
            "kpi_form": KpiForm(),
            "changes": charter.changes.select_related("changed_by")[:30],
            "schedule": pair.meetings.exclude(status=Meeting.Status.CANCELLED),
            "my_acceptance": charter.accepted_at(me),
            "is_active": is_active,
        },
        status=409 if conflict else 200,
    )


@login_required
@require_POST
def charter_accept(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    if _refuse_if_closed(request, pair):
        return redirect("pairs:charter", pk=pk)
    charter = services.get_or_create_charter(pair=pair)
    services.accept_charter(charter=charter, enrolment=me)
    messages.success(request, _("You accepted the charter."))
    return redirect("pairs:charter", pk=pk)


@login_required
def kpi_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Add a KPI. The charter page posts here; a form with errors comes back
    on its own page, with what was typed and each error next to its field."""
    pair, me = _get_pair_for_user(request, pk)
    if _refuse_if_closed(request, pair):
        return redirect("pairs:workspace", pk=pk)
    charter = services.get_or_create_charter(pair=pair)
    form = KpiForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            kpi = services.add_kpi(
                charter=charter,
                direction="mentor" if me.pk == pair.mentor_id else "mentee",
                by=request.user,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error("due_date", error)
        else:
            partner = pair.mentee if me.pk == pair.mentor_id else pair.mentor
            messages.success(
                request,
                _(
                    "The KPI is added to the charter. %(partner)s is told and asked "
                    "to accept the charter again."
                )
                % {"partner": partner.person},
            )
            # Accepted as written; a goal with no number or date gets a nudge.
            for hint in kpi.smart_hints.values():
                messages.info(request, hint)
            return redirect("pairs:charter", pk=pk)
    return render(request, "pairs/kpi_add.html", {"pair": pair, "form": form})


@login_required
@require_POST
def kpi_progress(request: AuthenticatedRequest, pk: int, kpi_pk: int) -> HttpResponse:
    pair, _me = _get_pair_for_user(request, pk)
    if _refuse_if_closed(request, pair):
        return redirect("pairs:progress", pk=pk)
    kpi = get_object_or_404(
        services.get_or_create_charter(pair=pair).kpis.all(), pk=kpi_pk
    )
    form = KpiProgressForm(request.POST, instance=kpi)
    if not form.is_valid():
        messages.error(request, _("Progress was not saved: check the value."))
        return redirect("pairs:progress", pk=pk)
    conflict = concurrency.save_form(
        form,
        save=lambda data, version: services.update_kpi(
            kpi=kpi, data=data, by=request.user, version=version
        ),
        author=request.user,
    )
    if conflict is not None:
        kpi.refresh_from_db()
        context = {"pair": pair, "kpi": kpi, "conflict": conflict, "is_active": True}
        if request.htmx:  # htmx swaps 2xx answers only
            return render(request, "pairs/progress.html#kpi-row", context)
        return render(request, "pairs/kpi_conflict.html", context, status=409)
    if request.htmx:
        return render(
            request,
            "pairs/progress.html#kpi-row",
            {"pair": pair, "kpi": kpi, "is_active": True},
        )
    messages.success(request, _("Progress saved."))
    return redirect("pairs:progress", pk=pk)


# --- Sessions --------------------------------------------------------------


@login_required
def plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Plan the sessions: the first date, then a preview of what will be
    created, replaced and kept, then the confirmation (the others are told)."""
    pair, me = _get_pair_for_user(request, pk)
    if _refuse_if_closed(request, pair):
        return redirect("pairs:workspace", pk=pk)
    charter = services.get_or_create_charter(pair=pair)
    form = PlanForm(request.POST if request.method == "POST" else None, pair=pair)
    preview = None
    if request.method == "POST" and form.is_valid():
        first_at = form.cleaned_data["first_at"]
        try:
            if request.POST.get("confirm"):
                created = services.plan_meetings(
                    pair=pair, first_at=first_at, by=request.user
                )
            else:
                preview = services.preview_plan(pair=pair, first_at=first_at)
        except ValidationError as error:
            form.add_error("first_at", error)
        else:
            if preview is None:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d session is planned.",
                        "%(count)d sessions are planned.",
                        len(created),
                    )
                    % {"count": len(created)},
                )
                return redirect("pairs:schedule", pk=pk)
    partner = pair.mentee if me.pk == pair.mentor_id else pair.mentor
    return render(
        request,
        "pairs/plan.html",
        {
            "pair": pair,
            "charter": charter,
            "form": form,
            "preview": preview,
            "partner": partner,
        },
    )


@login_required
def schedule(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Dates only: what the assistant sees (the pair sees it too)."""
    pair, is_assistant = _get_pair_for_scheduler(request, pk)
    return render(
        request,
        "pairs/schedule.html",
        {
            "pair": pair,
            "is_assistant": is_assistant,
            "meetings": pair.meetings.all(),
            "is_active": pair.status == Pair.Status.ACTIVE,
        },
    )


@login_required
def meeting_move(
    request: AuthenticatedRequest, pk: int, meeting_pk: int
) -> HttpResponse:
    pair, is_assistant = _get_pair_for_scheduler(request, pk)
    if _refuse_if_closed(request, pair):
        return redirect("pairs:schedule", pk=pk)
    meeting = _get_meeting(pair, meeting_pk)
    if not meeting.is_open:
        raise Http404
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        initial={"starts_at": timezone.localtime(meeting.starts_at)},
        meeting=meeting,
    )
    if request.method == "POST" and form.is_valid() and not form.needs_confirmation:
        try:
            services.move_meeting(
                meeting=meeting,
                starts_at=form.cleaned_data["starts_at"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("starts_at", error)
        else:
            messages.success(request, _("The session is moved."))
            return redirect("pairs:schedule", pk=pk)
    return render(
        request,
        "pairs/move.html",
        {"pair": pair, "meeting": meeting, "form": form, "is_assistant": is_assistant},
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(
    request: AuthenticatedRequest, pk: int, meeting_pk: int
) -> HttpResponse:
    """Cancel a planned session, after a page saying who is told (a GET, or a
    POST without ``confirm=1``). A session already begun is declared held or
    missed instead."""
    pair, is_assistant = _get_pair_for_scheduler(request, pk)
    if request.method == "POST" and _refuse_if_closed(request, pair):
        return redirect("pairs:schedule", pk=pk)
    meeting = _get_meeting(pair, meeting_pk)
    if meeting.status == Meeting.Status.CANCELLED:
        # A second click on « Confirm »: the first one did the work.
        messages.info(request, _("The session is already cancelled."))
        return redirect("pairs:schedule", pk=pk)
    if meeting.is_open and meeting.has_started:
        # Past: the pair says whether it was held; the assistant cannot.
        messages.info(
            request,
            _("This session has already begun: say whether it was held instead."),
        )
        if is_assistant:
            return redirect("pairs:schedule", pk=pk)
        return redirect(reverse("pairs:meeting", args=[pk, meeting_pk]) + "#log")
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            services.cancel_meeting(meeting=meeting, by=request.user)
        except ValidationError as error:
            _form_errors(request, error)
        else:
            messages.success(request, _("The session is cancelled."))
        return redirect("pairs:schedule", pk=pk)
    return render(
        request,
        "pairs/meeting_cancel.html",
        {
            "pair": pair,
            "meeting": meeting,
            "is_assistant": is_assistant,
            "told": services.people_told_of_changes(pair, request.user),
        },
    )


@login_required
def meeting_ics(
    request: AuthenticatedRequest, pk: int, meeting_pk: int
) -> HttpResponse:
    pair, _is_assistant = _get_pair_for_scheduler(request, pk)
    meeting = _get_meeting(pair, meeting_pk)
    response = HttpResponse(
        calendar.meeting_ics(meeting), content_type="text/calendar; charset=utf-8"
    )
    name = f"seance-{timezone.localtime(meeting.starts_at):%Y-%m-%d}.ics"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _read_only_unless[F: forms.BaseForm](active: bool, form: F) -> F:
    """The form as it is, or with every field disabled (a closed pair)."""
    if not active:
        for field in form.fields.values():
            field.disabled = True
    return form


def _meeting_context(
    request: AuthenticatedRequest, pair: Pair, me: Enrolment, meeting: Meeting
) -> dict[str, Any]:
    feedback = Feedback.objects.filter(meeting=meeting, author=me).first()
    private = PrivateNote.objects.filter(meeting=meeting, author=me).first()
    return {
        "pair": pair,
        "me": me,
        "meeting": meeting,
        "agenda": meeting.agenda_items.select_related("skill", "author"),
        "actions": meeting.action_items.select_related("owner__person"),
        "agenda_form": AgendaItemForm(),
        "notes_form": _read_only_unless(
            pair.status == Pair.Status.ACTIVE, NotesForm(instance=meeting)
        ),
        "private_note_form": PrivateNoteForm(
            instance=private or PrivateNote(meeting=meeting, author=me)
        ),
        "action_form": ActionItemForm(pair=pair),
        "log_form": LogForm(
            initial={"minutes": meeting.duration_minutes}, meeting=meeting
        ),
        "feedback": feedback,
        "feedback_form": FeedbackForm(instance=feedback),
        "resources": services.suggested_resources(meeting),
        "is_mentor": me.pk == pair.mentor_id,
        "video_link": services.get_or_create_charter(pair=pair).safe_video_link,
        "is_active": pair.status == Pair.Status.ACTIVE,
    }


@login_required
def meeting(request: AuthenticatedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    meeting = _get_meeting(pair, meeting_pk)
    return render(
        request, "pairs/meeting.html", _meeting_context(request, pair, me, meeting)
    )


@login_required
@require_POST
def agenda_add(request: AuthenticatedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    if _refuse_if_closed(request, pair):
        return _back_to_meeting(pk, meeting_pk, "#agenda")
    meeting = _get_meeting(pair, meeting_pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        services.add_agenda_item(meeting=meeting, by=request.user, **form.cleaned_data)
    elif not request.htmx:
        messages.error(request, _("Write a topic or a question."))
    if request.htmx:
        context = _meeting_context(request, pair, me, meeting)
        if not form.is_valid():
            context["agenda_form"] = form
        return render(request, "pairs/meeting.html#agenda", context)
    return redirect(reverse("pairs:meeting", args=[pk, meeting_pk]) + "#agenda")


def _meeting_page(
    request: AuthenticatedRequest,
    pair: Pair,
    me: Enrolment,
    meeting: Meeting,
    status: int,
    **overrides: Any,
) -> HttpResponse:
    """The session page again, with a form's errors or its conflict screen."""
    context = _meeting_context(request, pair, me, meeting)
    context.update(overrides)
    return render(request, "pairs/meeting.html", context, status=status)


@login_required
@require_POST
def notes(request: AuthenticatedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    if _refuse_if_closed(request, pair):
        return _back_to_meeting(pk, meeting_pk, "#notes")
    meeting = _get_meeting(pair, meeting_pk)
    form = NotesForm(request.POST, instance=meeting)
    if not form.is_valid():
        meeting.refresh_from_db()
        return _meeting_page(request, pair, me, meeting, 400, notes_form=form)
    conflict = concurrency.save_form(
        form,
        save=lambda data, version: services.save_notes(
            meeting=meeting, data=data, version=version
        ),
        author=request.user,
    )
    if conflict is not None:
        return _meeting_page(request, pair, me, meeting, 409, notes_conflict=conflict)
    messages.success(request, _("Notes saved."))
    return redirect(reverse("pairs:meeting", args=[pk, meeting_pk]) + "#notes")


@login_required
@require_POST
def private_note(
    request: AuthenticatedRequest, pk: int, meeting_pk: int
) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    meeting = _get_meeting(pair, meeting_pk)
    note = PrivateNote.objects.filter(meeting=meeting, author=me).first()
    form = PrivateNoteForm(
        request.POST, instance=note or PrivateNote(meeting=meeting, author=me)
    )
    if not form.is_valid():
        return _meeting_page(request, pair, me, meeting, 400, private_note_form=form)
    conflict = concurrency.save_form(
        form,
        save=lambda data, version: services.save_private_note(
            meeting=meeting, author=me, text=data["text"], version=version
        ),
        author=request.user,
    )
    if conflict is not None:
        return _meeting_page(request, pair, me, meeting, 409, private_conflict=conflict)
    messages.success(request, _("Your private notes are saved."))
    return redirect(reverse("pairs:meeting", args=[pk, meeting_pk]) + "#private")


def _my_agenda_item(
    request: AuthenticatedRequest, pk: int, meeting_pk: int, item_pk: int
) -> tuple[Pair, Enrolment, Meeting, AgendaItem]:
    """An agenda item its author may change: 404 outside the pair, 403 for
    the partner, 404 once the session is no longer planned."""
    pair, me = _get_pair_for_user(request, pk)
    meeting = _get_meeting(pair, meeting_pk)
    item = get_object_or_404(meeting.agenda_items.all(), pk=item_pk)
    if not rules.has_perm("pairs.change_agenda_item", request.user, item):
        raise PermissionDenied
    if not meeting.is_open:
        raise Http404
    return pair, me, meeting, item


def _agenda_answer(
    request: AuthenticatedRequest, pair: Pair, me: Enrolment, meeting: Meeting
) -> HttpResponse:
    if request.htmx:
        return render(
            request,
            "pairs/meeting.html#agenda",
            _meeting_context(request, pair, me, meeting),
        )
    return redirect(reverse("pairs:meeting", args=[pair.pk, meeting.pk]) + "#agenda")


@login_required
def agenda_edit(
    request: AuthenticatedRequest, pk: int, meeting_pk: int, item_pk: int
) -> HttpResponse:
    pair, me, meeting, item = _my_agenda_item(request, pk, meeting_pk, item_pk)
    if request.method == "POST" and _refuse_if_closed(request, pair):
        return _back_to_meeting(pk, meeting_pk, "#agenda")
    form = AgendaItemEditForm(
        request.POST if request.method == "POST" else None, instance=item
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        conflict = concurrency.save_form(
            form,
            save=lambda data, version: services.update_agenda_item(
                item=item, by=request.user, data=data, version=version
            ),
            author=request.user,
        )
        if conflict is None:
            messages.success(request, _("The agenda item is saved."))
            return _agenda_answer(request, pair, me, meeting)
    status = 409 if conflict else 400 if form.errors else 200
    return render(
        request,
        "pairs/agenda_item.html",
        {
            "pair": pair,
            "meeting": meeting,
            "item": item,
            "form": form,
            "conflict": conflict,
        },
        status=status,
    )


@login_required
@require_POST
def agenda_move(
    request: AuthenticatedRequest, pk: int, meeting_pk: int, item_pk: int
) -> HttpResponse:
    pair, me, meeting, item = _my_agenda_item(request, pk, meeting_pk, item_pk)
    if _refuse_if_closed(request, pair):
        return _back_to_meeting(pk, meeting_pk, "#agenda")
    services.move_agenda_item(
        item=item, by=request.user, up=request.POST.get("direction") == "up"
    )
    return _agenda_answer(request, pair, me, meeting)


@login_required
@require_POST
def agenda_delete(
    request: AuthenticatedRequest, pk: int, meeting_pk: int, item_pk: int
) -> HttpResponse:
    pair, me, meeting, item = _my_agenda_item(request, pk, meeting_pk, item_pk)
    if _refuse_if_closed(request, pair):
        return _back_to_meeting(pk, meeting_pk, "#agenda")
    services.delete_agenda_item(item=item, by=request.user)
    messages.success(request, _("The agenda item is deleted."))
    return _agenda_answer(request, pair, me, meeting)


@login_required
@require_POST
def action_add(request: AuthenticatedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    if _refuse_if_closed(request, pair):
        return _back_to_meeting(pk, meeting_pk, "#actions")
    meeting = _get_meeting(pair, meeting_pk)
    form = ActionItemForm(request.POST, pair=pair)
    if form.is_valid():
        try:
            services.add_action_item(meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
    if request.htmx or not form.is_valid():
        # Errors go next to their field, with what was typed: the fragment
        # for htmx, the whole page otherwise.
        context = _meeting_context(request, pair, me, meeting)
        if not form.is_valid():
            context["action_form"] = form
        if request.htmx:
            return render(request, "pairs/meeting.html#actions", context)
        return render(request, "pairs/meeting.html", context)
    return redirect(reverse("pairs:meeting", args=[pk, meeting_pk]) + "#actions")


@login_required
@require_POST
def action_toggle(
    request: AuthenticatedRequest, pk: int, meeting_pk: int, item_pk: int
) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    if _refuse_if_closed(request, pair):
        return _back_to_meeting(pk, meeting_pk, "#actions")
    meeting = _get_meeting(pair, meeting_pk)
    services.toggle_action_item(
        item=get_object_or_404(meeting.action_items, pk=item_pk)
    )
    if request.htmx:
        return render(
            request,
            "pairs/meeting.html#actions",
            _meeting_context(request, pair, me, meeting),
        )
    return redirect(reverse("pairs:meeting", args=[pk, meeting_pk]) + "#actions")


@login_required
@require_POST
def meeting_log(
    request: AuthenticatedRequest, pk: int, meeting_pk: int
) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    if _refuse_if_closed(request, pair):
        return redirect("pairs:meeting", pk=pk, meeting_pk=meeting_pk)
    meeting = _get_meeting(pair, meeting_pk)
    if meeting.status not in (Meeting.Status.PLANNED, Meeting.Status.HELD):
        # The page has no log form then, to show an error next to.
        messages.error(request, _("A cancelled or missed session cannot be logged."))
        return redirect("pairs:meeting", pk=pk, meeting_pk=meeting_pk)
    form = LogForm(request.POST, meeting=meeting)
    if form.is_valid():
        try:
            services.log_meeting(
                meeting=meeting,
                held=form.cleaned_data["held"],
                minutes=form.cleaned_data["minutes"],
            )
        except ValidationError as error:
            form.add_error("held", error)
        else:
            messages.success(request, _("The session is logged."))
            return redirect("pairs:meeting", pk=pk, meeting_pk=meeting_pk)
    context = _meeting_context(request, pair, me, meeting)
    context["log_form"] = form
    return render(request, "pairs/meeting.html", context)


@login_required
@require_POST
def feedback(request: AuthenticatedRequest, pk: int, meeting_pk: int) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    meeting = _get_meeting(pair, meeting_pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.give_feedback(meeting=meeting, enrolment=me, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(request, error)
        else:
            messages.success(request, _("Thank you for your feedback."))
    else:
        messages.error(request, _("Give a rating and say if it was useful."))
    return redirect(reverse("pairs:meeting", args=[pk, meeting_pk]) + "#feedback")


# --- Assistant -------------------------------------------------------------


@login_required
@require_POST
def assistant(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pair, _me = _get_pair_for_user(request, pk)
    require(request.user, "pairs.manage_assistant", pair)
    if request.POST.get("remove"):
        services.remove_assistant(pair=pair)
        messages.success(request, _("Your assistant no longer has access."))
        return redirect("pairs:workspace", pk=pk)
    form = AssistantForm(request.POST)
    if form.is_valid():
        try:
            services.set_assistant(pair=pair, email=form.cleaned_data["email"])
        except ValidationError as error:
            _form_errors(request, error)
        else:
            messages.success(
                request, _("Your assistant can now see and move the session dates.")
            )
    else:
        messages.error(request, _("Enter a valid email address."))
    return redirect("pairs:workspace", pk=pk)


# --- Progress --------------------------------------------------------------


@login_required
def progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    pair, me = _get_pair_for_user(request, pk)
    charter = services.get_or_create_charter(pair=pair)
    return render(
        request,
        "pairs/progress.html",
        {
            "pair": pair,
            "me": me,
            "kpis": charter.kpis.all(),
            "skills": services.skills_progress(me.person),
            "is_active": pair.status == Pair.Status.ACTIVE,
            "learned": services.reciprocity(pair),
        },
    )


@login_required
def reassessment(request: AuthenticatedRequest, pk: int, phase: str) -> HttpResponse:
    """The same grid as the baseline, mid-way or at the end."""
    pair, me = _get_pair_for_user(request, pk)
    if phase not in (Assessment.Phase.MIDWAY, Assessment.Phase.FINAL):
        raise Http404
    skills = services.assessment_grid(me.person)
    form = SelfAssessmentForm(
        request.POST if request.method == "POST" else None, skills=skills
    )
    if request.method == "POST" and form.skills and form.is_valid():
        from binome.programs.services import save_self_assessment

        save_self_assessment(person=me.person, levels=form.levels(), phase=phase)
        messages.success(request, _("Your self-assessment is saved."))
        return redirect("pairs:progress", pk=pk)
    return render(
        request,
        "pairs/reassessment.html",
        {
            "pair": pair,
            "form": form,
            "phase_label": Assessment.Phase(phase).label,
        },
    )


# --- Reminders and calendar feed -------------------------------------------


@login_required
def preferences(request: AuthenticatedRequest) -> HttpResponse:
    preference = ReminderPreference.for_user(request.user)
    if request.method == "POST" and request.POST.get("revoke"):
        preference.revoke_feed()
        messages.success(
            request, _("A new feed address is ready; the old one no longer works.")
        )
        return redirect("pairs:preferences")
    form = PreferenceForm(
        request.POST if request.method == "POST" else None, instance=preference
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your reminder choices are saved."))
        return redirect("pairs:preferences")
    feed_url = request.build_absolute_uri(
        reverse("pairs:feed", args=[preference.feed_token])
    )
    return render(
        request, "pairs/preferences.html", {"form": form, "feed_url": feed_url}
    )


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private iCalendar feed: the unguessable token is the credential."""
    preference = get_object_or_404(
        ReminderPreference.objects.select_related("user"),
        feed_token=token,
        user__is_active=True,
    )
    response = HttpResponse(
        calendar.feed_ics(preference.user), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=900"
    return response


# --- Glossary and resources ------------------------------------------------


def _managed(request: AuthenticatedRequest) -> ProgrammeQuerySet:
    return Programme.objects.managed_by(request.user)


@login_required
def glossary(request: AuthenticatedRequest) -> HttpResponse:
    form = GlossaryTermForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        pair = _pairs_of(request).first()
        services.suggest_term(
            by=request.user,
            programme=pair.programme if pair else None,
            **form.cleaned_data,
        )
        messages.success(
            request, _("Thank you: a programme manager will review your suggestion.")
        )
        return redirect("pairs:glossary")
    terms = GlossaryTerm.objects.approved()
    kind = request.GET.get("type")
    if kind in GlossaryTerm.Kind.values:
        terms = terms.filter(kind=kind)
    pending = GlossaryTerm.objects.filter(
        status=GlossaryTerm.Status.SUGGESTED,
        programme__in=_managed(request),
    )
    return render(
        request,
        "pairs/glossary.html",
        {"terms": terms, "form": form, "pending": pending, "kind": kind},
    )


@login_required
@require_POST
def glossary_approve(request: AuthenticatedRequest, term_pk: int) -> HttpResponse:
    term = get_object_or_404(
        GlossaryTerm, pk=term_pk, status=GlossaryTerm.Status.SUGGESTED
    )
    require(request.user, "pairs.approve_term", term)
    services.approve_term(term=term)
    messages.success(request, _("The term is published in the glossary."))
    return redirect("pairs:glossary")


@login_required
def resources(request: AuthenticatedRequest) -> HttpResponse:
    items = (
        Resource.objects.filter(is_active=True)
        .annotate(average=Avg("ratings__rating"), votes=Count("ratings"))
        .prefetch_related(
            Prefetch("skills", queryset=Skill.objects.only("name_fr", "name_en"))
        )
    )
    skill = request.GET.get("competence", "")
    if skill.isdigit():
        items = items.filter(skills=int(skill))
    mine = dict(
        ResourceRating.objects.filter(user=request.user).values_list(
            "resource", "rating"
        )
    )
    return render(
        request,
        "pairs/resources.html",
        {
            # In the reader's language: the English titles sort in English.
            "resources": sorted(items, key=lambda r: r.title.casefold()),
            "mine": mine,
            "rating_form": RatingForm(),
        },
    )


@login_required
@require_POST
def resource_rate(request: AuthenticatedRequest, resource_pk: int) -> HttpResponse:
    # Participants rate: anyone in a pair of the organisation.
    require(request.user, "pairs.rate_resource")
    resource = get_object_or_404(Resource, pk=resource_pk, is_active=True)
    form = RatingForm(request.POST)
    if form.is_valid():
        services.rate_resource(
            resource=resource, user=request.user, rating=form.cleaned_data["rating"]
        )
        messages.success(request, _("Thank you for rating this resource."))
    return redirect("pairs:resources")


# --- What programme managers see: activity, never content ------------------


ACTIVITY_PAGE_SIZE = 50


@login_required
def activity(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug, "programs.manage_programme")
    webhook = ProgrammeWebhook.objects.filter(programme=programme).first()
    form = WebhookForm(
        request.POST if request.method == "POST" else None, instance=webhook
    )
    if request.method == "POST" and form.is_valid():
        hook = form.save(commit=False)
        hook.programme = programme
        hook.save()
        messages.success(request, _("The channel is saved."))
        return redirect("pairs:activity", slug=slug)
    now = timezone.now()
    # A page of pairs at a time (5,000 rows made a page of 2 MB that took
    # seconds); ``?binome=<id>`` shows one pair (the health page links there).
    pairs = Pair.objects.in_programme(programme).active()
    wanted = request.GET.get("binome", "")
    if wanted.isdigit():
        pairs = pairs.filter(pk=int(wanted))
    page = Paginator(pairs.values_list("pk", flat=True), ACTIVITY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    risks = risks_by_pair(programme, timezone.localdate(now))
    rows = services.programme_activity(programme, now, pair_ids=list(page), risks=risks)
    return render(
        request,
        "pairs/activity.html",
        {
            "programme": programme,
            "rows": rows,
            "page": page,
            "one_pair": wanted.isdigit(),
            "at_risk_count": len(risks),
            "health_url": reverse("programme_health", args=[programme.slug]),
            "feedback": services.programme_feedback(programme),
            "form": form,
        },
    )


# --- A manager's reminder to a pair (« relance ») ----------------------------


@login_required
def nudge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The programme's managers write a kind reminder to an active pair, see
    the e-mails as each member will read them, then confirm; 404 for anyone
    else. Nothing leaves before the POST with ``confirm=1``."""
    pair = get_object_or_404(
        Pair.objects.active().select_related(
            "mentor__person__user", "mentee__person__user", "mentee__programme"
        ),
        pk=pk,
    )
    programme = pair.mentee.programme
    require(request.user, "programs.manage_programme", programme)
    if request.method == "POST" and nudges.was_sent(
        pair, request.POST.get("token", "")
    ):
        # A second click on « Send »: the first one did it.
        messages.info(request, _("This reminder was already sent."))
        return redirect("programme_health", slug=programme.slug)
    languages = nudges.languages(pair)
    recent = nudges.earlier(pair)
    if request.method == "POST":
        form = NudgeForm(request.POST, languages=languages, recent=recent is not None)
    else:
        form = NudgeForm(
            initial={
                "token": nudges.new_token(),
                **{
                    f"message_{lang}": nudges.default_message(pair, request.user, lang)
                    for lang in languages
                },
            },
            languages=languages,
            recent=recent is not None,
        )
    emails = None
    if request.method == "POST" and not request.POST.get("edit") and form.is_valid():
        if request.POST.get("confirm") == "1":
            try:
                sent = nudges.send(
                    pair=pair,
                    by=request.user,
                    messages=form.messages(),
                    token=form.cleaned_data["token"],
                    request=request,
                )
            except nudges.AlreadySent:
                messages.info(request, _("This reminder was already sent."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                names = get_text_list([r.full_name for r in sent], _("and"))
                messages.success(
                    request,
                    _("Your reminder is on its way to %(names)s.") % {"names": names},
                )
            return redirect("programme_health", slug=programme.slug)
        emails = nudges.preview(pair, request.user, form.messages())
    return render(
        request,
        "pairs/nudge.html",
        {
            "pair": pair,
            "programme": programme,
            "form": form,
            "emails": emails,
            "recipients": nudges.recipients(pair),
            "recent": recent,
        },
    )
