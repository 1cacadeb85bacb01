import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_manager_home_lists_the_programmes_they_run(
    login, pilot, pair, other_programme, people
):
    response = login(people["odile"]).get(reverse("home"))
    assert response.status_code == 200
    assert "Programmes que vous pilotez" in response.text
    assert reverse("programs:detail", args=[pilot.slug]) in response.text
    assert "Autre programme" not in response.text
    row = response.context["managed_programmes"].get(pk=pilot.pk)
    assert (row.enrolment_count, row.pair_count) == (3, 1)


def test_mentor_home_shows_the_pair_and_not_other_programmes(login, pair, people):
    response = login(people["camille"]).get(reverse("home"))
    assert response.status_code == 200
    assert "Vous accompagnez" in response.text
    assert "Bernard Lemoine" in response.text
    assert "Programmes que vous pilotez" not in response.text


def test_mentee_home_names_the_mentor(login, pair, people):
    response = login(people["bernard"]).get(reverse("home"))
    assert "Votre mentor est" in response.text
    assert "Camille Rivière" in response.text


def test_enrolled_but_unpaired_person_sees_no_pair(login, pair, people):
    response = login(people["ines"]).get(reverse("home"))
    assert response.status_code == 200
    assert "Bernard Lemoine" not in response.text
    assert "Camille Rivière" not in response.text
    assert "Pilote" in response.text  # her own enrolment


def test_outsider_home_has_a_welcome_and_nothing_else(login, pair, people):
    response = login(people["xavier"]).get(reverse("home"))
    assert "Bienvenue sur Binôme" in response.text
    assert "Bernard Lemoine" not in response.text


def test_an_hr_administrator_without_programme_is_shown_how_to_start(
    login, org, people
):
    """The first day of a real company: the HR administrator made by
    ``create_organisation`` runs no programme yet; the home page leads to the
    creation of one (not to the participants' « wait for an invitation »)."""
    org.administrators.add(people["odile"].user)
    response = login(people["odile"]).get(reverse("home"))
    assert "Lancez votre premier programme" in response.text
    assert f'href="{reverse("programs:create")}"' in response.text
    assert "vous recevrez une invitation" not in response.text
    # A participant is still told to wait for an invitation.
    response = login(people["xavier"]).get(reverse("home"))
    assert "Lancez votre premier programme" not in response.text
    assert reverse("programs:create") not in response.text


def test_pages_send_a_strict_content_security_policy(login, people):
    response = login(people["camille"]).get(reverse("home"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp


def test_pages_have_no_inline_script_or_style(login, pilot, pair, people):
    import re

    for person, url in [
        (people["odile"], reverse("home")),
        (people["odile"], reverse("programs:detail", args=[pilot.slug])),
        (people["camille"], reverse("home")),
    ]:
        html = login(person).get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert " style=" not in html and "<style" not in html, url


def test_htmx_comes_from_our_own_static_files(login, people):
    html = login(people["camille"]).get(reverse("home")).text
    assert '<script src="/static/django_htmx/htmx-2.min.js"' in html
    assert "https://" not in html.split("<body>")[0]


def test_base_template_is_accessible(login, people):
    html = login(people["camille"]).get(reverse("home")).text
    assert '<html lang="fr">' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert '<nav aria-label="Navigation principale">' in html


def test_language_switch_to_english_and_back(login, people):
    client = login(people["camille"])
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).text
    assert '<html lang="en">' in html and "Log out" in html
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert "Se déconnecter" in client.get(reverse("home")).text


def test_unknown_page_is_a_french_404(login, people):
    response = login(people["camille"]).get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.text


def test_admin_is_in_french(client, db):
    from binome.accounts.models import User

    admin = User.objects.create_superuser(email="admin@test.example", password="x" * 12)
    client.force_login(admin)
    html = client.get(reverse("admin:index")).text
    assert "Administration de Binôme" in html
    for model in ("Programmes", "Inscriptions", "Compétences", "Personnes", "Binômes"):
        assert model in html, model


def test_french_first_even_with_an_english_browser(client, db):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert '<html lang="fr">' in response.text
    assert response["Content-Language"] == "fr"


def test_account_language_applies_when_no_choice_was_made(login, people):
    camille = people["camille"]
    camille.user.language = "en"
    camille.user.save()
    html = login(camille).get(reverse("home")).text
    assert '<html lang="en">' in html
