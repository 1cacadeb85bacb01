import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_is_in_french_by_default(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Se connecter" in response.text
    assert "Adresse e-mail" in response.text


def test_wrong_password_shows_an_error_in_french(client, people):
    response = client.post(
        reverse("accounts:login"),
        {"login": "camille@test.example", "password": "mauvais"},
    )
    assert response.status_code == 200
    assert "mot de passe est incorrect" in response.text
    assert "_auth_user_id" not in client.session


def test_login_then_home_then_logout(client, people):
    response = client.post(
        reverse("accounts:login"),
        {"login": "Camille@test.example", "password": "mot-de-passe-solide"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_logout_needs_post(client, people):
    client.force_login(people["camille"].user)
    assert client.get(reverse("accounts:logout")).status_code == 405
