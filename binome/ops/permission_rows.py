"""Permission-matrix rows of binome.ops (format: binome/tests/matrix.py).

The health check answers everyone, logged in or not (a load balancer has no
account); the metrics page does not exist without METRICS_TOKEN (unset in
the tests) and answers 404 to a request without the token, whatever the
role (binome/ops/tests/test_metrics.py tests the token).
"""

from __future__ import annotations

from typing import Any

ROWS: list[dict[str, Any]] = [
    {
        "url": "ops:health",
        "expect": {"*": 200},
        "why": "probed by load balancers and monitoring, without an account",
    },
    {"url": "ops:health", "method": "POST", "expect": {"*": 405}},
    {"url": "ops:metrics", "expect": {"*": 404}, "why": "no token, no page"},
    {"url": "ops:metrics", "method": "POST", "expect": {"*": 404}},
]
