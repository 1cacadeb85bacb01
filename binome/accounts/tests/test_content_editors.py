"""HR administrators edit the content in the admin without being staff:
the e-mail texts, the preparation module, goal examples, the glossary and
resources; nothing else of the admin (people, enrolments, pairs, accounts)."""

import pytest

CONTENT = [
    "/admin/",
    "/admin/accounts/emailtext/",
    "/admin/accounts/emailtext/add/?template=pair_nudge&language=fr",
    "/admin/programs/preparationstep/",
    "/admin/programs/goalexample/",
    "/admin/pairs/glossaryterm/",
    "/admin/skills/resource/",
]
CLOSED = [
    "/admin/accounts/user/",
    "/admin/accounts/auditevent/",
    "/admin/programs/enrolment/",
    "/admin/programs/programme/",
    "/admin/pairs/pair/",
    "/admin/skills/assessment/",
    "/admin/people/person/",
]


@pytest.fixture
def hr_admin(client, org, people):
    user = people["odile"].user
    org.administrators.add(user)
    assert not user.is_staff
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", CONTENT)
def test_an_hr_administrator_reaches_the_content(hr_admin, url):
    assert hr_admin.get(url).status_code == 200


@pytest.mark.parametrize("url", CLOSED)
def test_but_nothing_else_of_the_admin(hr_admin, url):
    assert hr_admin.get(url).status_code == 403


def test_the_admin_index_lists_only_the_content(hr_admin):
    html = hr_admin.get("/admin/").text
    assert "/admin/accounts/emailtext/" in html
    assert "/admin/accounts/user/" not in html
    assert "/admin/programs/enrolment/" not in html


def test_an_hr_administrator_saves_an_email_text(hr_admin):
    from binome.accounts.models import EmailText

    response = hr_admin.post(
        "/admin/accounts/emailtext/add/",
        {
            "template": "pair_nudge",
            "language": "fr",
            "subject": "Des nouvelles ?",
            "body": "Bonjour {{ name }},\n{{ message }}\n{{ url }}",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert EmailText.objects.get().subject == "Des nouvelles ?"


def test_a_programme_manager_who_is_not_hr_administrator_stays_out(client, people):
    client.force_login(people["victor"].user)
    response = client.get("/admin/accounts/emailtext/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
