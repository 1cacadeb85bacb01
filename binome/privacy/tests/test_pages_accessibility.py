"""axe-core on the GDPR pages (WCAG 2.1 AA), and the erasure through a browser."""

import pytest
from django.conf import settings
from django.test import Client

from binome.accounts.models import User
from conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, user):
    # Through a session cookie: these tests are about the GDPR pages, not login.
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url}]
    )


def test_data_pages_and_erasure(page, live_server, enrolments, pair):
    bernard = pair.mentee.person.user
    _log_in(page, live_server, bernard)
    for path in (
        "/compte/donnees/",
        "/compte/donnees/rapport/",
        "/compte/donnees/effacer/",
    ):
        page.goto(path)
        assert_accessible(page)
    page.locator("#id_confirm_email").fill("bernard@test.example")
    page.locator("form button.danger[type=submit]").click()
    page.wait_for_url("**/compte/donnees/effacees/")
    assert_accessible(page)
    assert not User.objects.get(pk=bernard.pk).is_active


def test_admin_pages(page, live_server, people):
    admin = User.objects.create_superuser(email="ada@test.example", password="x" * 14)
    _log_in(page, live_server, admin)
    page.goto("/confidentialite/?q=bernard")
    assert_accessible(page)
    page.locator("table a").first.click()
    page.wait_for_url("**/confidentialite/comptes/*/")
    assert_accessible(page)
