"""Participant pages: join a programme, profile, self-assessment, wishes, goals,
preparation, withdrawal. Everyone sees only their own enrolments (404 otherwise)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_htmx.http import reswap, retarget

from binome.accounts.views import sso_providers
from binome.http import AuthenticatedRequest
from binome.people import access
from binome.people.forms import PROFILE_STEPS, first_unfinished_step
from binome.people.models import Person
from binome.people.views import activate_and_login
from binome.skills.forms import SelfAssessmentForm
from binome.skills.models import Skill

from . import corrections, invitations, services
from .access import require
from .forms import (
    CorrectionRequestForm,
    GoalForm,
    JoinForm,
    PreparationAnswerForm,
    WishesForm,
    WithdrawForm,
)
from .models import (
    Enrolment,
    GoalExample,
    Invitation,
    PreparationStep,
    Programme,
)

STEP_URLS = {
    "profile": "programs:profile",
    "assessment": "programs:assessment",
    "wishes": "programs:wishes",
    "goals": "programs:goals",
    "preparation": "programs:preparation",
}


def _person(request: AuthenticatedRequest) -> Person:
    person: Person | None = getattr(request.user, "person", None)
    if person is None:
        raise Http404
    return person


def _get_enrolment_for_user(request: AuthenticatedRequest, pk: int) -> Enrolment:
    """The user's own, still active enrolment; 404 for anyone else's."""
    enrolment = get_object_or_404(
        Enrolment.objects.exclude(status=Enrolment.Status.WITHDRAWN).select_related(
            "programme", "person"
        ),
        pk=pk,
    )
    require(request.user, "programs.change_enrolment", enrolment)
    return enrolment


def _next_step_url(enrolment: Enrolment) -> str:
    for step in services.journey(enrolment):
        if not step.done and step.key in STEP_URLS:
            return reverse(STEP_URLS[step.key], args=[enrolment.pk])
    return reverse("programs:journey", args=[enrolment.pk])


@login_required
def programme_list(request: AuthenticatedRequest) -> HttpResponse:
    """Open calls the user may join, and their own enrolments."""
    person = getattr(request.user, "person", None)
    open_calls = Programme.objects.none()
    if person is not None:
        open_calls = Programme.objects.filter(
            organisation=person.organisation,
            status=Programme.Status.RECRUITING,
            open_call=True,
        ).exclude(
            Q(enrolments__person=person)
            & ~Q(
                enrolments__status__in=[
                    Enrolment.Status.INVITED,
                    Enrolment.Status.WITHDRAWN,
                ]
            )
        )
    enrolments = (
        Enrolment.objects.for_user(request.user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("programme")
    )
    return render(
        request,
        "programs/list.html",
        {"open_calls": open_calls.distinct(), "enrolments": enrolments},
    )


def _join(
    request: AuthenticatedRequest, programme: Programme, via_invitation: bool
) -> HttpResponse:
    person = _person(request)
    if person.organisation_id != programme.organisation_id:
        raise Http404
    closed_roles: dict[str, list[str]] = {
        role: programme.ineligibility_reasons(person, role) for role in Enrolment.Role
    }
    form = JoinForm(
        request.POST if request.method == "POST" else None, closed_roles=closed_roles
    )
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = services.volunteer(
                programme=programme,
                person=person,
                role=form.cleaned_data["role"],
                consent=form.cleaned_data["consent"],
                motivation=form.cleaned_data["motivation"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Thank you for volunteering! Next step: your profile."),
            )
            return redirect(_next_step_url(enrolment))
    return render(
        request,
        "programs/join.html",
        {
            "programme": programme,
            "form": form,
            "closed_roles": {k: v for k, v in closed_roles.items() if v},
            "via_invitation": via_invitation,
            "consent_version": services.CONSENT_VERSION,
        },
    )


def join_by_invitation(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """The programme's shared invitation link. Anonymous visitors see which
    programme it is and how to get in (log in, or receive a first link)."""
    programme = Programme.from_invitation(token)
    if programme is None:
        return render(request, "programs/invitation_invalid.html", status=404)
    if not programme.is_recruiting:
        return render(
            request,
            "programs/not_recruiting.html",
            {"programme": programme},
            status=410,
        )
    if not request.user.is_authenticated:
        return render(
            request,
            "programs/invitation_welcome.html",
            {
                "programme": programme,
                "next_path": request.path,
                "sso_providers": sso_providers(request),
            },
        )
    return _join(request, programme, via_invitation=True)


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def personal_invitation(request: AuthenticatedRequest, token: str) -> HttpResponse:
    """A personal invitation link (from the e-mail): opening it is recorded;
    the person may decline at once, create their account if they have none
    (the link proves their address), then read the notice and volunteer."""
    invitation = Invitation.from_token(token)
    if invitation is None:
        return render(request, "programs/invitation_invalid.html", status=410)
    programme, person = invitation.programme, invitation.person
    if not request.user.is_authenticated or request.user.pk == person.user_id:
        invitations.mark_opened(invitation)
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "decline":
        invitations.decline(invitation)
        return render(
            request,
            "programs/invitation_declined.html",
            {"programme": programme, "invitation": invitation},
        )
    if invitation.declined_at is not None and action != "undecline":
        return render(
            request,
            "programs/invitation_declined.html",
            {"programme": programme, "invitation": invitation},
        )
    if action == "undecline":
        Invitation.objects.filter(pk=invitation.pk).update(declined_at=None)
        return redirect(request.path)
    if not programme.is_recruiting:
        return render(
            request,
            "programs/not_recruiting.html",
            {"programme": programme},
            status=410,
        )
    user = request.user
    if user.is_authenticated:
        if person.user_id != user.pk:
            return render(
                request,
                "programs/invitation_other_person.html",
                {"programme": programme},
                status=403,
            )
        joined = (
            Enrolment.objects.filter(programme=programme, person=person)
            .filter(status__in=invitations.ANSWERED)
            .first()
        )
        if joined is not None:
            messages.info(request, _("You already take part in this programme."))
            return redirect("programs:journey", pk=joined.pk)
        return _join(request, programme, via_invitation=True)
    form = None
    # The link proves the address it was sent to: it creates the account
    # only while that is still the person's address in the HR file.
    if (
        access.needs_activation(person)
        and invitation.email.strip().lower() == person.email.strip().lower()
    ):
        form = SetPasswordForm(
            access.unsaved_user(person), request.POST if action == "activate" else None
        )
        if action == "activate" and activate_and_login(request, person, form):
            return redirect(request.path)
    return render(
        request,
        "programs/invitation_welcome.html",
        {
            "programme": programme,
            "invitation": invitation,
            "person": person,
            "form": form,
            "next_path": request.path,
            "sso_providers": sso_providers(request),
        },
    )


@login_required
def join_open_call(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(
        Programme, slug=slug, open_call=True, status=Programme.Status.RECRUITING
    )
    return _join(request, programme, via_invitation=False)


@login_required
def journey_overview(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    steps = services.journey(enrolment)
    return render(
        request,
        "programs/journey.html",
        {
            "enrolment": enrolment,
            "steps": [
                (
                    s,
                    reverse(STEP_URLS[s.key], args=[pk])
                    if s.key in STEP_URLS
                    else None,
                )
                for s in steps
            ],
            "complete": all(s.done for s in steps),
        },
    )


@login_required
def profile_step(
    request: AuthenticatedRequest, pk: int, step: str | None = None
) -> HttpResponse:
    """The profile wizard: a few short steps, each saved on its own (resumable)."""
    enrolment = _get_enrolment_for_user(request, pk)
    person = enrolment.person
    keys = [key for key, _label, _form in PROFILE_STEPS]
    if step is None:
        # Entering the wizard resumes it where the person stopped.
        return redirect(
            "programs:profile_step", pk=pk, step=first_unfinished_step(person)
        )
    if step not in keys:
        raise Http404
    index = keys.index(step)
    _key, title, form_class = PROFILE_STEPS[index]
    form = form_class(
        request.POST if request.method == "POST" else None, instance=person
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        if index + 1 < len(keys):
            return redirect("programs:profile_step", pk=pk, step=keys[index + 1])
        messages.success(request, _("Your profile is saved."))
        return redirect(_next_step_url(enrolment))
    return render(
        request,
        "programs/profile_step.html",
        {
            "enrolment": enrolment,
            "form": form,
            "title": title,
            "step": step,
            "steps": [(k, label) for k, label, _f in PROFILE_STEPS],
            "index": index + 1,
            "count": len(keys),
            "previous": keys[index - 1] if index else None,
        },
    )


@login_required
def self_assessment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    person = enrolment.person
    programme_skills = enrolment.programme.skills.all()
    skills = programme_skills if programme_skills.exists() else Skill.objects.all()
    skills = (
        skills.active()
        .select_related("area")
        .order_by("area__kind", "area__position", "position", "code")
    )
    latest = services.latest_self_assessment(person)
    initial = (
        {item.skill_id: item.level for item in latest.items.all()} if latest else {}
    )
    form = SelfAssessmentForm(
        request.POST if request.method == "POST" else None,
        skills=skills,
        initial_levels=initial,
    )
    if request.method == "POST" and form.skills and form.is_valid():
        services.save_self_assessment(person=person, levels=form.levels())
        messages.success(request, _("Your self-assessment is saved."))
        return redirect(_next_step_url(enrolment))
    return render(
        request,
        "programs/assessment.html",
        {"enrolment": enrolment, "form": form, "latest": latest},
    )


@login_required
def wishes(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    current = {(w.intent, w.skill_id): w.priority for w in enrolment.skill_wishes.all()}
    form = WishesForm(
        request.POST if request.method == "POST" else None,
        learn_skills=list(services.skills_for(enrolment, "learn")),
        teach_skills=list(services.skills_for(enrolment, "teach")),
        current=current,
    )
    if request.method == "POST" and form.is_valid():
        services.save_wishes(
            enrolment=enrolment, learn=form.learn(), teach=form.teach()
        )
        messages.success(request, _("Your choices are saved."))
        return redirect(_next_step_url(enrolment))
    return render(
        request, "programs/wishes.html", {"enrolment": enrolment, "form": form}
    )


def _goal_skills(enrolment: Enrolment) -> Any:
    return services.skills_for(enrolment, "learn")


@login_required
def goals(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Goals with a measurable KPI. With htmx a goal is added in place; the same
    form works without JavaScript (redirect after post)."""
    enrolment = _get_enrolment_for_user(request, pk)
    skills = _goal_skills(enrolment)
    initial: dict[str, object] = {}
    examples = list(GoalExample.objects.filter(is_active=True))
    example = request.GET.get("exemple", "")
    # By its place in the list, as the page's links say.
    if example.isdigit() and int(example) < len(examples):
        chosen = examples[int(example)]
        initial = {
            "title": chosen.title,
            "kpi": chosen.kpi,
            "target_value": chosen.target_value_shown,
            "unit": chosen.unit,
            # Only a skill the participant wants to learn can be chosen.
            "skill": skills.filter(pk=chosen.skill_id).first(),
        }
    form = GoalForm(
        request.POST if request.method == "POST" else None,
        skills=skills,
        initial=initial,
    )
    context = {
        "enrolment": enrolment,
        "goals": enrolment.goals.select_related("skill"),
        "form": form,
        "examples": list(enumerate(examples)),
        "next_url": _next_step_url(enrolment),
    }
    if request.method == "POST":
        if form.is_valid():
            services.add_goal(enrolment=enrolment, **form.cleaned_data)
            if not request.htmx:
                messages.success(request, _("Your goal is saved."))
                return redirect("programs:goals", pk=pk)
            # The new list, and a fresh form swapped out of band.
            context |= {"form": GoalForm(skills=skills), "oob": True}
            return HttpResponse(
                render_to_string("programs/goals.html#goal-list", context, request)
                + render_to_string("programs/goals.html#goal-form", context, request)
            )
        if request.htmx:
            # Invalid: show the errors in the form itself, not in the list.
            response = render(request, "programs/goals.html#goal-form", context)
            return reswap(retarget(response, "#goal-form"), "outerHTML")
    return render(request, "programs/goals.html", context)


@login_required
@require_POST
def goal_delete(request: AuthenticatedRequest, pk: int, goal_pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    get_object_or_404(enrolment.goals, pk=goal_pk).delete()
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("The goal is deleted."))
    return redirect("programs:goals", pk=pk)


@login_required
def preparation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The mentors' didactics module: short steps, each with a self-check."""
    enrolment = _get_enrolment_for_user(request, pk)
    if enrolment.role != Enrolment.Role.MENTOR:
        raise Http404
    person = enrolment.person
    steps = list(
        PreparationStep.objects.filter(is_active=True).prefetch_related("answers")
    )
    done = set(
        person.preparation_completions.filter(step__in=steps).values_list(
            "step_id", flat=True
        )
    )
    current = next((s for s in steps if s.pk not in done), None)
    requested = request.GET.get("etape") or request.POST.get("step")
    if requested and requested.isdigit():
        current = next((s for s in steps if s.pk == int(requested)), current)
    form = None
    feedback = None
    if current is not None:
        form = PreparationAnswerForm(
            request.POST if request.method == "POST" else None,
            step=current,
            person=person,
        )
        if request.method == "POST" and form.is_valid():
            correct = services.answer_preparation_step(
                person=person, step=current, choice=form.cleaned_data["choice"]
            )
            if correct:
                messages.success(
                    request,
                    _("Well done! %(explanation)s")
                    % {"explanation": current.explanation},
                )
                return redirect("programs:preparation", pk=pk)
            feedback = current.explanation
            form.add_error(
                "choice", _("Not quite. Read the step again and try once more.")
            )
    return render(
        request,
        "programs/preparation.html",
        {
            "enrolment": enrolment,
            "steps": [(s, s.pk in done) for s in steps],
            "current": current,
            "form": form,
            "feedback": feedback,
            "finished": current is None,
        },
    )


@login_required
def withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = _get_enrolment_for_user(request, pk)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.withdraw(enrolment=enrolment, erase=form.cleaned_data["erase"])
        messages.success(
            request,
            _("You have withdrawn from %(programme)s. Thank you for your interest.")
            % {"programme": enrolment.programme.name},
        )
        return redirect("home")
    return render(
        request, "programs/withdraw.html", {"enrolment": enrolment, "form": form}
    )


@login_required
def my_corrections(request: AuthenticatedRequest) -> HttpResponse:
    """« My HR data »: the HR-owned values of my profile, read-only, and my
    requests to correct them (HR decides)."""
    person = _person(request)
    form = CorrectionRequestForm(
        request.POST if request.method == "POST" else None,
        initial={"field": request.GET.get("champ", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            corrections.ask_correction(person=person, **form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Your request is sent to HR. You will be told of the answer."),
            )
            return redirect("programs:my_corrections")
    return render(
        request,
        "programs/my_corrections.html",
        {
            "person": person,
            "facts": [
                (Person.field_label(name), person.hr_value_display(name), name)
                for name in Person.HR_FIELDS
            ],
            "form": form,
            "requests": person.profile_corrections.all(),
            "programmes": corrections.programmes_of(person),
        },
    )
