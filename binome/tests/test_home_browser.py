"""The home's to-do list in a browser, for each role, at 1280 px and on a
phone (390 × 844), in French and English: it fits, it is axe-core clean, with
no CSP violation; and the manager follows a pair at risk from the home to
its nudge, previews it and sends it.

``SHOTS=/tmp/dir`` saves a screenshot of each home."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from binome.tests.test_phone_browser import DESKTOP, PASSWORD, PHONE, Walk, _shot

pytestmark = pytest.mark.browser


@pytest.fixture
def todo_story(db, pair, pilot, people, enrolments, recruiting, django_user_model):
    """Around the real clock: the pilot runs, Camille and Bernard's pair went
    quiet (at risk), a session is in three days with an empty agenda, one
    was yesterday and is not logged; a mentor candidate waits in the next
    programme; Sophie sponsors the pilot."""
    from binome.pairs.models import Meeting, Pair
    from binome.programs.models import Enrolment

    today = timezone.localdate()
    pilot.start_date = today - datetime.timedelta(days=60)
    pilot.end_date = today + datetime.timedelta(days=40)
    pilot.save()
    Pair.objects.filter(pk=pair.pk).update(
        started_on=today - datetime.timedelta(days=45)
    )
    now = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)
    Meeting.objects.create(pair=pair, starts_at=now + datetime.timedelta(days=3))
    Meeting.objects.create(pair=pair, starts_at=now - datetime.timedelta(days=1))
    Enrolment.objects.create(
        programme=recruiting,
        person=people["xavier"],
        role=Enrolment.Role.MENTOR,
        status=Enrolment.Status.VOLUNTEERED,
        consent_at=timezone.now(),
        consent_version="test",
    )
    sponsor = django_user_model.objects.create_user(
        email="sophie@test.example",
        password=PASSWORD,
        first_name="Sophie",
        last_name="Garnier",
    )
    pilot.sponsors.add(sponsor)
    return pair


ROLES = {
    "manager": ("odile@test.example", ["casting", "at_risk"]),
    "mentor": ("camille@test.example", ["charter", "agenda", "log", "reassessment"]),
    "mentee": ("bernard@test.example", ["charter", "agenda", "log", "reassessment"]),
    "sponsor": ("sophie@test.example", ["results"]),
}


@pytest.mark.parametrize("locale", ["fr", "en"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_every_roles_home_says_what_to_do_and_fits(
    browser, live_server, todo_story, viewport, locale
):
    report = {}
    for role, (email, expected) in ROLES.items():
        walk = Walk(browser, live_server, viewport=viewport, locale=locale)
        try:
            walk.log_in(email)
            page = walk.page
            page.goto("/")
            todo = page.locator("#todo-title")
            expect(todo).to_have_text(
                "Vos prochaines étapes" if locale == "fr" else "What to do next"
            )
            shown = page.eval_on_selector_all(
                "[data-todo]", "items => items.map(i => i.dataset.todo)"
            )
            assert set(expected) <= set(shown), (role, shown)
            _shot(page, f"home-{role}-{locale}-{walk.width}")
            if problems := walk.problems():
                report[role] = problems
        finally:
            walk.context.close()
    assert report == {}


def test_the_manager_follows_a_pair_at_risk_to_its_nudge_and_sends_it(
    browser, live_server, todo_story
):
    walk = Walk(browser, live_server, viewport=DESKTOP)
    try:
        walk.log_in("odile@test.example")
        page = walk.page
        page.goto("/")
        page.locator("[data-todo=at_risk] .todo-details a").first.click()
        expect(page.locator("h1")).to_have_text("Une relance bienveillante au binôme")
        message = page.locator("textarea[name=message_fr]")
        expect(message).to_contain_text(
            "Je prends un moment pour prendre de vos nouvelles"
        )
        message.fill("Bonjour à vous deux,\nUn café la semaine prochaine ? Odile")
        _shot(page, "nudge-form-fr-1280")
        assert walk.problems() == []
        mail.outbox.clear()
        page.get_by_role("button", name="Prévisualiser les e-mails").click()
        expect(page.locator("#preview-title")).to_be_visible()
        expect(page.locator(".email-preview").first).to_contain_text(
            "Un café la semaine prochaine ?"
        )
        _shot(page, "nudge-preview-fr-1280")
        assert walk.problems() == []
        assert mail.outbox == []
        page.get_by_role("button", name="Envoyer aux deux").click()
        expect(page.locator("h1")).to_have_text("Santé du programme")
        expect(page.locator(".messages, [role=status]").first).to_contain_text(
            "Votre relance part pour"
        )
        expect(page.locator("a[href$='/relance/']").first).to_be_visible()
        _shot(page, "health-after-nudge-fr-1280")
        assert walk.problems() == []
        assert sorted(m.to[0] for m in mail.outbox) == [
            "bernard@test.example",
            "camille@test.example",
        ]
    finally:
        walk.context.close()


def test_the_nudge_works_on_a_phone_without_javascript(
    browser, live_server, todo_story
):
    context = browser.new_context(
        locale="fr-FR",
        base_url=live_server.url,
        viewport=PHONE,
        java_script_enabled=False,
    )
    try:
        page = context.new_page()
        page.goto("/compte/connexion/")
        page.locator("input[name=login]").fill("odile@test.example")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.goto(f"/binomes/{todo_story.pk}/relance/")
        page.get_by_role("button", name="Prévisualiser les e-mails").click()
        _shot(page, "nudge-preview-fr-390-nojs")
        mail.outbox.clear()
        page.get_by_role("button", name="Envoyer aux deux").click()
        assert len(mail.outbox) == 2
    finally:
        context.close()
