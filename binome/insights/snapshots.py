"""Dashboards of large programmes, served from a snapshot.

A programme's dashboard is computed with aggregate queries, live, in tens of
milliseconds for a pilot; at several thousand pairs it takes most of a
second. From ``INSIGHTS_SNAPSHOT_MIN_PAIRS`` pairs on, the page is served
from a snapshot of the same computation: the ``refresh_dashboards`` task (or
command, or Celery beat), run every few minutes, computes again the
snapshots that people look at once they are older than half
``INSIGHTS_SNAPSHOT_MAX_AGE``; a page finding its snapshot older than that,
of another day or of another version of the code computes it there and then.
Closing a programme, publishing its pairs or editing it makes its snapshots
stale (``forget``), and a computation that started before is not stored over
that mark. The page says when its figures were computed, and managers may
compute them again at once.

A snapshot holds what the page publishes to its audience: hidden figures
without their values, and for the programme's managers the pairs at risk by
id with their session counts; their names are read from the pairs when a
manager opens the page, so no name or address is copied into it, and an
erasure shows at once. The audience is part of the key: the managers' exact
figures are stored apart and never served to a sponsor.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import logging
import pickle
import time
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone, translation

from binome.pairs.models import Pair
from binome.programs.models import Programme

from . import indicators
from .health import PairHealth
from .models import DashboardSnapshot
from .privacy import Audience, Figure

logger = logging.getLogger(__name__)

# Snapshots nobody looked at for this long are not computed again: deleted.
UNVIEWED_DAYS = 7
# Writing the time of each view would cost a write per page: once an hour.
VIEW_STAMP_EVERY = datetime.timedelta(hours=1)
FORMAT = 2  # of the pickled payload


def min_pairs() -> int:
    return int(settings.INSIGHTS_SNAPSHOT_MIN_PAIRS)


def max_age() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(settings.INSIGHTS_SNAPSHOT_MAX_AGE))


def _code_version() -> str:
    """A digest of what a snapshot's content depends on (the indicators, the
    rules they apply, the models they read, the French labels), so that a new
    version never reads an old one."""
    here = Path(__file__).resolve().parent
    binome = here.parent
    files = [
        *(
            here / name
            for name in ("indicators.py", "health.py", "privacy.py", "snapshots.py")
        ),
        *(binome / app / "models.py" for app in ("people", "programs", "pairs")),
        binome / "skills" / "models.py",
        binome / "pairs" / "health.py",  # the pairs at risk
        *sorted((binome.parent / "locale").glob("*/LC_MESSAGES/django.po")),
    ]
    digest = hashlib.sha256(f"{django.get_version()} {FORMAT}".encode())
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()


CODE_VERSION = _code_version()


def uses_snapshots(programme: Programme) -> bool:
    return Pair.objects.in_programme(programme).count() >= min_pairs()


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


def _scrub(value: Any) -> Any:
    """The same structure with every hidden figure emptied: what the privacy
    rules hide is not stored either (the page only ever shows « masqué »)."""
    if isinstance(value, Figure):
        if value.hidden:
            return Figure(
                None, 0, hidden=True, decimals=value.decimals, suffix=value.suffix
            )
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(
            value,
            **{
                f.name: _scrub(getattr(value, f.name))
                for f in dataclasses.fields(value)
                if f.init
            },
        )
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_scrub(item) for item in value)
    return value


def _payload(board: indicators.Dashboard) -> bytes:
    """The dashboard without its programme, without the values of hidden
    figures, and with the pairs at risk as plain facts (by pair id, as the
    pairs are kept, pseudonymised, after an erasure): no name, no
    small-group figure."""
    at_risk = [
        (row.pair.pk, row.held, row.expected, row.last_held, list(row.risks))
        for row in board.at_risk or []
    ]
    # Nothing about a pair in a snapshot for anyone but the managers.
    assert board.audience == Audience.MANAGERS or not at_risk
    # Stored without its programme, which _board puts back on reading.
    bare = _scrub(
        dataclasses.replace(board, programme=None, at_risk=None, extra={})  # type: ignore[arg-type]
    )
    return pickle.dumps(
        {"board": bare, "at_risk": at_risk}, protocol=pickle.HIGHEST_PROTOCOL
    )


def _board(
    data: bytes,
    programme: Programme,
    *,
    audience: Audience,
    computed_at: datetime.datetime,
) -> indicators.Dashboard | None:
    """The dashboard in a payload, with the programme, and for managers the
    pairs at risk as they are now (None when it cannot be read, or when it
    was computed for another audience)."""
    try:
        # Written by _payload(), from this very code (CODE_VERSION).
        payload = pickle.loads(data)
        board = payload["board"]
        rows = payload["at_risk"]
    except Exception:  # any unreadable snapshot is computed again
        return None
    if not isinstance(board, indicators.Dashboard) or board.audience != audience:
        return None
    board.programme = programme
    if audience == Audience.MANAGERS:
        found = Pair.objects.select_related("mentor__person", "mentee__person").in_bulk(
            [row[0] for row in rows]
        )
        board.at_risk = [
            PairHealth(found[pk], held, expected, last, risks)
            for pk, held, expected, last, risks in rows
            if pk in found  # deleted since
        ]
    board.extra["computed_at"] = computed_at
    board.extra["max_age_minutes"] = int(max_age().total_seconds() // 60)
    return board


def compute(
    programme: Programme,
    *,
    audience: Audience = Audience.OUTSIDE,
    today: datetime.date | None = None,
    language: str | None = None,
    viewed: bool = False,
) -> DashboardSnapshot:
    """Compute a programme's dashboard for an audience and store it as the
    snapshot of its language and audience, unless a computation started
    later (or a ``forget``) was stored meanwhile: returns the stored row.
    ``viewed``: for a page, which counts as a view."""
    return _compute(
        programme, audience=audience, today=today, language=language, viewed=viewed
    )[0]


def _compute(
    programme: Programme,
    *,
    audience: Audience,
    today: datetime.date | None,
    language: str | None,
    viewed: bool,
) -> tuple[DashboardSnapshot, bytes, datetime.datetime]:
    """``compute``, and the payload it computed (whether stored or not) with
    the time it started."""
    language = language or _language()
    today = today or timezone.localdate()
    started_at = timezone.now()
    started = time.perf_counter()
    with translation.override(language):
        board = indicators.dashboard(programme, today=today, audience=audience)
    payload = _payload(board)
    fields = {
        "as_of": today,
        "computed_at": started_at,
        "duration_ms": round(1000 * (time.perf_counter() - started)),
        "code_version": CODE_VERSION,
        "data": payload,
    }
    if viewed:
        fields["viewed_at"] = timezone.now()
    key = {"programme": programme, "language": language, "audience": audience.value}
    try:
        return _store(key, fields, started_at), payload, started_at
    except IntegrityError:
        # Created by another process meanwhile (the unique constraint):
        # now there is a row to lock and compare with.
        return _store(key, fields, started_at), payload, started_at


def _store(
    key: dict[str, Any], fields: dict[str, Any], started_at: datetime.datetime
) -> DashboardSnapshot:
    with transaction.atomic():
        snapshot = DashboardSnapshot.objects.select_for_update().filter(**key).first()
        if snapshot is None:
            return DashboardSnapshot.objects.create(
                **key, **{"viewed_at": started_at, **fields}
            )
        if snapshot.computed_at > started_at:
            return snapshot  # a computation started later was stored
        for name, value in fields.items():
            setattr(snapshot, name, value)
        snapshot.save()
        return snapshot


def _is_fresh(snapshot: DashboardSnapshot, today: datetime.date) -> bool:
    return (
        snapshot.as_of == today
        and snapshot.code_version == CODE_VERSION
        and snapshot.computed_at >= timezone.now() - max_age()
    )


def dashboard(
    programme: Programme,
    *,
    audience: Audience,
    today: datetime.date | None = None,
) -> indicators.Dashboard:
    """The dashboard of a programme: computed live for a programme under
    ``INSIGHTS_SNAPSHOT_MIN_PAIRS`` pairs, otherwise read from its snapshot
    (computed now when missing or stale). A snapshot's dashboard carries
    ``extra["computed_at"]``. ``audience``: see ``indicators.dashboard``;
    each has its own snapshot."""
    today = today or timezone.localdate()
    if not uses_snapshots(programme):
        return indicators.dashboard(programme, today=today, audience=audience)
    language = _language()
    snapshot = DashboardSnapshot.objects.filter(
        programme=programme, language=language, audience=audience.value
    ).first()
    now = timezone.now()
    if snapshot is not None and _is_fresh(snapshot, today):
        board = _board(
            bytes(snapshot.data),
            programme,
            audience=audience,
            computed_at=snapshot.computed_at,
        )
        if board is not None:
            if snapshot.viewed_at < now - VIEW_STAMP_EVERY:
                DashboardSnapshot.objects.filter(pk=snapshot.pk).update(viewed_at=now)
            return board
    _stored, payload, started_at = _compute(
        programme, audience=audience, today=today, language=language, viewed=True
    )
    # What this very computation found (the stored row may be a later one,
    # of other code, or a ``forget`` mark).
    board = _board(payload, programme, audience=audience, computed_at=started_at)
    assert board is not None  # written by this code
    return board


def forget(programme: Programme | int) -> None:
    """Make a large programme's snapshots stale, once the current transaction
    commits: each language's row becomes a mark, dated then, with no data.
    A page computes it again, and so does the next ``refresh``; a computation
    that started earlier (on the data before the change) is not stored over
    the mark. Nothing for a programme computed live."""
    pk = programme.pk if isinstance(programme, Programme) else programme
    if Pair.objects.filter(mentee__programme_id=pk).count() < min_pairs():
        return
    transaction.on_commit(lambda: mark_stale(pk))


def mark_stale(pk: int) -> None:
    """Now: each language's and audience's row of the programme becomes a
    mark dated now, with no data (see ``forget``). One nobody viewed gets a
    mark already unviewed, which ``refresh`` deletes rather than computes."""
    now = timezone.now()
    fields = {
        "as_of": timezone.localdate(now),
        "computed_at": now,
        "duration_ms": 0,
        "code_version": "",  # never fresh
        "data": b"",
    }
    unviewed = now - datetime.timedelta(days=UNVIEWED_DAYS, hours=1)
    for language, _name in settings.LANGUAGES:
        for audience in Audience:
            DashboardSnapshot.objects.update_or_create(
                programme_id=pk,
                language=language,
                audience=audience.value,
                defaults=fields,
                create_defaults={**fields, "viewed_at": unviewed},
            )


def refresh(now: datetime.datetime | None = None) -> dict[str, int]:
    """Compute again the snapshots that people look at once they are older
    than half their maximum age (or of another day or code), so that pages
    find them fresh; delete those nobody viewed for ``UNVIEWED_DAYS`` days
    and those of programmes now under the threshold. One failure is logged
    and counted, and the others go on. Run it every few minutes."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    counts = {"refreshed": 0, "fresh": 0, "deleted": 0, "failed": 0}
    stale_before = now - max_age() / 2
    unviewed_before = now - datetime.timedelta(days=UNVIEWED_DAYS)
    large: dict[int, bool] = {}
    snapshots = (
        DashboardSnapshot.objects.select_related("programme")
        .defer("data")
        .order_by("programme_id", "language", "audience")
    )
    for snapshot in snapshots:
        programme = snapshot.programme
        try:
            if programme.pk not in large:
                large[programme.pk] = uses_snapshots(programme)
            if snapshot.viewed_at < unviewed_before or not large[programme.pk]:
                snapshot.delete()
                counts["deleted"] += 1
            elif (
                snapshot.computed_at < stale_before
                or snapshot.as_of != today
                or snapshot.code_version != CODE_VERSION
            ):
                compute(
                    programme,
                    audience=Audience(snapshot.audience),
                    today=today,
                    language=snapshot.language,
                )
                counts["refreshed"] += 1
            else:
                counts["fresh"] += 1
        except Exception:
            logger.exception(
                "dashboard snapshot of programme %s (%s, %s) failed",
                programme.pk,
                snapshot.language,
                snapshot.audience,
            )
            counts["failed"] += 1
    return counts


@task()
def refresh_dashboards() -> dict[str, int]:
    """``refresh`` as a django.tasks task (db_worker or Celery)."""
    return refresh()
