"""The café virtuel, the profile wizard with HR-owned data, a correction
request and a withdrawal, walked in a real browser: on a desktop and on a
phone (390 × 844), in French and in English, with axe-core on every page.
Screenshots go to $BINOME_SHOTS when it is set (to look at them)."""

import os
from pathlib import Path

import pytest
from django.core import mail

from binome.people.models import Site
from binome.programs.models import CoffeeChat, ProfileCorrection
from conftest import assert_accessible

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1280, 900), "phone": (390, 844)}


def _check(page, name, tag):
    assert_accessible(page)
    # Nothing of this work is wider than the screen (the site's header and
    # navigation are checked by the phone-first work of the same issue).
    wide = page.evaluate(
        """() => [...document.querySelectorAll('main *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 5)"""
    )
    assert wide == [], f"{name}: {wide}"
    shots = os.environ.get("BINOME_SHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{shots}/{tag}-{name}.png", full_page=True)


def _log_in(browser, live_server, person, size):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": size[0], "height": size[1]},
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "Content Security Policy" in msg.text
            else None
        ),
    )
    page.goto("/compte/connexion/")
    page.locator("input[name=login]").fill(person.email)
    page.locator("input[name=password]").fill("mot-de-passe-solide")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    return context, page, errors


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_cafe_wizard_correction_and_withdrawal(
    browser, live_server, cohort, people, org, recruiting, language, device
):
    size = VIEWPORTS[device]
    tag = f"{language}-{device}"
    for person in people.values():
        person.user.language = language
        person.user.save()
    Site.objects.create(organisation=org, name="Lyon Part-Dieu")
    camille, bernard, odile = people["camille"], people["bernard"], people["odile"]
    camille.phone = "06 12 34 56 78"
    camille.save()
    mail.outbox.clear()

    # The mentee invites Camille at one of their common times.
    context, page, errors = _log_in(browser, live_server, bernard, size)
    page.goto(f"/programmes/inscriptions/{cohort['bernard'].pk}/cafe/")
    _check(page, "1-cafe-mentee", tag)
    card = page.locator("li.card", has_text="Camille")
    card.locator("input[name=slot]").first.check()
    card.locator("textarea[name=message]").fill("Jeudi ?")
    card.locator("button[type=submit]").click()
    page.wait_for_load_state()
    _check(page, "2-cafe-invited", tag)
    chat = CoffeeChat.objects.get()
    assert chat.starts_at is not None
    invitation = mail.outbox[-1]
    assert invitation.to == ["camille@test.example"]
    assert invitation.attachments[0][0] == "cafe-virtuel.ics"
    assert "camille@test.example" not in page.content()
    assert errors == []
    context.close()

    # Camille accepts and sees Bernard's address.
    context, page, errors = _log_in(browser, live_server, camille, size)
    page.goto(f"/programmes/inscriptions/{cohort['camille'].pk}/cafe/")
    _check(page, "3-cafe-mentor", tag)
    page.locator("button[name=answer][value=accept]").click()
    page.wait_for_load_state()
    assert "mailto:bernard@test.example" in page.content()
    _check(page, "4-cafe-accepted", tag)

    # The wizard resumes where Camille stopped: her site is missing.
    page.goto(f"/programmes/inscriptions/{cohort['camille'].pk}/profil/")
    assert page.url.endswith("/profil/job/")
    assert page.locator("select[name=site]").count() == 1
    assert page.locator("[name=level]").count() == 0
    _check(page, "5-wizard-job", tag)

    # « My account » shows the same facts, read-only.
    page.goto("/compte/")
    assert page.locator("main select, main input[type=text]").count() == 0
    _check(page, "5b-account", tag)

    # She asks HR to correct her level.
    page.locator("a[href='/programmes/inscriptions/donnees-rh/']").first.click()
    page.wait_for_load_state()
    _check(page, "6-hr-data", tag)
    page.locator("select[name=field]").select_option("level")
    page.locator("input[name=proposed_value]").fill("2")
    page.locator("textarea[name=comment]").fill("Promue en mars")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    _check(page, "7-hr-data-asked", tag)
    assert ProfileCorrection.objects.get().status == "open"
    assert errors == []
    context.close()

    # Odile sees it on the programme and accepts it.
    context, page, errors = _log_in(browser, live_server, odile, size)
    page.goto(f"/programmes/{recruiting.slug}/")
    assert page.locator(f"a[href='/programmes/{recruiting.slug}/corrections/']").count()
    _check(page, "8-programme-banner", tag)
    page.goto(f"/programmes/{recruiting.slug}/corrections/")
    _check(page, "9-corrections", tag)
    page.locator("input[name=decision][value=accept]").check()
    page.locator("select[name=value]").select_option("2")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    _check(page, "10-corrections-done", tag)
    camille.refresh_from_db()
    assert camille.level == 2
    assert errors == []
    context.close()

    # Camille withdraws and is told by e-mail.
    context, page, errors = _log_in(browser, live_server, camille, size)
    page.goto(f"/programmes/inscriptions/{cohort['camille'].pk}/retrait/")
    _check(page, "11-withdraw", tag)
    page.locator("input[name=confirm]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    confirmation = [m for m in mail.outbox if m.subject.endswith("« Vague 2027 »")]
    assert [m.to for m in confirmation][-2:] == [
        ["camille@test.example"],
        ["odile@test.example"],
    ]
    assert errors == []
    context.close()
    shots = os.environ.get("BINOME_SHOTS")
    if shots:
        with open(f"{shots}/{tag}-emails.txt", "w") as out:
            for m in mail.outbox:
                out.write(f"To: {m.to}\nSubject: {m.subject}\n\n{m.body}\n")
                for name, content, mimetype in m.attachments:
                    out.write(f"[{name} {mimetype}]\n{content}\n")
                out.write("-" * 60 + "\n")
