import os
import re
from types import SimpleNamespace

import pytest

from binome.matching.models import MatchingRound
from binome.ops import gunicorn_hooks
from binome.pairs.reminders import send_reminders

from .helpers import run_requests

pytestmark = pytest.mark.django_db

TOKEN = "s3cret-token-for-tests"


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN = TOKEN
    return {"Authorization": f"Bearer {TOKEN}"}


def scrape(client, headers) -> str:
    response = client.get("/metriques/", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return str(response.content.decode())


def value(text: str, sample: str) -> float:
    match = re.search("^" + re.escape(sample) + r" (\S+)$", text, re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def test_metrics_do_not_exist_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metriques/").status_code == 404
    empty = {"Authorization": "Bearer "}
    assert client.get("/metriques/", headers=empty).status_code == 404


@pytest.mark.parametrize(
    "header",
    ["", "Bearer wrong", f"Basic {TOKEN}", f"Bearer {TOKEN}x", TOKEN, "Bearer"],
)
def test_metrics_refuse_a_wrong_token(client, token, header):
    response = client.get("/metriques/", headers={"Authorization": header})
    assert response.status_code == 404


def test_metrics_count_requests_by_route_name_never_by_path(client, token, pilot):
    before = scrape(client, token)
    client.get("/sante/")
    client.get("/compte/connexion/")
    client.get("/no/such/page-qwerty/")
    client.get(f"/programmes/{pilot.slug}/")
    text = scrape(client, token)
    requests = "binome_http_requests_total"
    health = requests + '{method="GET",route="ops:health",status="200"}'
    assert value(text, health) == value(before, health) + 1
    unmatched = requests + '{method="GET",route="unmatched",status="404"}'
    assert value(text, unmatched) == value(before, unmatched) + 1
    assert 'route="accounts:login"' in text
    assert "page-qwerty" not in text
    assert pilot.slug not in text
    count = "binome_http_request_duration_seconds_count"
    count += '{method="GET",route="ops:health"}'
    assert value(text, count) == value(before, count) + 1


def test_metrics_count_tasks_and_rounds_at_scrape_time(
    client, token, db_tasks, pilot, django_assert_max_num_queries
):
    send_reminders.enqueue()
    send_reminders.enqueue()
    MatchingRound.objects.create(programme=pilot, number=41, status="failed")
    MatchingRound.objects.create(programme=pilot, number=42, status="running")
    with django_assert_max_num_queries(4):
        text = scrape(client, token)
    assert value(text, "binome_database_up") == 1
    assert value(text, 'binome_tasks{status="READY"}') == 2
    assert value(text, 'binome_tasks{status="SUCCESSFUL"}') == 0
    assert 0 <= value(text, "binome_tasks_oldest_waiting_seconds") < 60
    for status in MatchingRound.Status.values:
        expected = MatchingRound.objects.filter(status=status).count()
        assert value(text, f'binome_matching_rounds{{status="{status}"}}') == expected
    assert value(text, 'binome_matching_rounds{status="failed"}') >= 1


def test_metrics_add_up_the_worker_processes(tmp_path, monkeypatch):
    """Two real processes write to one PROMETHEUS_MULTIPROC_DIR, as two
    gunicorn workers do; a third one scrapes the sum."""
    directory = tmp_path / "prom"
    directory.mkdir()
    env = {
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        # An empty database: /sante/ answers 503, which is counted too.
        "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3",
        "METRICS_TOKEN": TOKEN,
    }
    run_requests([("/sante/", {})] * 3, env)
    run_requests([("/sante/", {})] * 2, env)
    live = sorted(directory.glob("gauge_livesum_*.db"))
    assert len(live) == 2
    [answer], _ = run_requests(
        [("/metriques/", {"Authorization": f"Bearer {TOKEN}"})], env
    )
    assert answer["status"] == 200
    text = answer["body"]
    sample = 'binome_http_requests_total{method="GET",route="ops:health",status="503"}'
    assert value(text, sample) == 5

    # gunicorn's child_exit hook forgets a dead worker's live gauges...
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    pid = int(live[0].stem.rsplit("_", 1)[1])
    gunicorn_hooks.child_exit(None, SimpleNamespace(pid=pid))
    assert not live[0].exists()
    assert live[1].exists()
    # ... and on_starting empties the directory of a previous run.
    gunicorn_hooks.on_starting(None)
    assert list(directory.glob("*.db")) == []


def test_gunicorn_hooks_do_nothing_without_the_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    gunicorn_hooks.on_starting(None)
    gunicorn_hooks.child_exit(None, SimpleNamespace(pid=os.getpid()))
