"""The metrics of the HTTP requests (prometheus-client).

Importable without Django. With ``PROMETHEUS_MULTIPROC_DIR`` set in the
environment before this module is imported, prometheus-client writes the
values to files in that directory, shared by every gunicorn worker; the
scrape adds them up (see ``binome.ops.metrics``).
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# The request metrics live in their own registry, not prometheus-client's
# global one (which also holds the process metrics of one worker only).
REGISTRY = CollectorRegistry(auto_describe=True)

REQUESTS = Counter(
    "binome_http_requests",
    "HTTP requests answered, by method, route (URL pattern name) and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "binome_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route.",
    ["method", "route"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)
IN_PROGRESS = Gauge(
    "binome_http_requests_in_progress",
    "HTTP requests being answered (live worker processes only).",
    multiprocess_mode="livesum",
    registry=REGISTRY,
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
