"""A check-in in a real browser, on a phone (#18): the mentee answers in a
minute from the home page, 390 px wide and accessible; the manager then sees
the pair's signal and the question that drove it, never the answers."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from binome.pairs.models import PulseCheckIn
from conftest import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def _log_in(page, email):
    page.goto("/compte/connexion/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("mot-de-passe-solide")
    page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url("/compte/connexion/")


def _fits(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth + 1"
    )


def test_a_mentee_answers_on_a_phone_and_the_manager_sees_the_signal(
    page, browser, live_server, pair
):
    # The real clock runs here: the pair started 31 days ago, its first
    # check-in is open.
    pair.started_on = timezone.localdate() - datetime.timedelta(days=31)
    pair.save()
    page.set_viewport_size(PHONE)
    _log_in(page, "bernard@test.example")
    page.goto("/")
    checkin = reverse("pairs:checkin", args=[pair.pk])
    page.locator(f"a[href='{checkin}']").first.click()
    expect(page).to_have_url(live_server.url + checkin)
    expect(page.locator("fieldset legend")).to_have_count(3)
    assert _fits(page)
    assert_accessible(page)
    # The keyboard alone answers the first question: Tab to it, arrows move.
    page.locator("input[name=useful]").first.focus()
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(page.locator("input[name=useful][value='4']")).to_be_checked()
    page.locator("input[name=rhythm][value='3']").check()
    page.locator("input[name=safety][value='1']").check()
    page.locator("textarea[name=comment]").fill("PRIVATE-PULSE-BROWSER 🙂")
    page.locator("form.pulse button[type=submit]").click()
    expect(page).to_have_url(live_server.url + f"/binomes/{pair.pk}/")
    expect(page.locator(f"a[href='{checkin}']")).to_have_count(0)
    answer = PulseCheckIn.objects.get()
    assert (answer.useful, answer.rhythm, answer.safety) == (4, 3, 1)

    manager = browser.new_context(
        locale="fr-FR", base_url=live_server.url, viewport=PHONE
    ).new_page()
    _log_in(manager, "odile@test.example")
    manager.goto(reverse("programme_health", args=[pair.programme.slug]))
    row = manager.locator("table.at-risk tbody tr").first
    expect(row.locator(".signal")).to_have_text("À risque")
    expect(row).to_contain_text("un membre ne se sent pas libre de parler")
    expect(manager.locator("body")).not_to_contain_text("PRIVATE-PULSE-BROWSER")
    assert_accessible(manager)
    manager.context.close()
