from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from . import health, metrics


@never_cache
@require_safe
def sante(request: HttpRequest) -> JsonResponse:
    """Health check, without login: JSON, 200 or 503 (see binome.ops.health)."""
    status, body = health.check()
    return JsonResponse(body, status=status)


@never_cache
def metriques(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics; 404 without METRICS_TOKEN or with a wrong token."""
    if not metrics.token_ok(request.headers.get("Authorization", "")):
        raise Http404
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)
