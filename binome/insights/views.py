from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from binome.pairs.pulse import programme_pauses
from binome.programs.access import managed_programme_or_404, programme_or_404
from binome.programs.models import Programme, ProgrammeQuerySet

from . import compare as comparison
from . import exports, health, indicators, snapshots
from .charts import charts
from .privacy import Audience

# The health page lists at most this many pairs at risk, the worst first.
AT_RISK_SHOWN = 100


@login_required
def programme_health(request: HttpRequest, slug: str) -> HttpResponse:
    """Managers only (404 for anyone else): funnel, pairs, pairs at risk."""
    programme = managed_programme_or_404(request, slug)
    today = timezone.localdate()
    # The worst ones first, at most AT_RISK_SHOWN: 5,000 rows made a page
    # of 3 MB that took seconds; the totals count them all.
    rows, at_risk_count, active = health.worst_pairs(
        programme, today, limit=AT_RISK_SHOWN
    )
    return render(
        request,
        "insights/health.html",
        {
            "programme": programme,
            "funnel": health.funnel(programme),
            "by_status": health.pairs_by_status(programme),
            "at_risk": [(row, [health.RISKS[r] for r in row.risks]) for row in rows],
            "pauses": programme_pauses(programme, today),
            "at_risk_count": at_risk_count,
            "at_risk_hidden": at_risk_count - len(rows),
            "healthy": active - at_risk_count,
            "activity_url": reverse("pairs:activity", args=[programme.slug]),
        },
    )


# --- Dashboards: managers and sponsors ---------------------------------------


def _visible(request: HttpRequest) -> ProgrammeQuerySet:
    user = request.user
    return Programme.objects.filter(
        Q(pk__in=Programme.objects.managed_by(user).values("pk"))
        | Q(pk__in=Programme.objects.sponsored_by(user).values("pk"))
    )


def _get_programme(request: HttpRequest, slug: str) -> tuple[Programme, bool]:
    """The programme for its managers (True: they may see names) and its
    sponsors (False: aggregates only); 404 for anyone else."""
    programme = programme_or_404(request, slug, "programs.view_results")
    return programme, rules.has_perm(
        "programs.manage_programme", request.user, programme
    )


def _board(request: HttpRequest, slug: str) -> tuple[indicators.Dashboard, bool]:
    """The dashboard for who asks: its managers get exact figures (what they
    may see person by person) and the pairs at risk; sponsors the
    small-group rule."""
    programme, is_manager = _get_programme(request, slug)
    audience = Audience.MANAGERS if is_manager else Audience.OUTSIDE
    board = snapshots.dashboard(
        programme, today=timezone.localdate(), audience=audience
    )
    return board, is_manager


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The programmes whose results the user may see, and the comparison form."""
    programmes = list(_visible(request).order_by("-start_date", "name"))
    if not programmes:
        raise Http404
    return render(request, "insights/index.html", {"programmes": programmes})


@login_required
@never_cache
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    board, is_manager = _board(request, slug)
    return render(
        request,
        "insights/dashboard.html",
        {
            "board": board,
            "programme": board.programme,
            "charts": charts(board),
            "is_manager": is_manager,
            "health_url": reverse("programme_health", args=[board.programme.slug]),
            "tables": [(key, title) for key, (title, _f) in exports.TABLES.items()],
        },
    )


@login_required
@require_POST
def refresh(request: HttpRequest, slug: str) -> HttpResponse:
    """Managers: compute a large programme's dashboard again now, rather
    than wait for the next background refresh."""
    programme = managed_programme_or_404(request, slug)
    if snapshots.uses_snapshots(programme):
        snapshots.mark_stale(programme.pk)  # every language: computed again
        snapshots.compute(programme, audience=Audience.MANAGERS)
    messages.success(request, _("The figures were computed again."))
    return redirect("insights:dashboard", slug=programme.slug)


@login_required
@never_cache
def export_csv(request: HttpRequest, slug: str, name: str) -> HttpResponse:
    if name not in exports.TABLES:
        raise Http404
    board, _is_manager = _board(request, slug)
    response = HttpResponse(
        exports.csv_bytes(board, name), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{slug}-{name}.csv"'
    return response


@login_required
@never_cache
def report_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The printable report, made to be handed out: never any name, and the
    small-group rule whoever asks for it."""
    programme, _is_manager = _get_programme(request, slug)
    board = snapshots.dashboard(
        programme, today=timezone.localdate(), audience=Audience.OUTSIDE
    )
    pdf = exports.pdf_bytes(board, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bilan-{slug}.pdf"'
    return response


@login_required
@never_cache
def compare(request: HttpRequest) -> HttpResponse:
    """Two programmes side by side (default: a programme and its clone)."""
    visible = _visible(request)
    programmes = list(visible.order_by("-start_date", "name"))
    first_slug = request.GET.get("a")
    second_slug = request.GET.get("b")
    if not first_slug or not second_slug:
        clone = visible.filter(cloned_from__in=visible).order_by("-start_date").first()
        if clone is None:
            raise Http404
        assert clone.cloned_from is not None  # cloned_from__in above
        first_slug, second_slug = clone.cloned_from.slug, clone.slug
    first = get_object_or_404(visible, slug=first_slug)
    second = get_object_or_404(visible, slug=second_slug)
    today = timezone.localdate()
    result = comparison.compare(
        snapshots.dashboard(first, today=today, audience=Audience.OUTSIDE),
        snapshots.dashboard(second, today=today, audience=Audience.OUTSIDE),
    )
    return render(
        request,
        "insights/compare.html",
        {"result": result, "programmes": programmes},
    )
