import json
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured

from binome.ops.logs import logging_config

from .helpers import run_requests

pytestmark = pytest.mark.django_db


def test_request_id_is_kept_when_sane_and_returned(client):
    response = client.get("/sante/", headers={"X-Request-ID": "lb-1234.abc_DEF"})
    assert response["X-Request-ID"] == "lb-1234.abc_DEF"


@pytest.mark.parametrize(
    "given", ["", "a b", "x" * 65, "<script>", "id\nforged: 1", "é"]
)
def test_a_strange_request_id_is_replaced(client, given):
    response = client.get("/sante/", headers={"X-Request-ID": given})
    generated = response["X-Request-ID"]
    assert generated != given
    assert len(generated) == 32
    assert generated.isalnum()
    again = client.get("/sante/", headers={"X-Request-ID": given})
    assert again["X-Request-ID"] != generated


def test_access_log_gives_the_route_the_status_and_the_user_id(
    client, login, people, caplog
):
    camille = people["camille"]
    login(camille)
    with caplog.at_level(logging.INFO, logger="binome.access"):
        response = client.get("/", headers={"X-Request-ID": "req-42"})
    [record] = [r for r in caplog.records if r.name == "binome.access"]
    assert record.route == "home"
    assert record.status == response.status_code == 200
    assert record.method == "GET"
    assert record.user_id == camille.user.pk
    assert record.duration_ms >= 0
    assert camille.user.email not in record.getMessage()


def test_no_access_log_for_the_health_check(client, caplog):
    with caplog.at_level(logging.INFO, logger="binome.access"):
        client.get("/sante/")
        client.get("/compte/connexion/")
    routes = [r.route for r in caplog.records if r.name == "binome.access"]
    assert routes == ["accounts:login"]


def test_json_logs_carry_the_request_id(tmp_path):
    """LOG_FORMAT=json in a real process: every line is a JSON object, and
    the lines logged for a request carry its id (Django's « Not Found »
    warning too, logged after the middleware returned)."""
    env = {"LOG_FORMAT": "json", "DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    [answer], stderr = run_requests(
        [("/api/v1/nothing-here/", {"X-Request-ID": "trace-77"})], env
    )
    assert answer["status"] == 404
    assert answer["request_id"] == "trace-77"
    lines = [json.loads(line) for line in stderr.splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "binome.access"]
    assert len(access) == 1
    [entry] = access
    assert entry["request_id"] == "trace-77"
    assert entry["level"] == "INFO"
    assert entry["method"] == "GET"
    assert entry["route"] == "binome.api.views.not_found"
    assert entry["status"] == 404
    assert entry["user_id"] is None
    assert isinstance(entry["duration_ms"], float)
    assert entry["time"][:2] == "20"
    assert "nothing-here" not in entry["message"]
    [warning] = [line for line in lines if line["logger"] == "django.request"]
    assert warning["request_id"] == "trace-77"
    assert warning["level"] == "WARNING"


def test_text_logs_stay_human(tmp_path):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"}
    _, stderr = run_requests([("/api/v1/nothing/", {"X-Request-ID": "t-1"})], env)
    [line] = [line for line in stderr.splitlines() if "binome.access" in line]
    assert "INFO binome.access [t-1] GET binome.api.views.not_found 404" in line
    assert not line.startswith("{")


def test_log_format_must_be_known():
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_config("xml", "INFO")
