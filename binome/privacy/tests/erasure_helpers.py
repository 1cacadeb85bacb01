"""Helpers for comparing the indicators before and after an erasure."""

import dataclasses

from django.db.models import Model


def snapshot(value):
    """Every figure of a dashboard, as comparable plain values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: snapshot(getattr(value, f.name)) for f in dataclasses.fields(value)
        }
    if isinstance(value, Model):
        return (type(value).__name__, value.pk)
    if isinstance(value, list | tuple):
        return [snapshot(v) for v in value]
    if isinstance(value, dict):
        return {repr(k): snapshot(v) for k, v in value.items()}
    return repr(value)
