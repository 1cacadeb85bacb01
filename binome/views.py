from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from binome.pairs.models import Pair
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
            "managed_programmes": managed,
            "enrolments": enrolments,
            "pairs": pairs,
        },
    )
