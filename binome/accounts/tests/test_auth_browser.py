"""The login, second-factor and SSO pages in a real browser: our CSP enforced
(the ``page`` fixture fails on any violation), axe-core finds nothing serious."""

import pytest
from playwright.sync_api import expect

from conftest import assert_accessible

pytestmark = pytest.mark.browser


def _log_in(page, email):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter", exact=True).click()


def test_login_page_with_an_sso_button_is_accessible(page, db, oidc):
    page.goto("/compte/connexion/")
    expect(
        page.get_by_role("button", name="Se connecter avec Annuaire Test")
    ).to_be_visible()
    assert_accessible(page)


def test_activating_totp_shows_the_qr_code_under_the_csp(page, people):
    _log_in(page, "odile@test.example")
    page.goto("/compte/")
    assert_accessible(page)
    page.get_by_role("link", name="Activer une application d’authentification").click()
    # Binôme asks for the password again before changing security settings.
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Confirmer").click()
    qr = page.locator("img.qr-code")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert_accessible(page)
