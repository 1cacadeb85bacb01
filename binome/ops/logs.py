"""Logs: the request id of the current request on every record, JSON or text.

``LOG_FORMAT=json`` gives one JSON object per line (python-json-logger):
``time``, ``level``, ``logger``, ``message``, ``request_id``, plus the
fields given in ``extra`` (the access log adds ``method``, ``route``,
``status``, ``duration_ms``, ``user_id``). ``LOG_FORMAT=text`` (the default)
stays human.
"""

from __future__ import annotations

import contextvars
import logging
from typing import Any

# The id of the request being served in this thread or task, "-" outside one.
request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "request_id", default="-"
)


class RequestIdFilter(logging.Filter):
    """Put the current request id on every record (``%(request_id)s``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


JSON_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING setting for ``LOG_FORMAT`` (``text`` or ``json``)."""
    if log_format not in {"text", "json"}:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"LOG_FORMAT must be 'text' or 'json', got {log_format!r}"
        )
    # Python's warnings through logging too: in JSON, every line is JSON.
    logging.captureWarnings(log_format == "json")
    formatters: dict[str, Any] = {
        "text": {"format": TEXT_FORMAT},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": JSON_FORMAT,
            "rename_fields": {
                "asctime": "time",
                "levelname": "level",
                "name": "logger",
            },
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "binome.ops.logs.RequestIdFilter"}},
        "formatters": formatters,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }
