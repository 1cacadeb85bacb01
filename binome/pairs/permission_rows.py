"""Permission-matrix rows of binome.pairs (format: binome/tests/matrix.py).

The workspace is the pair's own: its mentor and mentee, nobody else, not
even the programme's managers or a superuser (404 for all of them).
"""

from __future__ import annotations

from typing import Any

ANON = {"anonymous": "login"}
ALL = ("outsider", "mentee", "mentor", "panel", "sponsor", "manager", "superuser")
MEMBERS = ("mentee", "mentor")
MANAGERS = ("manager", "superuser")
POST_ONLY = {"*": 405, **ANON}


def only(*roles: str, ok: Any = 200, others: Any = 404) -> dict[str, Any]:
    return {"*": others, **ANON, **dict.fromkeys(roles, ok)}


def both(
    url: str, kwargs: Any, get: Any, post: Any, **extra: Any
) -> list[dict[str, Any]]:
    return [
        {"url": url, "kwargs": kwargs, "expect": get},
        {"url": url, "method": "POST", "kwargs": kwargs, "expect": post, **extra},
    ]


PAIR = {"pk": "pair_id"}
MEETING = {"pk": "pair_id", "meeting_pk": "meeting_id"}
AGENDA_ITEM = {**MEETING, "item_pk": "agenda_item_id"}


# The agenda item is the mentee's: the mentor sees it but may not change it.
def only_author(ok: Any = 200) -> dict[str, Any]:
    return {**only("mentee", ok=ok), "mentor": 403}


ROWS: list[dict[str, Any]] = [
    *both("pairs:list", {}, only(*ALL), only(*ALL)),
    *both(
        "pairs:preferences",
        {},
        only(*ALL),
        only(*ALL, ok=302),
        data={},
        why="everyone sets their own reminders",
    ),
    *both(
        "pairs:feed",
        {"token": "feed_token"},
        {"*": 200},
        {"*": 200},
        why="the unguessable token is the credential, no login",
    ),
    *both("pairs:glossary", {}, only(*ALL), only(*ALL), data={}),
    *both(
        "pairs:glossary_approve",
        {"term_pk": "term_id"},
        POST_ONLY,
        only(*MANAGERS, ok=302),
    ),
    *both("pairs:resources", {}, only(*ALL), only(*ALL)),
    *both(
        "pairs:resource_rate",
        {"resource_pk": "resource_id"},
        POST_ONLY,
        only(*MEMBERS, ok=302),
        data={"rating": "5"},
        why="people in a pair rate resources",
    ),
    *both(
        "pairs:activity",
        {"slug": "programme_slug"},
        only(*MANAGERS),
        only(*MANAGERS),
        data={"url": "pas-une-adresse"},
        why="managers see activity, never content",
    ),
    *both("pairs:workspace", PAIR, only(*MEMBERS), only(*MEMBERS)),
    *both(
        "pairs:nudge",
        PAIR,
        only(*MANAGERS),
        only(*MANAGERS),
        data={"message_fr": ""},
        why="the programme's managers remind a pair; an empty message is refused "
        "(the form again, nothing sent); the members themselves get 404",
    ),
    *both(
        "pairs:checkin",
        PAIR,
        only(*MEMBERS),
        only(*MEMBERS, ok=400),
        data={},
        why="check-in answers are their author's; missing answers come back "
        "on the page, next to their question",
    ),
    *both(
        "pairs:pause",
        PAIR,
        only(*MEMBERS),
        only(*MEMBERS, ok=400),
        data={"until": ""},
        why="either member pauses the pair; a pause without a date comes back "
        "on the page",
    ),
    *both("pairs:resume", PAIR, POST_ONLY, only(*MEMBERS, ok=302)),
    *both(
        "pairs:charter",
        PAIR,
        only(*MEMBERS),
        only(*MEMBERS),
        data={"cadence_days": "0"},
    ),
    *both("pairs:charter_accept", PAIR, POST_ONLY, only(*MEMBERS, ok=302)),
    *both(
        "pairs:kpi_add",
        PAIR,
        only(*MEMBERS),
        only(*MEMBERS),
        data={},
        why="a KPI with errors comes back on its own page",
    ),
    *both(
        "pairs:kpi_progress",
        {"pk": "pair_id", "kpi_pk": "kpi_id"},
        POST_ONLY,
        only(*MEMBERS, ok=302),
        data={"done": "on"},
    ),
    *both(
        "pairs:assistant",
        PAIR,
        POST_ONLY,
        only("mentee", ok=302),
        data={"email": "pas-une-adresse"},
        why="the mentee chooses an assistant; the mentor may not",
    ),
    *both("pairs:progress", PAIR, only(*MEMBERS), only(*MEMBERS)),
    *both(
        "pairs:reassessment",
        lambda w: {"pk": w["pair_id"], "phase": "midway"},
        only(*MEMBERS),
        only(*MEMBERS),
        data={},
    ),
    *both("pairs:schedule", PAIR, only(*MEMBERS), only(*MEMBERS)),
    *both(
        "pairs:plan",
        PAIR,
        only(*MEMBERS),
        only(*MEMBERS),
        data={},
        why="the plan is shown (or its errors) before it is confirmed",
    ),
    *both("pairs:meeting", MEETING, only(*MEMBERS), only(*MEMBERS)),
    *both(
        "pairs:meeting_move",
        MEETING,
        only(*MEMBERS),
        only(*MEMBERS),
        data={"starts_at": "pas une date"},
    ),
    *both(
        "pairs:meeting_cancel",
        MEETING,
        only(*MEMBERS),
        only(*MEMBERS),
        why="GET, or a POST without confirm=1, shows who will be told",
    ),
    *both("pairs:meeting_ics", MEETING, only(*MEMBERS), only(*MEMBERS)),
    *both(
        "pairs:agenda_add",
        MEETING,
        POST_ONLY,
        only(*MEMBERS, ok=302),
        data={"text": "Les prompts", "kind": "topic"},
    ),
    *both(
        "pairs:agenda_edit",
        AGENDA_ITEM,
        only_author(),
        only_author(ok=302),
        data={"text": "Mon CV à jour", "kind": "topic", "version": "0"},
        why="the author edits an agenda item; the partner gets 403",
    ),
    *both(
        "pairs:agenda_move",
        AGENDA_ITEM,
        POST_ONLY,
        only_author(ok=302),
        data={"direction": "up"},
        why="the author reorders an agenda item; the partner gets 403",
    ),
    *both(
        "pairs:agenda_delete",
        AGENDA_ITEM,
        POST_ONLY,
        only_author(ok=302),
        why="the author deletes an agenda item; the partner gets 403",
    ),
    *both(
        "pairs:private_note",
        MEETING,
        POST_ONLY,
        only(*MEMBERS, ok=302),
        data={"text": "Pour moi seul", "version": "0"},
        why="each person of the pair writes their own private notes",
    ),
    *both(
        "pairs:notes",
        MEETING,
        POST_ONLY,
        only(*MEMBERS, ok=302),
        data={"notes": "pirate", "version": "0"},
    ),
    *both(
        "pairs:action_add",
        MEETING,
        POST_ONLY,
        only(*MEMBERS),
        data={"text": ""},
        why="an action with errors comes back with them, next to the fields",
    ),
    *both(
        "pairs:action_toggle",
        {"pk": "pair_id", "meeting_pk": "meeting_id", "item_pk": "action_item_id"},
        POST_ONLY,
        only(*MEMBERS, ok=302),
    ),
    *both(
        "pairs:log",
        MEETING,
        POST_ONLY,
        only(*MEMBERS),
        data={},
        why="the errors come back next to the fields",
    ),
    *both("pairs:feedback", MEETING, POST_ONLY, only(*MEMBERS, ok=302), data={}),
    # Confidential concerns (#18): the pair's members raise one; a POST
    # without confirm=1 shows the confirmation, nothing is written.
    *both(
        "pairs:concern_new",
        PAIR,
        only(*MEMBERS),
        only(*MEMBERS),
        data={"category": "respect", "text": "Un souci", "token": "0" * 32},
        why="the confirmation page: nothing is sent before confirm=1",
    ),
    {
        "url": "pairs:concern_new",
        "method": "POST",
        "kwargs": PAIR,
        "data": {"category": "respect", "text": ""},
        "expect": only(*MEMBERS, ok=400),
        "why": "an empty concern comes back with its errors, nothing written",
    },
    *both("pairs:concerns", {}, only(*ALL), only(*ALL), why="each sees their own"),
    *both(
        "pairs:concern",
        {"concern_pk": "concern_id"},
        only("mentee"),
        POST_ONLY,
        why="the mentee raised it: the partner, the managers and all get 404",
    ),
    *both(
        "pairs:programme_concerns",
        {"slug": "programme_slug"},
        only(*MANAGERS),
        only(*MANAGERS),
        why="the programme's managers only; sponsors see nothing",
    ),
    *both(
        "pairs:programme_concern",
        {"slug": "programme_slug", "concern_pk": "concern_id"},
        only(*MANAGERS),
        only(*MANAGERS, ok=400),
        data={"status": "closed", "reply": "", "version": "0"},
        why="closing without a word to the reporter comes back with the error",
    ),
    *both(
        "pairs:team_contributions",
        {},
        only(*ALL),
        only(*ALL),
        why="a line manager sees what their reports shared; others see nothing",
    ),
]
