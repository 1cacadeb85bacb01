from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Enrolment, Programme


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
