import json

import pytest
from django.urls import reverse

from binome.accounts.models import AuditEvent, User

from .conftest import EMAIL


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser(email="ada@test.example", password="x" * 14)


def _urls(user_id):
    return [
        reverse(f"privacy:admin_{name}", args=[user_id])
        for name in ("overview", "report", "json", "erase")
    ]


def test_anonymous_is_sent_to_login(client, people):
    response = client.get(reverse("privacy:overview"))
    assert response.status_code == 302
    assert "/compte/connexion/" in response["Location"]


def test_person_sees_the_article_15_information(login, people, settings):
    settings.PRIVACY_DPO_CONTACT = "dpo@groupe-test.example"
    response = login(people["bernard"]).get(reverse("privacy:overview"))
    assert response.status_code == 200
    text = response.content.decode()
    # French first: the page speaks the catalogue's words.
    for words in ("Base légale", "dpo@groupe-test.example", "CNIL"):
        assert words in text


def test_person_downloads_their_json_and_it_is_audited(client, zephyrine):
    client.force_login(zephyrine["user"])
    response = client.get(reverse("privacy:json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["sections"]["people.person"][0]["email"] == EMAIL
    event = AuditEvent.objects.get(action="export")
    assert event.actor == zephyrine["user"]
    assert event.target == f"user:{zephyrine['user'].pk}"
    assert event.details["format"] == "json"


def test_readable_report_shows_the_data(client, zephyrine):
    client.force_login(zephyrine["user"])
    response = client.get(reverse("privacy:report"))
    assert response.status_code == 200
    assert "PLANTED-GOAL-TITLE" in response.content.decode()
    assert "INES-FEEDBACK-PRIVATE" not in response.content.decode()
    assert AuditEvent.objects.filter(action="export", details__format="html").exists()


def test_pdf_report(client, zephyrine):
    client.force_login(zephyrine["user"])
    response = client.get(reverse("privacy:pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="export", details__format="pdf").exists()


@pytest.mark.parametrize("who", ["xavier", "odile", "camille"])
def test_others_get_404_on_someone_elses_pages(login, people, zephyrine, who):
    client = login(people[who])  # odile manages the pilot: still no access
    for url in _urls(zephyrine["user"].pk):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(_urls(zephyrine["user"].pk)[3], {"confirm": EMAIL}).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action__in=["export", "erasure"]).exists()
    assert User.objects.get(pk=zephyrine["user"].pk).is_active


def test_unknown_account_is_404_too(login, people):
    assert login(people["xavier"]).get(_urls(999_999)[2]).status_code == 404


def test_a_superuser_exports_for_a_person(client, admin_user, zephyrine):
    client.force_login(admin_user)
    response = client.get(reverse("privacy:admin_json", args=[zephyrine["user"].pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="export")
    assert event.actor == admin_user
    assert event.target == f"user:{zephyrine['user'].pk}"


def test_the_person_may_use_the_admin_url_for_themself(client, zephyrine):
    client.force_login(zephyrine["user"])
    response = client.get(
        reverse("privacy:admin_overview", args=[zephyrine["user"].pk])
    )
    assert response.status_code == 200


def test_erasure_needs_the_address_typed_again(client, zephyrine):
    client.force_login(zephyrine["user"])
    response = client.post(reverse("privacy:erase"), {"confirm": "wrong@x.example"})
    assert response.status_code == 200
    assert User.objects.get(pk=zephyrine["user"].pk).is_active
    assert not AuditEvent.objects.filter(action="erasure").exists()


def test_person_erases_themself_and_is_logged_out(client, zephyrine):
    client.force_login(zephyrine["user"])
    page = client.get(reverse("privacy:erase"))
    assert page.status_code == 200 and "PLANTED" not in page.content.decode()
    response = client.post(reverse("privacy:erase"), {"confirm": EMAIL.upper()})
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:erased")
    assert not User.objects.get(pk=zephyrine["user"].pk).is_active
    assert client.get(reverse("privacy:overview")).status_code == 302
    event = AuditEvent.objects.get(action="erasure")
    assert event.details["by_self"] is True and event.ip_address is None
    assert not AuditEvent.objects.filter(action="logout").exists()
    assert client.get(reverse("privacy:erased")).status_code == 200


def test_a_superuser_erases_a_person(client, admin_user, zephyrine):
    client.force_login(admin_user)
    url = reverse("privacy:admin_erase", args=[zephyrine["user"].pk])
    response = client.post(url, {"confirm": EMAIL})
    assert response.status_code == 302
    assert not User.objects.get(pk=zephyrine["user"].pk).is_active
    event = AuditEvent.objects.get(action="erasure")
    assert event.actor == admin_user and event.details["by_self"] is False


def test_admin_index_is_for_superusers_only(client, login, admin_user, people):
    assert login(people["odile"]).get(reverse("privacy:admin_index")).status_code == 404
    client.force_login(admin_user)
    response = client.get(reverse("privacy:admin_index"), {"q": "bernard"})
    assert response.status_code == 200
    assert reverse("privacy:admin_person_overview", args=[people["bernard"].pk]) in (
        response.content.decode()
    )
    # An account without an HR profile is found too, on its account page.
    response = client.get(reverse("privacy:admin_index"), {"q": "ada@test"})
    assert reverse("privacy:admin_overview", args=[admin_user.pk]) in (
        response.content.decode()
    )


def test_get_only_pages_refuse_post(login, people):
    client = login(people["bernard"])
    assert client.post(reverse("privacy:json")).status_code == 405
