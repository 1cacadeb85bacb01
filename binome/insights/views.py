from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from binome.programs.models import Programme

from . import health


@login_required
def programme_health(request: HttpRequest, slug: str) -> HttpResponse:
    """Managers only (404 for anyone else): funnel, pairs, pairs at risk."""
    programme = get_object_or_404(Programme.objects.managed_by(request.user), slug=slug)
    rows = health.pair_health(programme)
    return render(
        request,
        "insights/health.html",
        {
            "programme": programme,
            "funnel": health.funnel(programme),
            "by_status": health.pairs_by_status(programme),
            "at_risk": [
                (row, [health.RISKS[r] for r in row.risks]) for row in rows if row.risks
            ],
            "healthy": sum(1 for row in rows if not row.risks),
        },
    )
