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
    page.locator("#id_confirm").fill("bernard@test.example")
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
    page.wait_for_url("**/confidentialite/personnes/*/")
    assert_accessible(page)


def test_a_person_without_account_found_and_erased(page, live_server, org):
    from binome.people.models import Person

    person = Person.objects.create(
        organisation=org,
        first_name="Gaspard",
        last_name="Œillet-Dupré",
        email="gaspard@test.example",
        employee_id="RH-42",
    )
    admin = User.objects.create_superuser(email="ada@test.example", password="x" * 14)
    _log_in(page, live_server, admin)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/confidentialite/")
    page.get_by_label("Nom, adresse e-mail ou matricule").fill("oeillet dupre")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url("**/confidentialite/?q=*")
    assert_accessible(page)
    page.get_by_role("link", name="Gaspard Œillet-Dupré").click()
    page.wait_for_url(f"**/confidentialite/personnes/{person.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Effacer les données…").click()
    assert_accessible(page)
    page.locator("#id_confirm").fill("gaspard@test.example")
    page.locator("form button.danger[type=submit]").click()
    page.wait_for_url("**/confidentialite/")
    assert_accessible(page)
    person.refresh_from_db()
    assert person.first_name == "Personne"
