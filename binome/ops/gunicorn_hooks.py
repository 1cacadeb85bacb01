"""Gunicorn server hooks for the Prometheus metrics of several workers.

In ``deploy/gunicorn.conf.py``::

    from binome.ops.gunicorn_hooks import child_exit, on_starting  # noqa: F401

with ``PROMETHEUS_MULTIPROC_DIR`` set in the environment (a directory
writable by gunicorn, emptied at each start: ``on_starting`` does it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def on_starting(server: Any) -> None:
    """Empty the metrics directory: files of a previous run would count twice."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        path = Path(directory)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()


def child_exit(server: Any, worker: Any) -> None:
    """Forget the live gauges of a worker that exited."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]
