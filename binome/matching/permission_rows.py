"""Permission-matrix rows of binome.matching (format: binome/tests/matrix.py).

The helpers and the policy are those of binome.programs: without the
permission, 404 (never 403); anonymous people are sent to log in.
"""

from __future__ import annotations

from typing import Any

from binome.programs.permission_rows import (
    MANAGERS,
    MENTEE_ENROLMENT,
    PILOT,
    POST_ONLY,
    _in_three_days,
    both,
    only,
)

ROWS: list[dict[str, Any]] = [
    *both("matching:coffee", MENTEE_ENROLMENT, only("mentee"), only("mentee")),
    *both(
        "matching:coffee_request",
        MENTEE_ENROLMENT,
        POST_ONLY,
        only("mentee", ok=302),
        data=lambda w: {
            "mentor": w["mentor_enrolment_id"],
            "slot": "other",
            "other_time": _in_three_days(),
            "message": "Bonjour",
        },
    ),
    *both(
        "matching:coffee_answer",
        lambda w: {"pk": w["mentor_enrolment_id"], "chat_pk": w["coffee_chat_id"]},
        POST_ONLY,
        only("mentor", ok=302),
        data={"answer": "accept"},
    ),
    *both(
        "matching:coffee_verdict",
        lambda w: {"pk": w["mentee_enrolment_id"], "chat_pk": w["coffee_chat_id"]},
        POST_ONLY,
        only("mentee", ok=302),
        data={"verdict": "yes"},
    ),
    *both("matching:rounds", PILOT, only(*MANAGERS), only(*MANAGERS)),
    *both("matching:round_start", PILOT, POST_ONLY, only(*MANAGERS, ok=302)),
    *both(
        "matching:round",
        {"slug": "programme_slug", "number": "round_number"},
        only(*MANAGERS),
        only(*MANAGERS),
    ),
    *both(
        "matching:round_action",
        {"slug": "programme_slug", "number": "round_number"},
        POST_ONLY,
        only(*MANAGERS, ok=302),
        data={"action": "undo"},
    ),
    *both(
        "matching:round_compare",
        {
            "slug": "programme_slug",
            "number": "round_number",
            "other": "other_round_number",
        },
        only(*MANAGERS),
        only(*MANAGERS),
    ),
]
