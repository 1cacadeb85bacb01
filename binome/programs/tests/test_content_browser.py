"""HR edits a self-check in the administration; the mentor's preparation page
shows it, at desktop and phone widths, in French and English."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from binome.accounts.models import User
from binome.programs import services
from binome.programs.models import PreparationStep

PASSWORD = "mot-de-passe-solide"
SHOTS = os.environ.get("BINOME_SHOTS", "")
SIZES = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}


def _shot(page, name):
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def _log_in(page, email, language):
    page.goto("/compte/connexion/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url(re.compile(r"/compte/connexion/"))
    if language == "en":
        page.locator("form.lang-switch button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")


def _fits(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["fr", "en"])
def test_hr_edits_a_self_check_and_the_mentor_sees_it(
    browser, live_server, recruiting, people, size, language
):
    User.objects.create_superuser(email="rh-admin@test.example", password=PASSWORD)
    mentor = services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )
    step = PreparationStep.objects.filter(is_active=True)[0]
    context = browser.new_context(
        locale="fr-FR" if language == "fr" else "en-GB",
        base_url=live_server.url,
        viewport=SIZES[size],
    )
    page = context.new_page()
    try:
        _log_in(page, "rh-admin@test.example", language)
        page.goto(f"/admin/programs/preparationstep/{step.pk}/change/")
        _shot(page, f"admin-step-{size}-{language}")
        page.locator("#id_answers-0-text_fr").fill("Réponse écrite par les RH")
        page.locator("#id_answers-0-text_en").fill("Answer written by HR")
        page.locator("input[name=_save]").click()
        expect(page.locator(".messagelist")).to_be_visible()
        _shot(page, f"admin-steps-{size}-{language}")
        page.goto("/admin/accounts/emailtext/add/?template=pair_published&language=fr")
        expect(page.locator("#id_body")).to_contain_text("Vous accompagnerez")
        _shot(page, f"admin-email-{size}-{language}")
        page.locator("#id_body").fill("{% include 'x.txt' %}")
        page.locator("input[name=_save]").click()
        expect(page.locator(".errorlist")).to_contain_text("include")
        _shot(page, f"admin-email-error-{size}-{language}")

        context.clear_cookies()
        _log_in(page, people["camille"].email, language)
        page.goto(f"/programmes/inscriptions/{mentor.pk}/preparation/")
        written = (
            "Answer written by HR" if language == "en" else "Réponse écrite par les RH"
        )
        expect(page.get_by_text(written)).to_be_visible()
        assert _fits(page)
        _shot(page, f"preparation-{size}-{language}")
        page.get_by_text(written).click()
        page.locator("form button[type=submit]").last.click()
        _shot(page, f"preparation-answered-{size}-{language}")
    finally:
        context.close()
