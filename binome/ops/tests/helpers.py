"""Run a few requests through Django in another process, with its own
environment (database, log format, metrics directory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]

SCRIPT = r"""
import json, os, sys
import django
django.setup()
from django.test import Client

client = Client(raise_request_exception=False)
out = []
for path, headers in json.loads(sys.argv[1]):
    response = client.get(path, headers=headers)
    out.append({
        "status": response.status_code,
        "content_type": response.headers.get("Content-Type"),
        "request_id": response.headers.get("X-Request-ID"),
        "body": response.content.decode(),
    })
print(json.dumps(out))
"""


def run_requests(
    requests: list[tuple[str, dict[str, str]]], env: dict[str, str]
) -> tuple[list[dict[str, Any]], str]:
    """The answers to ``requests`` (path, headers) and the process's stderr."""
    full_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PROMETHEUS_", "DATABASE_", "LOG_", "METRICS_"))
    }
    full_env.update(
        {
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "binome.settings",
            "SECRET_KEY": "test-only-" + "k" * 50,
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "testserver",
        }
    )
    full_env.update(env)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(requests)],
        env=full_env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stderr
