"""The API docs page and the token page, in HTML and in a real browser with
our CSP enforced (the ``page`` fixture fails on any CSP violation)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from binome.accounts.models import ApiToken
from conftest import assert_accessible

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


@pytest.mark.django_db
def test_docs_page_has_no_inline_script_or_style(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert INLINE_SCRIPT.findall(html) == []
    assert "<style" not in html
    assert " style=" not in html
    assert "cdn" not in html.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/api/docs.js" in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp


@pytest.mark.django_db
def test_token_page_has_no_inline_script_or_style(people, client):
    client.force_login(people["odile"].user)
    html = client.get("/compte/jetons-api/").content.decode()
    assert INLINE_SCRIPT.findall(html) == []
    assert " style=" not in html


def _logged_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.mark.browser
def test_swagger_ui_runs_under_the_csp_and_calls_the_api(page, live_server, pilot):
    odile = pilot.managers.get()
    _logged_in(page, live_server, odile)
    page.goto("/api/v1/docs")
    # Swagger UI rendered the operations from our schema...
    operation = page.locator("#operations-programmes-binome_api_api_get_programme")
    expect(operation).to_be_visible(timeout=15000)
    expect(page.locator(".opblock")).to_have_count(13)
    # ...and calls the API with the session.
    me = page.locator("#operations-account-binome_api_api_me")
    me.locator(".opblock-summary").click()
    me.get_by_role("button", name="Try it out").click()
    me.get_by_role("button", name="Execute").click()
    expect(me.locator(".live-responses-table tbody .response-col_status")).to_have_text(
        "200", timeout=10000
    )


@pytest.mark.browser
def test_token_page_creates_a_token_accessibly(page, live_server, people):
    _logged_in(page, live_server, people["odile"].user)
    page.goto("/compte/jetons-api/")
    assert_accessible(page)
    # By id: the labels are French only once po-api.po is merged.
    page.locator("#id_name").fill("Synchro SIRH")
    page.locator("input[name=scopes][value='people:import']").check()
    page.locator("form button[type=submit].button").click()
    # Creating a token asks for the password again (the session was opened
    # without typing it); the suspended POST then goes through.
    expect(page).to_have_url(re.compile(r"/compte/reauthenticate/"))
    assert_accessible(page)
    page.locator("input[name=password]").fill("mot-de-passe-solide")
    page.locator("form button[type=submit].button").click()
    token = page.locator("#new-token")
    expect(token).to_have_value(re.compile(r"^bnm_[0-9a-f]{8}_"))
    assert_accessible(page)
    assert ApiToken.objects.get().name == "Synchro SIRH"
