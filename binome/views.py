from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from binome import todo
from binome.matching.models import MatchingRound
from binome.pairs import notices, publishing, recognition
from binome.pairs.models import Pair
from binome.programs import invitations as programme_invitations
from binome.programs.access import managed_programme_or_404
from binome.programs.models import Enrolment, Programme


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """One home page per role: what a manager runs, and what a participant does."""
    managed = (
        Programme.objects.managed_by(request.user)
        .annotate(
            enrolment_count=Count(
                "enrolments",
                filter=~Q(
                    enrolments__status__in=[
                        Enrolment.Status.WITHDRAWN,
                        Enrolment.Status.DECLINED,
                    ]
                ),
                distinct=True,
            ),
            pair_count=Count(
                "enrolments__pairs_as_mentee",
                filter=Q(enrolments__pairs_as_mentee__status=Pair.Status.ACTIVE),
                distinct=True,
            ),
        )
        .order_by("-start_date", "name")
    )
    enrolments = (
        Enrolment.objects.for_user(request.user)
        .active()
        .select_related("programme")
        .order_by("-programme__start_date")
    )
    pairs = (
        Pair.objects.for_user(request.user)
        .active()
        .select_related(
            "mentor__person",
            "mentee__person",
            "mentee__programme",
            "mentor__person__user",
        )
    )
    return render(
        request,
        "home.html",
        {
            # The partner changed the charter: what changed, to accept again.
            "charter_notices": notices.awaiting_acceptance(request.user, list(pairs)),
            # What to do next, per role, each item linking to where it is done.
            "todo": todo.for_user(request.user),
            "managed_programmes": managed,
            "enrolments": enrolments,
            "pairs": pairs,
            "invitations": programme_invitations.awaiting(request.user),
            # An HR administrator's first day: no programme yet, but the
            # right to create one (and nowhere else to learn where).
            "may_create_programme": request.user.has_perm("programs.create_programme"),
            # A line manager: what their reports shared with them (#18).
            "team_shared": recognition.shared_count(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def publish_round(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Publish a round's pairs, after a confirmation page that lists them and
    says who is e-mailed. A GET, or a POST without ``confirm=1``, only shows
    it. A project-level view: it spans programs (the round) and pairs (what
    it creates)."""
    programme = managed_programme_or_404(request, slug)
    round_ = get_object_or_404(MatchingRound, programme=programme, number=number)
    if request.method == "POST" and request.POST.get("confirm") == "1":
        try:
            pairs = publishing.publish_round(round_=round_, by=request.user)
        except ValidationError as error:
            if error.code == "already_published":
                # A second click on « Confirm »: the first one did the work.
                messages.info(request, " ".join(error.messages))
                return redirect("programs:detail", slug=slug)
            messages.error(request, " ".join(error.messages))
            return redirect("publish_round", slug=slug, number=number)
        messages.success(
            request,
            ngettext(
                "%(count)s pair is published; both people are told.",
                "%(count)s pairs are published; both people are told.",
                len(pairs),
            )
            % {"count": len(pairs)},
        )
        return redirect("programs:detail", slug=slug)
    return render(
        request,
        "programs/publish_confirm.html",
        {
            "programme": programme,
            "round": round_,
            "preview": publishing.preview_round(round_=round_),
        },
    )
