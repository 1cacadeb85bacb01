from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from binome.accounts.notifications import absolute_url

from . import services
from .forms import CastingReviewForm, InviteForm
from .models import (
    CastingReview,
    Enrolment,
    PreparationCompletion,
    PreparationStep,
    Programme,
    preparation_done,
)


def _get_programme_for_manager(request: HttpRequest, slug: str) -> Programme:
    """The programme if the user manages it; 404 otherwise, so ids can't be probed."""
    return get_object_or_404(Programme.objects.managed_by(request.user), slug=slug)


@login_required
def programme_detail(request: HttpRequest, slug: str) -> HttpResponse:
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
        {"programme": programme, "funnel": funnel, "active_pairs": active_pairs},
    )


def _get_programme_for_panel(request: HttpRequest, slug: str) -> Programme:
    """The programme if the user manages it or sits on its casting panel."""
    return get_object_or_404(
        Programme.objects.filter(
            Q(pk__in=Programme.objects.managed_by(request.user).values("pk"))
            | Q(panel=request.user)
        ).distinct(),
        slug=slug,
    )


@login_required
def casting(request: HttpRequest, slug: str) -> HttpResponse:
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
            "is_manager": programme.is_manager(request.user),
        },
    )


@login_required
def casting_review(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
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
def casting_decision(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _get_programme_for_manager(request, slug)
    enrolment = get_object_or_404(programme.enrolments.mentors(), pk=pk)
    accept = request.POST.get("decision") == "accept"
    try:
        services.decide_candidate(enrolment=enrolment, accept=accept, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            (
                _("%(name)s is accepted as a mentor.")
                if accept
                else _("%(name)s is declined.")
            )
            % {"name": enrolment.person.full_name},
        )
    return redirect("programs:casting", slug=slug)


@login_required
def invitations(request: HttpRequest, slug: str) -> HttpResponse:
    """The invitation link, and invitations by email."""
    programme = _get_programme_for_manager(request, slug)
    form = InviteForm(request.POST if request.method == "POST" else None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = services.invite(
            programme=programme, emails=form.cleaned_data["emails"], by=request.user
        )
        if report.sent:
            messages.success(
                request,
                ngettext(
                    "%(count)s invitation is on its way.",
                    "%(count)s invitations are on their way.",
                    len(report.sent),
                )
                % {"count": len(report.sent)},
            )
        form = InviteForm()
    link = absolute_url(reverse("programs:join", args=[programme.invitation_token()]))
    return render(
        request,
        "programs/invitations.html",
        {"programme": programme, "form": form, "report": report, "link": link},
    )


@login_required
@require_POST
def revoke_invitations(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _get_programme_for_manager(request, slug)
    programme.revoke_invitations()
    messages.success(
        request, _("The old invitation link no longer works. Here is a new one.")
    )
    return redirect("programs:invitations", slug=slug)
