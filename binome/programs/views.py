import hashlib
import logging
from typing import Any

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)

from binome.accounts import audit
from binome.accounts.models import AuditEvent
from binome.accounts.notifications import absolute_url
from binome.http import AuthenticatedRequest
from binome.skills.models import Assessment

from . import corrections as corrections_
from . import imports, services
from . import invitations as invitations_
from .access import managed_programme_or_404, programme_or_404, require
from .forms import (
    ROLE_LABELS,
    CastingReviewForm,
    CorrectionDecisionForm,
    DecisionMessageForm,
    EnrolmentFilterForm,
    ImportForm,
    InvitationMessageForm,
    InviteForm,
    ProgrammeForm,
    RoleForm,
)
from .models import (
    CastingReview,
    Enrolment,
    PreparationCompletion,
    PreparationStep,
    ProfileCorrection,
    Programme,
    preparation_done,
)

logger = logging.getLogger(__name__)

_get_programme_for_manager = managed_programme_or_404


@login_required
def programme_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    programme = _get_programme_for_manager(request, slug)
    counts = {
        (row["role"], row["status"]): row["n"]
        for row in programme.enrolments.values("role", "status").annotate(n=Count("id"))
    }
    funnel = [
        {
            "status": status,
            "mentors": counts.get((Enrolment.Role.MENTOR, status.value), 0),
            "mentees": counts.get((Enrolment.Role.MENTEE, status.value), 0),
        }
        for status in Enrolment.Status
    ]
    # Counted through the reverse relation: programs sits below pairs and
    # must not import it.
    active_pairs = programme.enrolments.filter(
        role=Enrolment.Role.MENTEE, pairs_as_mentee__status="active"
    ).count()
    return render(
        request,
        "programs/detail.html",
        {
            "programme": programme,
            "open_corrections": ProfileCorrection.objects.for_programme(programme)
            .open()
            .count(),
            "funnel": funnel,
            "active_pairs": active_pairs,
            "next_statuses": [
                (s, Programme.Status(s).label)
                for s in sorted(Programme.TRANSITIONS[programme.status])
            ],
        },
    )


def _get_programme_for_panel(request: AuthenticatedRequest, slug: str) -> Programme:
    """The programme if the user manages it or sits on its casting panel."""
    return programme_or_404(request, slug, "programs.review_casting")


@login_required
def casting(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Mentor candidates with their preparation, grids and the decision."""
    programme = _get_programme_for_panel(request, slug)
    candidates = (
        programme.enrolments.mentors()
        .exclude(status__in=[Enrolment.Status.INVITED, Enrolment.Status.WITHDRAWN])
        .select_related("person__department")
        .prefetch_related("casting_reviews", "skill_wishes__skill")
        .order_by("person__last_name", "person__first_name")
    )
    active_steps = PreparationStep.objects.filter(is_active=True).count()
    completed = dict(
        PreparationCompletion.objects.filter(
            person__enrolments__in=candidates, step__is_active=True
        )
        .values("person")
        .annotate(n=Count("step", distinct=True))
        .values_list("person", "n")
    )
    rows = []
    for enrolment in candidates:
        reviews = list(enrolment.casting_reviews.all())
        rows.append(
            {
                "enrolment": enrolment,
                "prepared": completed.get(enrolment.person_id, 0) >= active_steps,
                "score": sum(r.score for r in reviews) / len(reviews)
                if reviews
                else None,
                "reviews": len(reviews),
                "mine": any(r.reviewer_id == request.user.pk for r in reviews),
                "teach": [
                    w.skill for w in enrolment.skill_wishes.all() if w.intent == "teach"
                ],
            }
        )
    return render(
        request,
        "programs/casting.html",
        {
            "programme": programme,
            "rows": rows,
            "is_manager": rules.has_perm(
                "programs.manage_programme", request.user, programme
            ),
        },
    )


@login_required
def casting_review(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    programme = _get_programme_for_panel(request, slug)
    enrolment = get_object_or_404(
        programme.enrolments.mentors().select_related("person"), pk=pk
    )
    review = CastingReview.objects.filter(
        enrolment=enrolment, reviewer=request.user
    ).first()
    form = CastingReviewForm(
        request.POST if request.method == "POST" else None, instance=review
    )
    if request.method == "POST" and form.is_valid():
        review = form.save(commit=False)
        review.enrolment = enrolment
        review.reviewer = request.user
        review.save()
        messages.success(
            request,
            _("Your grid for %(name)s is saved.")
            % {"name": enrolment.person.full_name},
        )
        return redirect("programs:casting", slug=slug)
    others = enrolment.casting_reviews.exclude(reviewer=request.user).select_related(
        "reviewer"
    )
    return render(
        request,
        "programs/casting_review.html",
        {
            "programme": programme,
            "enrolment": enrolment,
            "form": form,
            "others": others,
            "prepared": preparation_done(enrolment.person),
            "teach": enrolment.skill_wishes.filter(intent="teach").select_related(
                "skill"
            ),
        },
    )


@login_required
@require_POST
def casting_decision(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    programme = _get_programme_for_manager(request, slug)
    enrolment = get_object_or_404(
        programme.enrolments.mentors().select_related("person__user"), pk=pk
    )
    decision = request.POST.get("decision")
    if decision not in ("accept", "decline"):
        messages.error(request, _("Unknown action."))
        return redirect("programs:casting", slug=slug)
    return _decide_candidate(
        request,
        enrolment,
        accept=decision == "accept",
        action=reverse("programs:casting_decision", args=[slug, pk]),
        fields={"decision": decision},
        back=reverse("programs:casting", args=[slug]),
        back_label=_("Mentor casting"),
    )


def _decide_candidate(
    request: AuthenticatedRequest,
    enrolment: Enrolment,
    *,
    accept: bool,
    action: str,
    fields: dict[str, str],
    back: str,
    back_label: str,
) -> HttpResponse:
    """Accept or decline a volunteer: both e-mail the person, so a page shows
    the e-mail first, with room for a personal word; ``confirm=1`` acts."""
    form = DecisionMessageForm(request.POST)
    confirmed = request.POST.get("confirm") == "1"
    if confirmed and form.is_valid():
        try:
            changed = services.decide_candidate(
                enrolment=enrolment,
                accept=accept,
                by=request.user,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            name = {"name": enrolment.person.full_name}
            if not changed:
                messages.info(
                    request,
                    (
                        _("%(name)s was already accepted; nothing was sent again.")
                        if accept
                        else _("%(name)s was already declined; nothing was sent again.")
                    )
                    % name,
                )
            else:
                messages.success(
                    request,
                    (
                        _("%(name)s is accepted and told by e-mail.")
                        if accept
                        else _("%(name)s is declined and told by e-mail.")
                    )
                    % name,
                )
        return redirect(back)
    message = form.cleaned_data.get("message", "") if form.is_valid() else ""
    user = enrolment.person.user
    return render(
        request,
        "programs/candidate_decision.html",
        {
            "programme": enrolment.programme,
            "enrolment": enrolment,
            "accept": accept,
            "already": enrolment.status
            == (Enrolment.Status.ACCEPTED if accept else Enrolment.Status.DECLINED),
            "told": bool(user and user.email and user.is_active),
            "form": form,
            "email": services.decision_email_preview(
                enrolment=enrolment, accept=accept, by=request.user, message=message
            ),
            "action": action,
            "fields": fields,
            "back": back,
            "back_label": back_label,
        },
        status=400 if confirmed else 200,
    )


@login_required
def invitations(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Invite people and follow the invitations: the shared link, the people
    imported for the programme (one action, after a preview of the e-mail and
    its count), invitations by address, the personal message, reminders, and
    who was invited, opened, joined or declined."""
    programme = _get_programme_for_manager(request, slug)
    action = request.POST.get("action") if request.method == "POST" else None
    form = InviteForm(request.POST if action == "emails" else None)
    message_form = InvitationMessageForm(
        request.POST if action == "message" else None, instance=programme
    )
    report = pending = None
    imported = invitations_.imported_people(programme)
    imported_plan = invitations_.plan(programme, imported)
    if action in ("emails", "imported", "remind") and not programme.is_recruiting:
        messages.error(request, str(invitations_.NOT_RECRUITING))
        return redirect("programs:invitations", slug=slug)
    if action == "emails" and form.is_valid():
        confirmed = request.POST.get("confirm") == "1"
        try:
            report = services.invite(
                programme=programme,
                emails=form.cleaned_data["emails"],
                by=request.user,
                request=request,
                # First who would receive it; sent once confirmed.
                dry_run=not confirmed,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("programs:invitations", slug=slug)
        if confirmed:
            _say_sent(request, len(report.sent))
            form = InviteForm()
        else:
            pending, report = report, None
    elif action == "message" and message_form.is_valid():
        message_form.save()
        messages.success(request, _("The personal message is saved."))
        return redirect("programs:invitations", slug=slug)
    elif action == "imported":
        expected = request.POST.get("expected", "")
        if expected != str(len(imported_plan.to_send)):
            messages.error(
                request,
                _(
                    "The list changed since the page was shown (another import, "
                    "or invitations already sent): nothing was sent. Check the "
                    "new count below."
                ),
            )
        else:
            try:
                sent = invitations_.send(
                    programme=programme,
                    people=imported_plan.to_send,
                    by=request.user,
                    request=request,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                _say_sent(request, len(sent))
        return redirect("programs:invitations", slug=slug)
    elif action == "remind":
        due = invitations_.reminder_due(programme)
        if request.POST.get("expected", "") != str(due.count()):
            messages.error(
                request,
                _("The list changed since the page was shown: no reminder was sent."),
            )
        else:
            try:
                reminded = invitations_.remind(
                    programme=programme, by=request.user, request=request
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("programs:invitations", slug=slug)
            messages.success(
                request,
                ngettext(
                    "%(count)s reminder is on its way.",
                    "%(count)s reminders are on their way.",
                    len(reminded),
                )
                % {"count": len(reminded)},
            )
        return redirect("programs:invitations", slug=slug)
    link = absolute_url(reverse("programs:join", args=[programme.invitation_token()]))
    sent_list, counts = invitations_.follow_up(programme)
    return render(
        request,
        "programs/invitations.html",
        {
            "programme": programme,
            "form": form,
            "message_form": message_form,
            "report": report,
            "pending": pending,
            "link": link,
            "imported_plan": imported_plan,
            "imported_count": len(imported),
            "preview": invitations_.preview(
                programme,
                request.user,
                imported_plan.to_send[0] if imported_plan.to_send else None,
            ),
            "reminders": list(invitations_.reminder_due(programme)),
            "reminder_days": invitations_.REMINDER_INTERVAL.days,
            "sent_list": sent_list,
            "counts": counts,
        },
    )


def _say_sent(request: AuthenticatedRequest, count: int) -> None:
    if count:
        messages.success(
            request,
            ngettext(
                "%(count)s invitation is on its way.",
                "%(count)s invitations are on their way.",
                count,
            )
            % {"count": count},
        )


@login_required
def roles(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Who manages the programme, sits on its casting panel or sponsors it;
    a manager gives and removes these roles (audit-logged)."""
    programme = _get_programme_for_manager(request, slug)
    action = request.POST.get("action") if request.method == "POST" else None
    form = RoleForm(
        request.POST if action == "grant" else None,
        organisation=programme.organisation,
    )
    if action == "grant" and form.is_valid():
        person = form.cleaned_data["who"]
        try:
            services.grant_role(
                programme=programme,
                person=person,
                role=form.cleaned_data["role"],
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error("who", error)
        else:
            messages.success(
                request,
                _("%(name)s now has the role « %(role)s ».")
                % {
                    "name": person.full_name,
                    "role": ROLE_LABELS[form.cleaned_data["role"]],
                },
            )
            return redirect("programs:roles", slug=slug)
    elif action == "revoke":
        role = request.POST.get("role", "")
        holder = None
        if role in services.ROLE_FIELDS:
            relation = getattr(programme, services.ROLE_FIELDS[role])
            user_pk = request.POST.get("user", "")
            holder = relation.filter(pk=user_pk).first() if user_pk.isdigit() else None
        try:
            if holder is None:
                raise ValidationError(_("This person does not have this role."))
            services.revoke_role(
                programme=programme,
                user=holder,
                role=role,
                by=request.user,
                request=request,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The role is removed."))
        return redirect("programs:roles", slug=slug)
    return render(
        request,
        "programs/roles.html",
        {
            "programme": programme,
            "form": form,
            "groups": [
                ("manager", _("Programme managers"), programme.managers.all()),
                ("panel", _("Casting panel"), programme.panel.all()),
                ("sponsor", _("Sponsors"), programme.sponsors.all()),
            ],
        },
    )


@login_required
@require_POST
def revoke_invitations(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Replace the invitation link, after a page naming the people whose
    personal link stops working too (a POST without ``confirm=1``)."""
    programme = _get_programme_for_manager(request, slug)
    # Which link the page offered to replace: a second click replaces nothing.
    link_version = hashlib.sha256(programme.invitation_nonce.encode()).hexdigest()[:16]
    if request.POST.get("confirm") == "1" and request.POST.get("link") != link_version:
        messages.info(request, _("The link was already replaced: here is the new one."))
        return redirect("programs:invitations", slug=slug)
    if request.POST.get("confirm") != "1":
        awaiting = programme.invitations.awaiting_answer().select_related("person")
        return render(
            request,
            "programs/revoke_confirm.html",
            {
                "programme": programme,
                "link_version": link_version,
                "awaiting": sorted(
                    awaiting, key=lambda i: (i.person.last_name, i.person.first_name)
                ),
            },
        )
    programme.revoke_invitations()
    messages.success(
        request, _("The old invitation link no longer works. Here is a new one.")
    )
    return redirect("programs:invitations", slug=slug)


# Programme set-up ---------------------------------------------------------------


def _organisation_for_creator(request: AuthenticatedRequest) -> Any:
    """The organisation a user may create programmes in, or 404: its HR
    administrators, programme managers (of any programme), staff and
    superusers of their organisation."""
    user = request.user
    require(user, "programs.create_programme")
    administered = user.administered_organisations.first()
    if administered is not None:
        return administered
    managed = Programme.objects.managed_by(user).select_related("organisation").first()
    person = getattr(user, "person", None)
    if managed is not None and not user.is_superuser:
        return managed.organisation
    if user.is_superuser or user.is_staff:
        if person is not None:
            return person.organisation
        from binome.people.models import Organisation

        organisation = Organisation.objects.first()
        if organisation is not None:
            return organisation
    raise Http404


@login_required
def programme_create(request: AuthenticatedRequest) -> HttpResponse:
    organisation = _organisation_for_creator(request)
    template = request.GET.get("modele") or request.POST.get("modele")
    if template not in services.PROGRAMME_TEMPLATES:
        return render(request, "programs/create_choose.html", {})
    instance = Programme(organisation=organisation)
    if request.method == "POST":
        form = ProgrammeForm(request.POST, instance=instance)
        if form.is_valid():
            programme = form.save()
            programme.managers.add(request.user)
            audit.record(
                AuditEvent.Action.ROLE_CHANGE,
                request=request,
                target=f"programme:{programme.slug}",
                role="manager",
                user=request.user.pk,
            )
            messages.success(request, _("The programme is created, as a draft."))
            return redirect("programs:detail", slug=programme.slug)
    else:
        form = ProgrammeForm(
            instance=instance, initial=services.template_initial(template)
        )
    return render(
        request,
        "programs/programme_form.html",
        {"form": form, "template": template, "programme": None},
    )


@login_required
def programme_edit(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    programme = _get_programme_for_manager(request, slug)
    form = ProgrammeForm(
        request.POST if request.method == "POST" else None, instance=programme
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The settings are saved."))
        return redirect("programs:detail", slug=programme.slug)
    return render(
        request, "programs/programme_form.html", {"form": form, "programme": programme}
    )


@login_required
@require_POST
def programme_clone(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    programme = _get_programme_for_manager(request, slug)
    copy = services.clone_programme(programme=programme, by=request.user)
    messages.success(
        request, _("A copy is ready, as a draft: review its dates and settings.")
    )
    return redirect("programs:edit", slug=copy.slug)


@login_required
@require_http_methods(["GET", "POST"])
def programme_status(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Move the programme along its lifecycle, after a page that says what
    the step does and to whom (a GET, or a POST without ``confirm=1``).
    Closing has its own flow (survey, certificates, archive): it goes there."""
    programme = _get_programme_for_manager(request, slug)
    data = request.POST if request.method == "POST" else request.GET
    status = data.get("status", "")
    if status == Programme.Status.CLOSED:
        return redirect("insights:closing", slug=slug)
    if status in Programme.Status.values and programme.status == status:
        # A second click on « Confirm »: the first one did the work.
        messages.info(
            request,
            _("The programme is already « %(status)s ».")
            % {"status": programme.get_status_display()},
        )
        return redirect("programs:detail", slug=slug)
    try:
        effects = services.status_step_effects(programme=programme, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("programs:detail", slug=slug)
    if request.method == "POST" and data.get("confirm") == "1":
        programme.move_to(status)
        messages.success(
            request,
            _("The programme is now « %(status)s ».")
            % {"status": programme.get_status_display()},
        )
        return redirect("programs:detail", slug=slug)
    return render(
        request,
        "programs/status_confirm.html",
        {
            "programme": programme,
            "status": status,
            "label": Programme.Status(status).label,
            "effects": effects,
        },
    )


# Import ------------------------------------------------------------------------------


@login_required
def import_people(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Upload, then a dry-run preview; nothing is written before confirmation."""
    programme = _get_programme_for_manager(request, slug)
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        content = upload_file.read()
        upload = imports.store_upload(
            programme=programme,
            content=content,
            file_name=upload_file.name,
            by=request.user,
        )
        return redirect("programs:import_preview", slug=slug, pk=upload.pk)
    return render(
        request,
        "programs/import.html",
        {"programme": programme, "form": form, "history": programme.imports.all()[:10]},
    )


@login_required
def import_preview(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    programme = _get_programme_for_manager(request, slug)
    upload = get_object_or_404(programme.imports, pk=pk)
    if request.method == "POST":
        try:
            plan = imports.apply_import(upload=upload)
        except ValidationError as error:
            # A ValidationError of several messages has no code of its own.
            if getattr(error, "code", None) == imports.ALREADY_IMPORTED:
                # A second click on « Confirm »: the first one did the work.
                messages.info(request, " ".join(error.messages))
            else:
                messages.error(request, " ".join(error.messages))
            return redirect("programs:import_preview", slug=slug, pk=pk)
        except Exception:
            # apply_import runs in one transaction, so nothing was written;
            # the error is logged for the team, the page says what happened.
            logger.exception("import %s failed", upload.pk)
            messages.error(
                request,
                _(
                    "The import failed and nothing was imported. Try again; if it "
                    "fails again, send the file to your administrator."
                ),
            )
            return redirect("programs:import_preview", slug=slug, pk=pk)
        messages.success(
            request,
            _(
                "Import done: %(create)s created, %(update)s updated, "
                "%(unchanged)s unchanged, %(reject)s rejected."
            )
            % {a: plan.count(a) for a in ("create", "update", "unchanged", "reject")},
        )
        return redirect("programs:invitations", slug=slug)
    plan = imports.plan_import(bytes(upload.content), upload.file_name, programme)
    return render(
        request,
        "programs/import_preview.html",
        {
            "programme": programme,
            "upload": upload,
            "plan": plan,
            "counts": {
                a: plan.count(a) for a in ("create", "update", "unchanged", "reject")
            },
            "rejected": [r for r in plan.rows if r.action == "reject"],
            "warned": plan.warned[:PREVIEW_ROWS],
            "changed": [r for r in plan.rows if r.action in ("create", "update")][
                :PREVIEW_ROWS
            ],
            "preview_rows": PREVIEW_ROWS,
        },
    )


PREVIEW_ROWS = 200


@login_required
@require_safe
def import_template(
    request: AuthenticatedRequest, slug: str, file_format: str
) -> HttpResponse:
    """The file to fill in, with its French headers and example rows."""
    _get_programme_for_manager(request, slug)
    if file_format not in ("csv", "xlsx"):
        raise Http404
    content_type = {
        "csv": "text/csv; charset=utf-8",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }[file_format]
    response = HttpResponse(
        imports.template_file(file_format), content_type=content_type
    )
    response["Content-Disposition"] = (
        f'attachment; filename="modele-import-binome.{file_format}"'
    )
    return response


# Enrolments -------------------------------------------------------------------------


@login_required
def enrolments(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Volunteers, filtered by status, role, department and completeness."""
    programme = _get_programme_for_manager(request, slug)
    form = EnrolmentFilterForm(request.GET or None, programme=programme)
    rows = (
        programme.enrolments.select_related("person__department", "person__site")
        .annotate(
            wishes=Count("skill_wishes", distinct=True),
            goal_count=Count("goals", distinct=True),
        )
        .order_by("person__last_name", "person__first_name", "role")
    )
    if form.is_valid():
        rows = form.filter(rows)
    assessed = set(
        Assessment.objects.filter(
            person__enrolments__programme=programme, assessor__isnull=True
        ).values_list("person_id", flat=True)
    )
    table = []
    for enrolment in rows[:500]:
        missing = enrolment.person.missing_profile_fields()
        complete = (
            not missing
            and enrolment.person_id in assessed
            # Annotated above; django-stubs loses the annotations when
            # iterating a custom QuerySet (EnrolmentQuerySet).
            and enrolment.wishes > 0  # type: ignore[attr-defined]
            and enrolment.goal_count > 0  # type: ignore[attr-defined]
        )
        if (
            form.is_valid()
            and form.cleaned_data.get("complete") == "yes"
            and not complete
        ):
            continue
        if form.is_valid() and form.cleaned_data.get("complete") == "no" and complete:
            continue
        table.append({"enrolment": enrolment, "complete": complete})
    return render(
        request,
        "programs/enrolments.html",
        {"programme": programme, "form": form, "table": table},
    )


@login_required
@require_POST
def enrolment_action(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    programme = _get_programme_for_manager(request, slug)
    enrolment = get_object_or_404(
        programme.enrolments.select_related("person__user"), pk=pk
    )
    action = request.POST.get("action")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("programs:enrolments", args=[slug])
    if action in ("accept", "decline"):
        return _decide_candidate(
            request,
            enrolment,
            accept=action == "accept",
            action=reverse("programs:enrolment_action", args=[slug, pk]),
            fields={"action": action, "next": target},
            back=target,
            back_label=_("Volunteers"),
        )
    try:
        if action == "remind":
            services.remind_to_complete(enrolment=enrolment)
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A reminder is on its way to %(name)s.")
            % {"name": enrolment.person.full_name},
        )
    return redirect(target)


def _correction_rows(
    programme: Programme, data: Any = None, bound_pk: int | None = None
) -> list[dict[str, Any]]:
    rows = []
    for correction in (
        ProfileCorrection.objects.for_programme(programme)
        .open()
        .select_related("person__department", "person__site", "person__manager")
        .order_by("created_at")
    ):
        rows.append(
            {
                "correction": correction,
                "form": CorrectionDecisionForm(
                    data if bound_pk == correction.pk else None, correction=correction
                ),
            }
        )
    return rows


@login_required
@require_safe
def corrections(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Requests of the programme's participants to correct their HR data."""
    programme = _get_programme_for_manager(request, slug)
    decided = (
        ProfileCorrection.objects.for_programme(programme)
        .exclude(status=ProfileCorrection.Status.OPEN)
        .select_related("person", "decided_by")[:50]
    )
    return render(
        request,
        "programs/corrections.html",
        {
            "programme": programme,
            "rows": _correction_rows(programme),
            "decided": decided,
        },
    )


@login_required
@require_POST
def correction_decide(
    request: AuthenticatedRequest, slug: str, pk: int
) -> HttpResponse:
    programme = _get_programme_for_manager(request, slug)
    correction = get_object_or_404(
        ProfileCorrection.objects.for_programme(programme).select_related("person"),
        pk=pk,
    )
    if not corrections_.can_decide(request.user, correction):
        raise Http404
    form = CorrectionDecisionForm(request.POST, correction=correction)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            corrections_.decide_correction(
                correction=correction,
                accept=accept,
                by=request.user,
                value=form.cleaned_data.get("value"),
                answer=form.cleaned_data["answer"],
                request=request,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("programs:corrections", slug=slug)
        else:
            done = (
                _("The correction is made; %(name)s is told.")
                if accept
                else _("The request is rejected; %(name)s is told.")
            )
            messages.success(request, done % {"name": correction.person.full_name})
            return redirect("programs:corrections", slug=slug)
    rows = _correction_rows(programme)
    for row in rows:
        if row["correction"].pk == correction.pk:
            row["form"] = form
    return render(
        request,
        "programs/corrections.html",
        {"programme": programme, "rows": rows, "decided": []},
        status=400,
    )
