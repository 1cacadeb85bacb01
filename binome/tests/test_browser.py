"""End-to-end: the base pages in a real browser, with our CSP enforced."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _log_in(page, email):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").click()


def test_mentor_logs_in_and_sees_the_pair(page, pair):
    _log_in(page, "camille@test.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Camille")
    expect(page.get_by_text("Vous accompagnez")).to_contain_text("Bernard Lemoine")


def test_htmx_loads_under_the_csp(page, pair):
    _log_in(page, "camille@test.example")
    assert page.evaluate("typeof window.htmx") == "object"


def test_keyboard_user_reaches_the_skip_link_first(page, pair):
    _log_in(page, "camille@test.example")
    page.goto("/")  # a fresh load, focus at the top of the document
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "[document.activeElement.tagName, document.activeElement.textContent.trim()]"
    )
    assert focused == ["A", "Aller au contenu"]


def test_language_switch_in_the_browser(page, pair):
    _log_in(page, "bernard@test.example")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Bernard")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Bernard")


def test_wrong_password_is_announced(page, people):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("camille@test.example")
    page.get_by_label("Mot de passe").fill("mauvais-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("mot de passe est incorrect")
