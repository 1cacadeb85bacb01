"""Permission-matrix rows of binome.programs (format: binome/tests/matrix.py).

Policy: without the permission, 404 (never 403), so nobody learns that a
programme or an enrolment exists. Anonymous people are sent to log in.
"""

from __future__ import annotations

from typing import Any

ANON = {"anonymous": "login"}


def only(*roles: str, ok: Any = 200, others: Any = 404) -> dict[str, Any]:
    return {"*": others, **ANON, **dict.fromkeys(roles, ok)}


MANAGERS = ("manager", "superuser")
PANEL = ("panel", "manager", "superuser")
ALL = ("outsider", "mentee", "mentor", "panel", "sponsor", "manager", "superuser")
POST_ONLY = {"*": 405, **ANON}

PILOT = {"slug": "programme_slug"}
RECRUITING = {"slug": "recruiting_slug"}
MENTEE_ENROLMENT = {"pk": "mentee_enrolment_id"}
MENTOR_ENROLMENT = {"pk": "mentor_enrolment_id"}


def _in_three_days() -> str:
    import datetime

    from django.utils import timezone

    moment = timezone.localtime() + datetime.timedelta(days=3)
    return moment.strftime("%Y-%m-%dT%H:%M")


def both(
    url: str, kwargs: Any, get: Any, post: Any, **extra: Any
) -> list[dict[str, Any]]:
    """A GET row and a POST row."""
    return [
        {"url": url, "kwargs": kwargs, "expect": get},
        {"url": url, "method": "POST", "kwargs": kwargs, "expect": post, **extra},
    ]


ROWS: list[dict[str, Any]] = [
    # Participants -------------------------------------------------------------
    *both("programs:list", {}, only(*ALL), only(*ALL)),
    *both(
        "programs:create",
        {},
        only(*MANAGERS),
        only(*MANAGERS),
        data={},
        why="without a template the choice page is shown again; nothing is created",
    ),
    *both(
        "programs:join",
        {"token": "invitation_token"},
        {"*": 200},
        {"*": 200},
        data={},
        why="anyone of the organisation with the link; an empty form is refused; "
        "anonymous visitors see the programme and how to get in",
    ),
    *both("programs:journey", MENTEE_ENROLMENT, only("mentee"), only("mentee")),
    *both(
        "programs:profile",
        MENTEE_ENROLMENT,
        only("mentee", ok=302),
        only("mentee", ok=302),
        why="the wizard resumes at the first unfinished step (a redirect)",
    ),
    *both(
        "programs:profile_step",
        lambda w: {"pk": w["mentee_enrolment_id"], "step": "job"},
        only("mentee"),
        only("mentee"),
    ),
    *both("programs:assessment", MENTEE_ENROLMENT, only("mentee"), only("mentee")),
    *both("programs:wishes", MENTEE_ENROLMENT, only("mentee"), only("mentee")),
    *both(
        "programs:goals",
        MENTEE_ENROLMENT,
        only("mentee"),
        only("mentee"),
        data={"title": ""},
    ),
    *both(
        "programs:goal_delete",
        lambda w: {"pk": w["mentee_enrolment_id"], "goal_pk": w["goal_id"]},
        POST_ONLY,
        only("mentee", ok=302),
    ),
    *both(
        "programs:preparation",
        MENTOR_ENROLMENT,
        only("mentor"),
        only("mentor"),
        why="the mentors' module: the mentor's own enrolment only",
    ),
    *both(
        "programs:withdraw",
        MENTEE_ENROLMENT,
        only("mentee"),
        only("mentee"),
        data={},
        why="without the confirmation box nothing happens",
    ),
    *both(
        "programs:volunteer",
        RECRUITING,
        only(*ALL),
        only(*ALL),
        data={},
        why="an open call: everyone of the organisation",
    ),
    # Managers and casting panel -------------------------------------------------
    *both("programs:detail", PILOT, only(*MANAGERS), only(*MANAGERS)),
    *both("programs:edit", PILOT, only(*MANAGERS), only(*MANAGERS), data={}),
    *both("programs:clone", PILOT, POST_ONLY, only(*MANAGERS, ok=302)),
    *both(
        "programs:status",
        PILOT,
        only(*MANAGERS, ok=302),
        only(*MANAGERS, ok=302),
        data={"status": "closed"},
        why="closing goes to the closing flow; a GET without a step goes back",
    ),
    *both("programs:import", PILOT, only(*MANAGERS), only(*MANAGERS), data={}),
    *both(
        "programs:import_preview",
        {"slug": "programme_slug", "pk": "import_id"},
        only(*MANAGERS),
        only(*MANAGERS, ok=302),
        why="POST applies the import",
    ),
    *both(
        "programs:import_template",
        lambda world: {"slug": world["programme_slug"], "file_format": "xlsx"},
        only(*MANAGERS),
        {"*": 405, **ANON},
        why="a file to download; nothing to post",
    ),
    *both("programs:enrolments", PILOT, only(*MANAGERS), only(*MANAGERS)),
    *both(
        "programs:enrolment_action",
        {"slug": "programme_slug", "pk": "mentee_enrolment_id"},
        POST_ONLY,
        only(*MANAGERS, ok=302),
        data={"action": "remind"},
    ),
    *both("programs:casting", RECRUITING, only(*PANEL), only(*PANEL)),
    *both(
        "programs:casting_review",
        {"slug": "recruiting_slug", "pk": "candidate_enrolment_id"},
        only(*PANEL),
        only(*PANEL),
        data={},
        why="the panel fills in grids; an empty grid is refused",
    ),
    *both(
        "programs:casting_decision",
        {"slug": "recruiting_slug", "pk": "candidate_enrolment_id"},
        POST_ONLY,
        only(*MANAGERS),
        data={"decision": "accept"},
        why="the panel assesses, managers decide (without confirm=1: the e-mail "
        "to be sent, nothing changes)",
    ),
    *both(
        "programs:invitations",
        RECRUITING,
        only(*MANAGERS),
        only(*MANAGERS),
        data={},
    ),
    *both(
        "programs:my_corrections",
        {},
        only(*ALL),
        only(*ALL),
        data={},
        why="everyone with an HR record reads it; the empty form is shown again",
    ),
    *both("programs:corrections", PILOT, only(*MANAGERS), POST_ONLY),
    *both(
        "programs:correction_decide",
        lambda w: {"slug": w["programme_slug"], "pk": w["correction_id"]},
        POST_ONLY,
        only(*MANAGERS, ok=400),
        data={},
        why="the managers of the person's programme decide; no decision, no change",
    ),
    *both(
        "programs:roles",
        RECRUITING,
        only(*MANAGERS),
        only(*MANAGERS),
        data={},
    ),
    *both(
        "programs:invitation",
        lambda w: {"token": "faux-jeton"},
        {"*": 410},
        {"*": 410},
        data={"action": "decline"},
        why="a forged personal link: the page says it no longer works",
    ),
    *both(
        "programs:revoke_invitations",
        RECRUITING,
        POST_ONLY,
        only(*MANAGERS),
        why="without confirm=1: who loses their link, nothing changes",
    ),
]
