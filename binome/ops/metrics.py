"""``GET /metriques/``: Prometheus metrics behind a bearer token.

The request metrics come from ``binome.ops.prom`` (added up over the
gunicorn workers when ``PROMETHEUS_MULTIPROC_DIR`` is set); the tasks and
matching rounds are counted in the database at scrape time, by the
collector below (three queries).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Count
from django.utils import timezone
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from . import prom
from .health import DATABASE_TASKS


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        from binome.matching.models import MatchingRound

        up = GaugeMetricFamily(
            "binome_database_up", "1 if the database answered this scrape."
        )
        try:
            families = list(self._tasks()) if self._db_tasks() else []
            rounds = GaugeMetricFamily(
                "binome_matching_rounds",
                "Matching rounds, by status.",
                labels=["status"],
            )
            counts = dict(
                MatchingRound.objects.order_by()
                .values_list("status")
                .annotate(n=Count("pk"))
                .values_list("status", "n")
            )
            for status in MatchingRound.Status.values:
                rounds.add_metric([status], counts.get(status, 0))
            families.append(rounds)
        except DatabaseError:
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    @staticmethod
    def _db_tasks() -> bool:
        return bool(settings.TASKS["default"]["BACKEND"] == DATABASE_TASKS)

    @staticmethod
    def _tasks() -> Iterator[Metric]:
        from django.tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        tasks = GaugeMetricFamily(
            "binome_tasks", "Tasks in the database queue, by status.", labels=["status"]
        )
        counts = dict(
            DBTaskResult.objects.order_by()
            .values_list("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        for status in TaskResultStatus.values:
            tasks.add_metric([status], counts.get(status, 0))
        yield tasks
        oldest = (
            DBTaskResult.objects.ready()
            .order_by("enqueued_at")
            .values_list("enqueued_at", flat=True)
            .first()
        )
        age = GaugeMetricFamily(
            "binome_tasks_oldest_waiting_seconds",
            "Age of the oldest task waiting to run (0 when none waits).",
        )
        age.add_metric(
            [], max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0
        )
        yield age


def token_ok(header: str) -> bool:
    """Whether the Authorization header carries METRICS_TOKEN (constant time)."""
    expected = settings.METRICS_TOKEN
    if not expected:
        return False
    given = (
        header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
    )
    return hmac.compare_digest(given.encode(), expected.encode())


def exposition() -> bytes:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for metric in (prom.REQUESTS, prom.LATENCY, prom.IN_PROGRESS):
            registry.register(metric)
    registry.register(DatabaseCollector())
    return generate_latest(registry)
