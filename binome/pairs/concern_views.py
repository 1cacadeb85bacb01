"""Pages of confidential concerns and of the mentor's contribution (#18).

A member raises a concern from the pair workspace (form, then a
confirmation, then a page that says what happens next); they follow its
status on their own page. The programme's managers list and answer them.
Anyone else, the partner first, gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from binome.http import AuthenticatedRequest
from binome.programs.access import programme_or_404

from . import concerns, recognition
from .concern_forms import ConcernForm, HandleConcernForm
from .models import Concern
from .views import _get_pair_for_user


@login_required
@require_http_methods(["GET", "POST"])
def concern_new(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The form; a valid POST shows what will be sent and to whom; only a
    POST with ``confirm=1`` sends it."""
    pair, me = _get_pair_for_user(request, pk)
    if request.method == "POST":
        form = ConcernForm(request.POST)
    else:
        form = ConcernForm(initial={"token": concerns.new_token()})
    confirming = False
    status = 200
    if request.method == "POST":
        if form.is_valid() and not request.POST.get("edit"):
            if request.POST.get("confirm") == "1":
                data = form.cleaned_data
                try:
                    concern, created = concerns.raise_concern(
                        pair=pair,
                        reporter=me,
                        category=data["category"],
                        text=data["text"],
                        wants_contact=data["wants_contact"],
                        token=data["token"],
                        request=request,
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                    status = 400
                else:
                    if created:
                        messages.success(
                            request,
                            _("Your concern has reached the programme team."),
                        )
                    else:
                        messages.info(request, _("This concern was already sent."))
                    return redirect("pairs:concern", concern_pk=concern.pk)
            else:
                confirming = True
        elif not form.is_valid():
            status = 400
    return render(
        request,
        "pairs/concern_new.html",
        {
            "pair": pair,
            "me": me,
            "form": form,
            "confirming": confirming,
            "category_label": dict(Concern.Category.choices).get(
                form.cleaned_data.get("category", "") if confirming else ""
            ),
            "days": concerns.ANSWER_WITHIN_DAYS,
        },
        status=status,
    )


@login_required
def my_concerns(request: AuthenticatedRequest) -> HttpResponse:
    return render(
        request,
        "pairs/concerns_mine.html",
        {
            "concerns": concerns.for_reporter(request.user),
            "days": concerns.ANSWER_WITHIN_DAYS,
        },
    )


@login_required
@require_GET
def concern(request: AuthenticatedRequest, concern_pk: int) -> HttpResponse:
    """The reporter's own page: status, what happens next, the team's
    message. 404 for anyone else, the partner and the managers included
    (the managers have their own page)."""
    found = get_object_or_404(concerns.for_reporter(request.user), pk=concern_pk)
    return render(
        request,
        "pairs/concern.html",
        {"concern": found, "days": concerns.ANSWER_WITHIN_DAYS},
    )


@login_required
def programme_concerns(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    programme = programme_or_404(request, slug, "programs.manage_programme")
    return render(
        request,
        "pairs/programme_concerns.html",
        {
            "programme": programme,
            "concerns": concerns.for_programme(programme, request.user),
            "days": concerns.ANSWER_WITHIN_DAYS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def programme_concern(
    request: AuthenticatedRequest, slug: str, concern_pk: int
) -> HttpResponse:
    programme = programme_or_404(request, slug, "programs.manage_programme")
    found = get_object_or_404(
        concerns.for_programme(programme, request.user), pk=concern_pk
    )
    if request.method == "POST":
        form = HandleConcernForm(request.POST)
    else:
        form = HandleConcernForm(
            initial={
                "status": found.status
                if found.status != Concern.Status.RECEIVED
                else Concern.Status.IN_PROGRESS,
                "reply": found.reply,
                "version": found.version,
            }
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            concerns.handle_concern(
                concern=found,
                by=request.user,
                status=data["status"],
                reply=data["reply"],
                version=data["version"],
                request=request,
            )
        except concerns.Conflict:
            # Show the latest answer; the form keeps this manager's words,
            # with the new version, so sending again is a deliberate choice.
            found.refresh_from_db()
            form = HandleConcernForm(
                {**request.POST.dict(), "version": str(found.version)}
            )
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Someone else answered this concern meanwhile: read their "
                    "answer below, then send yours again if needed."
                ),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your answer is saved; the person is told."))
            return redirect("pairs:programme_concerns", slug=slug)
    return render(
        request,
        "pairs/programme_concern.html",
        {"programme": programme, "concern": found, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def team_contributions(request: AuthenticatedRequest) -> HttpResponse:
    """A line manager's page: the contributions as mentors that their
    reports chose to share with them, once their programme is closed."""
    return render(
        request,
        "pairs/team_contributions.html",
        {"shared": recognition.shared_with(request.user)},
    )
