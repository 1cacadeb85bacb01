"""Dashboards of large programmes, served from a snapshot (insights.snapshots).

The pilot of conftest.py has 7 pairs: ``INSIGHTS_SNAPSHOT_MIN_PAIRS = 1``
makes it a « large » programme. Its figures: 29 sessions held, 870 minutes;
pairs 6 and 7 are at risk. Holding one of pair 6's missed sessions makes it
30 sessions and 900 minutes: a data change that a fresh snapshot must not
show and a recomputed one must.
"""

import csv
import dataclasses
import datetime
import io
import logging
import pickle

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone, translation
from pypdf import PdfReader

from binome.insights import exports, indicators, snapshots
from binome.insights.models import DashboardSnapshot
from binome.insights.privacy import Audience, Figure
from binome.matching.models import MatchingRound
from binome.pairs.models import Meeting

from .conftest import SECRET

pytestmark = pytest.mark.usefixtures("dataset")


# --- Helpers -----------------------------------------------------------------


@pytest.fixture(autouse=True)
def _french():
    # The language middleware activates a request's language and leaves it
    # active in the thread: calls made outside a request start from French.
    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def large(settings):
    """The pilot counts as a large programme: served from snapshots."""
    settings.INSIGHTS_SNAPSHOT_MIN_PAIRS = 1
    settings.INSIGHTS_SNAPSHOT_MAX_AGE = 900


def _url(pilot, name="dashboard"):
    return reverse(f"insights:{name}", args=[pilot.slug])


def _hold_a_missed_session(dataset):
    """Pair 6's first missed session was held after all: 29 → 30 sessions."""
    meeting = (
        Meeting.objects.filter(pair=dataset["pairs"][5], status=Meeting.Status.MISSED)
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None
    meeting.status = Meeting.Status.HELD
    meeting.held_minutes = 30
    meeting.save()


def _held(board: indicators.Dashboard) -> float | None:
    return board.headline.sessions_held.value


def _row(pilot, language="fr", audience=None) -> DashboardSnapshot:
    """The snapshot of a language (of an audience, when there are both)."""
    rows = DashboardSnapshot.objects.filter(programme=pilot, language=language)
    if audience is not None:
        rows = rows.filter(audience=audience)
    return rows.get()


def _age(snapshot: DashboardSnapshot, seconds: float) -> None:
    """Pretend the snapshot was computed ``seconds`` ago."""
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(
        computed_at=timezone.now() - datetime.timedelta(seconds=seconds)
    )


def _stored_held(snapshot: DashboardSnapshot) -> float | None:
    """Sessions held, as stored in the snapshot."""
    snapshot.refresh_from_db()
    return _held(pickle.loads(bytes(snapshot.data))["board"])


def _names(dataset, people, sponsor):
    persons = [*dataset["mentors"], *dataset["mentees"], people["odile"]]
    names = [p.first_name for p in persons] + [p.last_name for p in persons]
    emails = [p.email for p in persons]
    return [*names, *emails, sponsor.first_name, sponsor.last_name, sponsor.email]


def _at_risk(board):
    if board.at_risk is None:
        return None
    return [
        (r.pair.pk, r.held, r.expected, r.last_held, list(r.risks))
        for r in board.at_risk
    ]


def _shown(value):
    """Figures as a reader gets them: the text, and the number and group size
    only when shown (a snapshot does not keep a hidden figure's value)."""
    if isinstance(value, Figure):
        return (str(value), value.number, value.n if value.shown else None)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return {f.name: _shown(getattr(value, f.name)) for f in fields}
    if isinstance(value, dict):
        return {key: _shown(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_shown(item) for item in value]
    return value


def _figures(board):
    """What the dashboard shows, in comparable form."""
    return _shown(
        {
            "today": board.today,
            "headline": board.headline,
            "funnel": board.funnel.cells,
            "cadence": board.cadence.cells,
            "cadence_totals": board.cadence.col_totals,
            "rhythm": board.rhythm,
            "active_pairs": [(p.start, f) for p, f in board.active_pairs],
            "kpis": [(r.label, r.goals, r.reached) for r in board.kpis],
            "ratings": (board.ratings.average, board.ratings.useful),
            "silos": (board.silos.crossing, board.silos.departments.cells),
            "progress": {
                d: [(r.label, str(r.change), str(r.improved)) for r in rows]
                for d, rows in board.progress.items()
            },
            "at_risk": _at_risk(board),
        }
    )


# --- 1. Small programmes: live -----------------------------------------------


def test_a_small_programme_is_computed_live(login, pilot, people, dataset):
    assert snapshots.min_pairs() == 500  # the default; the pilot has 7 pairs
    client = login(people["odile"])
    response = client.get(_url(pilot))
    assert response.status_code == 200
    board = response.context["board"]
    assert _held(board) == 29
    assert "computed_at" not in board.extra
    assert not DashboardSnapshot.objects.exists()
    assert _url(pilot, "refresh") not in response.text
    # Live: a change shows at once.
    _hold_a_missed_session(dataset)
    assert _held(client.get(_url(pilot)).context["board"]) == 30
    assert not DashboardSnapshot.objects.exists()


# --- 2. Large programmes: computed once, then read ---------------------------


def test_the_first_view_computes_the_snapshot_the_next_reads_it(
    large, login, pilot, people, dataset
):
    client = login(people["odile"])
    with CaptureQueriesContext(connection) as first:
        response = client.get(_url(pilot))
    assert response.status_code == 200
    snapshot = _row(pilot)
    assert DashboardSnapshot.objects.count() == 1
    assert snapshot.as_of == timezone.localdate()
    assert snapshot.code_version == snapshots.CODE_VERSION
    assert response.context["board"].extra["computed_at"] == snapshot.computed_at
    # The manager may compute the figures again.
    assert f'action="{_url(pilot, "refresh")}"' in response.text

    with CaptureQueriesContext(connection) as second:
        response = client.get(_url(pilot))
    assert response.status_code == 200
    assert len(second) < len(first) / 2, (len(first), len(second))
    board = response.context["board"]
    assert board.extra["computed_at"] == snapshot.computed_at
    assert board.extra["max_age_minutes"] == 15
    assert f'action="{_url(pilot, "refresh")}"' in response.text
    # The page tells when, in local time.
    shown = formats.time_format(timezone.localtime(snapshot.computed_at))
    assert shown in response.text
    # The very figures of a live computation, pairs at risk included.
    live = indicators.dashboard(
        pilot, today=timezone.localdate(), audience=Audience.MANAGERS
    )
    assert _figures(board) == _figures(live)
    assert _held(board) == 29
    assert board.at_risk[0].pair == dataset["pairs"][5]  # the worst: pair 6
    assert "Mentorname6 Mlast6" in response.text
    assert _row(pilot).computed_at == snapshot.computed_at  # not computed again
    assert DashboardSnapshot.objects.count() == 1


def test_a_view_stamps_viewed_at_at_most_once_an_hour(large, pilot):
    snapshot = snapshots.compute(pilot)
    stamp = timezone.now() - datetime.timedelta(minutes=30)
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(viewed_at=stamp)
    snapshots.dashboard(pilot, audience=Audience.OUTSIDE)
    assert _row(pilot).viewed_at == stamp
    stamp = timezone.now() - datetime.timedelta(hours=2)
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(viewed_at=stamp)
    before = timezone.now()
    snapshots.dashboard(pilot, audience=Audience.OUTSIDE)
    assert _row(pilot).viewed_at >= before


def test_a_view_that_recomputes_its_snapshot_counts_as_a_view(
    large, login, pilot, people
):
    client = login(people["odile"])
    client.get(_url(pilot))
    long_ago = timezone.now() - datetime.timedelta(days=8)
    DashboardSnapshot.objects.filter(pk=_row(pilot).pk).update(
        viewed_at=long_ago, computed_at=long_ago
    )
    before = timezone.now()
    assert client.get(_url(pilot)).status_code == 200
    assert _row(pilot).computed_at >= before  # computed again by the view
    assert _row(pilot).viewed_at >= before
    # So the next refresh keeps it, as viewed just now.
    assert snapshots.refresh()["deleted"] == 0


# --- 3. Staleness ------------------------------------------------------------


def test_a_fresh_snapshot_hides_a_change_until_it_is_too_old(
    large, login, pilot, people, dataset
):
    client = login(people["odile"])
    client.get(_url(pilot))
    snapshot = _row(pilot)
    _hold_a_missed_session(dataset)
    # Fresh, even a minute short of the maximum age: the old figures.
    _age(snapshot, 900 - 60)
    aged = _row(pilot).computed_at
    board = client.get(_url(pilot)).context["board"]
    assert _held(board) == 29
    assert board.headline.minutes_held.value == 870
    assert _row(pilot).computed_at == aged
    # Older than the maximum age: computed again, the change shows.
    _age(snapshot, 900 + 1)
    board = client.get(_url(pilot)).context["board"]
    assert _held(board) == 30
    assert board.headline.minutes_held.value == 900
    assert _row(pilot).computed_at > aged
    assert board.extra["computed_at"] == _row(pilot).computed_at
    assert DashboardSnapshot.objects.count() == 1


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param({"as_of": datetime.date(2026, 1, 1)}, id="as_of-another-day"),
        pytest.param({"code_version": "0" * 64}, id="another-code-version"),
        pytest.param({"data": b"\x00garbage\xff not a pickle"}, id="garbage-data"),
        pytest.param(
            {"data": pickle.dumps({"board": "not a dashboard", "at_risk": []})},
            id="not-a-dashboard",
        ),
        pytest.param({"data": pickle.dumps([1, 2, 3])}, id="another-payload"),
    ],
)
def test_a_snapshot_of_another_day_code_or_unreadable_is_computed_again(
    large, login, pilot, people, dataset, spoil
):
    client = login(people["odile"])
    client.get(_url(pilot))
    snapshot = _row(pilot)
    _hold_a_missed_session(dataset)
    # Still fresh by its age: the old figures.
    assert _held(client.get(_url(pilot)).context["board"]) == 29
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(**spoil)
    response = client.get(_url(pilot))
    assert response.status_code == 200
    assert _held(response.context["board"]) == 30
    fixed = _row(pilot)
    assert fixed.pk == snapshot.pk  # replaced in place, still one row
    assert DashboardSnapshot.objects.count() == 1
    assert fixed.as_of == timezone.localdate()
    assert fixed.code_version == snapshots.CODE_VERSION
    assert fixed.computed_at > snapshot.computed_at
    assert _stored_held(fixed) == 30


def test_a_computation_never_overwrites_one_started_later(large, pilot, dataset):
    snapshot = snapshots.compute(pilot)
    later = timezone.now() + datetime.timedelta(minutes=1)
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(computed_at=later)
    _hold_a_missed_session(dataset)
    kept = snapshots.compute(pilot)
    assert kept.pk == snapshot.pk
    assert _row(pilot).computed_at == later
    assert _stored_held(_row(pilot)) == 29


# The receivers are local functions of InsightsConfig.ready(): connected
# weakly (Django's default) they were garbage-collected at once.
def _is_mark(snapshot: DashboardSnapshot) -> bool:
    snapshot.refresh_from_db()
    return snapshot.code_version == "" and bytes(snapshot.data) == b""


def test_editing_the_programme_forgets_its_snapshots(
    large, pilot, django_capture_on_commit_callbacks
):
    snapshot = snapshots.compute(pilot)
    with django_capture_on_commit_callbacks(execute=True):
        pilot.name = "Pilote 2026"
        pilot.save()
    assert _is_mark(snapshot)
    # Every language and audience gets a mark; one nobody viewed, already
    # unviewed.
    english = _row(pilot, "en", Audience.OUTSIDE)
    assert _is_mark(english)
    assert _is_mark(_row(pilot, "fr", Audience.MANAGERS))
    assert snapshots.refresh()["deleted"] == 3
    assert not DashboardSnapshot.objects.filter(language="en").exists()
    assert _row(pilot).pk == snapshot.pk


def test_publishing_pairs_forgets_the_snapshots(
    large, pilot, django_capture_on_commit_callbacks
):
    snapshot = snapshots.compute(pilot)
    with django_capture_on_commit_callbacks(execute=True):
        round_ = MatchingRound.objects.create(programme=pilot, number=1)
    # A round not published changes no figure: the snapshot stays.
    assert not _is_mark(snapshot)
    with django_capture_on_commit_callbacks(execute=True):
        round_.published_at = timezone.now()
        round_.save()
    assert _is_mark(snapshot)


def test_a_small_programme_registers_nothing_to_forget(
    pilot, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        pilot.name = "Pilote 2026"
        pilot.save()
    assert callbacks == []
    assert not DashboardSnapshot.objects.exists()


def test_a_computation_started_before_a_change_is_not_stored_over_it(
    large, pilot, dataset, monkeypatch, django_capture_on_commit_callbacks
):
    """The data change and the mark land while a computation runs on the
    data before it: its result must not be stored as fresh."""
    real = indicators.dashboard

    def meanwhile(*args, **kwargs):
        board = real(*args, **kwargs)  # read before the change
        with django_capture_on_commit_callbacks(execute=True):
            _hold_a_missed_session(dataset)
            pilot.save()
        return board

    monkeypatch.setattr(indicators, "dashboard", meanwhile)
    served = snapshots.dashboard(pilot, audience=Audience.OUTSIDE)
    monkeypatch.setattr(indicators, "dashboard", real)
    assert _held(served) == 29  # what that page read, before the change
    assert _is_mark(_row(pilot, audience=Audience.OUTSIDE))  # not stored
    assert _held(snapshots.dashboard(pilot, audience=Audience.OUTSIDE)) == 30


def test_no_hidden_figure_is_stored_with_its_value(large, pilot, dataset):
    """The privacy rules hide small groups on the page: their values are
    not stored in the snapshot either."""
    live = indicators.dashboard(pilot, audience=Audience.OUTSIDE)
    stored = pickle.loads(bytes(snapshots.compute(pilot).data))["board"]
    seen = {"hidden": 0, "shown": 0}

    def walk(live_value, stored_value):
        if isinstance(live_value, Figure):
            if live_value.hidden:
                seen["hidden"] += 1
                assert stored_value.hidden
                assert (stored_value.value, stored_value.n) == (None, 0)
                assert str(stored_value) == str(live_value)
            else:
                seen["shown"] += 1
                assert stored_value == live_value
        elif dataclasses.is_dataclass(live_value) and not isinstance(live_value, type):
            for f in dataclasses.fields(live_value):
                if f.name not in {"programme", "at_risk", "extra"}:
                    walk(getattr(live_value, f.name), getattr(stored_value, f.name))
        elif isinstance(live_value, dict):
            assert live_value.keys() == stored_value.keys()
            for key in live_value:
                walk(live_value[key], stored_value[key])
        elif isinstance(live_value, (list, tuple)):
            assert len(live_value) == len(stored_value)
            for a, b in zip(live_value, stored_value, strict=True):
                walk(a, b)

    walk(live, stored)
    # The pilot's small groups: many figures hidden, many shown.
    assert seen["hidden"] > 10 and seen["shown"] > 10


# --- 4. Audiences and languages ----------------------------------------------


def test_a_snapshot_holds_no_name_and_sponsors_get_none(
    large, client, login, pilot, people, sponsor, dataset
):
    managers = login(people["odile"]).get(_url(pilot)).context["board"]
    # The manager's snapshot has the exact share keeping the rhythm (5 of 7).
    assert managers.rhythm.shown and managers.rhythm.value == 71
    kept = _row(pilot, audience=Audience.MANAGERS)
    client.force_login(sponsor)
    response = client.get(_url(pilot))
    assert response.status_code == 200
    # The sponsor never reads the managers' snapshot: one of their own.
    assert DashboardSnapshot.objects.count() == 2
    snapshot = _row(pilot, audience=Audience.OUTSIDE)
    assert _row(pilot, audience=Audience.MANAGERS).computed_at == kept.computed_at
    board = response.context["board"]
    assert board.extra["computed_at"] == snapshot.computed_at
    assert board.rhythm.hidden and "71" not in str(board.rhythm)
    assert "71\xa0%" not in response.text and "71 %" not in response.text
    # Again from the snapshot: the same, not the managers' figures.
    again = client.get(_url(pilot)).context["board"]
    assert again.extra["computed_at"] == snapshot.computed_at
    assert again.rhythm.hidden
    # A manager's payload read as a sponsor's is refused, never served.
    assert (
        snapshots._board(
            bytes(kept.data),
            pilot,
            audience=Audience.OUTSIDE,
            computed_at=kept.computed_at,
        )
        is None
    )
    assert board.at_risk is None
    assert _held(board) == 29
    assert _url(pilot, "refresh") not in response.text
    html = response.text
    assert "Mentorname" not in html and "Menteename" not in html
    # No name, no email, no text of anyone in the stored data.
    for data in (bytes(snapshot.data), bytes(kept.data)):
        for name in _names(dataset, people, sponsor):
            assert name.encode() not in data, name
        assert SECRET.encode() not in data
        assert pickle.loads(data)["board"].at_risk is None


def test_managers_read_the_names_of_the_pairs_at_risk_as_they_are_now(
    large, login, pilot, people, dataset
):
    client = login(people["odile"])
    client.get(_url(pilot))
    snapshot = _row(pilot)
    # Renamed (or erased) after the snapshot: the page shows it at once.
    mentor = dataset["mentors"][5]
    mentor.first_name, mentor.last_name = "Renamed", "Person"
    mentor.save()
    response = client.get(_url(pilot))
    assert _row(pilot).computed_at == snapshot.computed_at  # still the snapshot
    assert "Renamed Person" in response.text
    assert "Mentorname6" not in response.text
    # A pair deleted since is left out, the others stay, in the same order.
    before = [row.pair.pk for row in response.context["board"].at_risk]
    gone = dataset["pairs"][6].pk
    assert gone in before
    dataset["pairs"][6].delete()
    board = snapshots.dashboard(pilot, audience=Audience.MANAGERS)
    assert board.at_risk is not None
    assert [row.pair.pk for row in board.at_risk] == [pk for pk in before if pk != gone]
    assert _row(pilot).computed_at == snapshot.computed_at


def test_each_language_has_its_own_snapshot(large, login, pilot, people):
    client = login(people["odile"])
    client.get(_url(pilot))
    french = _row(pilot, "fr")  # the managers' snapshot
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(_url(pilot))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    english = _row(pilot, "en")
    assert DashboardSnapshot.objects.count() == 2
    assert english.pk != french.pk
    assert _row(pilot, "fr").computed_at == french.computed_at
    assert _held(response.context["board"]) == 29
    # Without a request: the active language picks the row.
    _age(english, 900 + 1)
    with translation.override("en"):
        board = snapshots.dashboard(pilot, audience=Audience.MANAGERS)
    assert board.extra["computed_at"] == _row(pilot, "en").computed_at
    assert _row(pilot, "en").computed_at > english.computed_at
    assert _row(pilot, "fr").computed_at == french.computed_at


# --- 5. refresh(): the background task ---------------------------------------


def test_refresh_recomputes_the_old_keeps_the_fresh_deletes_the_unviewed(
    large, org, pilot, dataset
):
    old = snapshots.compute(pilot, language="fr")
    fresh = snapshots.compute(pilot, language="en")
    # Older than half the maximum age (450 s): computed again.
    _age(old, 450 + 60)
    viewed = timezone.now() - datetime.timedelta(days=3)
    DashboardSnapshot.objects.filter(pk=old.pk).update(viewed_at=viewed)
    # Younger than half the maximum age: kept as it is.
    _age(fresh, 450 - 60)
    # One that nobody looked at for more than 7 days: deleted.
    unviewed = DashboardSnapshot.objects.create(
        programme=pilot,
        language="de",
        as_of=timezone.localdate(),
        computed_at=timezone.now(),
        viewed_at=timezone.now() - datetime.timedelta(days=7, minutes=1),
        duration_ms=1,
        code_version=snapshots.CODE_VERSION,
        data=old.data,
    )
    old.refresh_from_db()
    fresh.refresh_from_db()
    _hold_a_missed_session(dataset)

    counts = snapshots.refresh()
    assert counts == {"refreshed": 1, "fresh": 1, "deleted": 1, "failed": 0}
    recomputed = _row(pilot, "fr")
    assert recomputed.computed_at > old.computed_at
    assert recomputed.viewed_at == viewed  # a refresh is not a view
    assert _stored_held(recomputed) == 30
    kept = _row(pilot, "en")
    assert kept.computed_at == fresh.computed_at
    assert _stored_held(kept) == 29
    assert not DashboardSnapshot.objects.filter(pk=unviewed.pk).exists()


@pytest.mark.parametrize(
    "spoil",
    [
        pytest.param({"as_of": datetime.date(2026, 1, 1)}, id="another-day"),
        pytest.param({"code_version": "0" * 64}, id="another-code-version"),
    ],
)
def test_refresh_recomputes_a_snapshot_of_another_day_or_code(large, pilot, spoil):
    snapshot = snapshots.compute(pilot)
    DashboardSnapshot.objects.filter(pk=snapshot.pk).update(**spoil)
    counts = snapshots.refresh()
    assert counts == {"refreshed": 1, "fresh": 0, "deleted": 0, "failed": 0}
    again = _row(pilot)
    assert again.computed_at > snapshot.computed_at
    assert again.as_of == timezone.localdate()
    assert again.code_version == snapshots.CODE_VERSION


def test_refresh_deletes_the_snapshots_of_programmes_now_small(large, settings, pilot):
    snapshots.compute(pilot, language="fr")
    snapshots.compute(pilot, language="en")
    settings.INSIGHTS_SNAPSHOT_MIN_PAIRS = 8  # the pilot has 7 pairs
    counts = snapshots.refresh()
    assert counts == {"refreshed": 0, "fresh": 0, "deleted": 2, "failed": 0}
    assert not DashboardSnapshot.objects.exists()


def test_one_failure_does_not_stop_the_refresh(
    large, pilot, dataset, monkeypatch, caplog
):
    english = snapshots.compute(pilot, language="en")
    french = snapshots.compute(pilot, language="fr")
    _age(english, 900)
    _age(french, 900)
    english.refresh_from_db()
    french.refresh_from_db()
    real = indicators.dashboard

    def fails_in_english(*args, **kwargs):
        if translation.get_language() == "en":
            raise RuntimeError("boom")
        return real(*args, **kwargs)

    monkeypatch.setattr(indicators, "dashboard", fails_in_english)
    with caplog.at_level(logging.ERROR, logger="binome.insights.snapshots"):
        counts = snapshots.refresh()
    assert counts == {"refreshed": 1, "fresh": 0, "deleted": 0, "failed": 1}
    assert "boom" in caplog.text
    assert _row(pilot, "en").computed_at == english.computed_at
    assert _row(pilot, "fr").computed_at > french.computed_at


def test_the_command_prints_its_counts(large, pilot):
    old = snapshots.compute(pilot, language="fr")
    snapshots.compute(pilot, language="en")
    _age(old, 900)
    out = io.StringIO()
    call_command("refresh_dashboards", stdout=out)
    printed = out.getvalue()
    assert "refreshed 1" in printed
    assert "still fresh 1" in printed
    assert "deleted 0" in printed
    assert "failed 0" in printed
    assert _row(pilot).computed_at > old.computed_at


def test_the_command_fails_when_a_dashboard_fails(large, pilot, monkeypatch):
    old = snapshots.compute(pilot)
    _age(old, 900)

    def fails(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(indicators, "dashboard", fails)
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 dashboard"):
        call_command("refresh_dashboards", stdout=out)
    assert "failed 1" in out.getvalue()


def test_the_task_refreshes(large, pilot):
    old = snapshots.compute(pilot)
    _age(old, 900)
    result = snapshots.refresh_dashboards.enqueue()
    assert result.return_value == {
        "refreshed": 1,
        "fresh": 0,
        "deleted": 0,
        "failed": 0,
    }
    assert _row(pilot).computed_at > old.computed_at


# --- 6. The managers' « compute again now » ----------------------------------


def test_a_manager_computes_the_figures_again_now(
    large, client, login, pilot, people, sponsor, dataset
):
    manager = login(people["odile"])
    manager.get(_url(pilot))
    _age(_row(pilot), 60)  # fresh
    before = _row(pilot)
    with translation.override("en"):
        snapshots.dashboard(pilot, audience=Audience.MANAGERS)
    _hold_a_missed_session(dataset)
    assert _held(manager.get(_url(pilot)).context["board"]) == 29
    response = manager.post(_url(pilot, "refresh"))
    assert response.status_code == 302
    assert response["Location"] == _url(pilot)
    after = _row(pilot, audience=Audience.MANAGERS)
    assert after.computed_at > before.computed_at
    assert _stored_held(after) == 30
    # The other languages are marked stale, to be computed again.
    assert _is_mark(_row(pilot, "en", Audience.MANAGERS))
    board = manager.get(_url(pilot)).context["board"]
    assert _held(board) == 30
    assert board.extra["computed_at"] == after.computed_at
    # The sponsors see the new figures too.
    client.force_login(sponsor)
    assert _held(client.get(_url(pilot)).context["board"]) == 30


def test_compute_again_needs_the_csrf_token(large, pilot, people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["odile"].user)
    assert client.post(_url(pilot, "refresh")).status_code == 403
    assert not DashboardSnapshot.objects.exists()


def test_compute_again_is_for_managers_and_by_post_only(
    large, client, login, pilot, people, sponsor
):
    url = _url(pilot, "refresh")
    # Anonymous: to the login page, nothing computed.
    response = client.post(url)
    assert response.status_code == 302
    assert "/compte/" in response["Location"]
    assert not DashboardSnapshot.objects.exists()
    snapshot = snapshots.compute(pilot)
    # A sponsor, a manager of another programme: 404, nothing touched.
    client.force_login(sponsor)
    assert client.post(url).status_code == 404
    assert login(people["victor"]).post(url).status_code == 404
    assert _row(pilot).computed_at == snapshot.computed_at
    # The manager, with GET: 405.
    assert login(people["odile"]).get(url).status_code == 405
    assert _row(pilot).computed_at == snapshot.computed_at


def test_compute_again_on_a_small_programme_creates_no_snapshot(login, pilot, people):
    response = login(people["odile"]).post(_url(pilot, "refresh"))
    assert response.status_code == 302
    assert response["Location"] == _url(pilot)
    assert not DashboardSnapshot.objects.exists()


# --- 7. Exports: the same figures as the page --------------------------------


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_export_shows_the_snapshot_figures(
    large, client, pilot, sponsor, dataset
):
    client.force_login(sponsor)
    client.get(_url(pilot))
    snapshot = _row(pilot)
    # The export of the dashboard as stored, before the data change.
    stored = snapshots.dashboard(pilot, audience=Audience.OUTSIDE)
    expected = exports.csv_bytes(stored, "rythme")
    _hold_a_missed_session(dataset)
    live = exports.csv_bytes(
        indicators.dashboard(pilot, today=timezone.localdate()), "rythme"
    )
    assert expected != live  # the change does show in this table
    response = client.get(_url(pilot) + "export/rythme.csv")
    assert response.status_code == 200
    assert response.content == expected
    assert _row(pilot).computed_at == snapshot.computed_at
    assert DashboardSnapshot.objects.count() == 1
    # Once the snapshot is too old, the export follows the data.
    _age(snapshot, 901)
    response = client.get(_url(pilot) + "export/rythme.csv")
    assert response.content == live
    assert _csv(response.content) != _csv(expected)


def test_the_pdf_report_reads_the_snapshot(large, login, pilot, people, dataset):
    client = login(people["odile"])
    client.get(_url(pilot, "report_pdf"))
    snapshot = _row(pilot)  # the report's: under the small-group rule
    assert snapshot.audience == Audience.OUTSIDE
    _hold_a_missed_session(dataset)
    response = client.get(_url(pilot, "report_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    # At a glance: 29 sessions, 870 minutes, as in the snapshot; not 30 / 900.
    assert "870" in text and "900" not in text
    everything = "".join(page.extract_text() for page in reader.pages)
    assert "Mentorname6" not in everything  # never a name, even for managers
    assert _row(pilot).computed_at == snapshot.computed_at
    assert DashboardSnapshot.objects.count() == 1
