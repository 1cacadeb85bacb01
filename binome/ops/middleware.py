"""First middleware: request id, request metrics and the access log."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

from . import prom
from .logs import request_id

access_log = logging.getLogger("binome.access")

# A request id from the client or the proxy is kept only when it is a sane
# token: it goes into every log line.
SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
HEADER = "X-Request-ID"
# Not in the access log: the load balancer's probes and the static files
# (counted in the metrics all the same).
QUIET_ROUTES = frozenset({"ops:health", "static"})


def route_of(request: HttpRequest) -> str:
    """The URL pattern's name: a bounded label, never the raw path."""
    match = request.resolver_match
    if match is not None:
        return match.view_name or "unnamed"
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "static"
    return "unmatched"


def user_id_of(request: HttpRequest) -> int | None:
    """The account's id, if the request loaded it (never loads it itself)."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    if getattr(user, "is_authenticated", False):
        pk = getattr(user, "pk", None)
        return pk if isinstance(pk, int) else None
    return None


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        rid = given if SANE_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        # Cleared when the response is closed (apps.py), not here: Django
        # logs the 4xx and 5xx answers after the last middleware returns.
        request_id.set(rid)
        return self._serve(request, rid)

    def _serve(self, request: HttpRequest, rid: str) -> HttpResponse:
        start = time.perf_counter()
        prom.IN_PROGRESS.inc()
        try:
            response = self.get_response(request)
        finally:
            prom.IN_PROGRESS.dec()
        duration = time.perf_counter() - start
        method = request.method if request.method in prom.METHODS else "other"
        route = route_of(request)
        status = response.status_code
        prom.REQUESTS.labels(method, route, str(status)).inc()
        prom.LATENCY.labels(method, route).observe(duration)
        response.headers[HEADER] = rid
        if route not in QUIET_ROUTES:
            access_log.info(
                "%s %s %s %.1f ms",
                method,
                route,
                status,
                duration * 1000,
                extra={
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(duration * 1000, 1),
                    "user_id": user_id_of(request),
                },
            )
        return response
