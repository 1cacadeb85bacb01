"""A confidential concern in a real browser (#18): the mentee raises one from
the pair's workspace, checks it, sends it and reads what happens next; the
manager finds it on the home page and opens it. At 1280 px and on a phone
(390 × 844): axe-core clean, no CSP violation, nothing sticking out. The
partner's workspace says nothing of it."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from binome.pairs.models import Concern
from binome.tests.test_phone_browser import DESKTOP, PHONE, Walk

pytestmark = pytest.mark.browser

TEXT = "BROWSER-CONCERN : propos blessants en séance 😟 <b>pas du HTML</b>"


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_mentee_raises_a_concern_from_the_pair_page(browser, live_server, pair, size):
    mentee = Walk(browser, live_server, viewport=size)
    page = mentee.page
    try:
        mentee.log_in("bernard@test.example")
        page.goto(reverse("pairs:workspace", args=[pair.pk]))
        assert mentee.problems() == []
        page.get_by_role("link", name="Faire un signalement confidentiel").click()
        expect(page.locator("h1")).to_have_text("Faire un signalement confidentiel")
        assert mentee.problems() == []

        # Empty: the errors come back next to the fields, nothing is sent.
        page.get_by_role("button", name="Relire avant l’envoi").click()
        expect(page.locator(".field-error").first).to_be_visible()
        assert mentee.problems() == []
        assert not Concern.objects.exists()

        page.get_by_label("Respect").check()
        page.get_by_label("Ce qui s’est passé").fill(TEXT)
        page.get_by_label(
            "Je souhaite être contacté·e par l’équipe du programme"
        ).check()
        page.get_by_role("button", name="Relire avant l’envoi").click()
        expect(page.locator("h1")).to_have_text(
            "Envoyer ce signalement à l’équipe du programme ?"
        )
        expect(page.locator("main")).to_contain_text("<b>pas du HTML</b>")
        assert mentee.problems() == []
        assert not Concern.objects.exists()

        page.get_by_role("button", name="Envoyer à l’équipe du programme").click()
        expect(page.locator("h1")).to_have_text("Votre signalement")
        expect(page.locator("main")).to_contain_text("Reçu")
        expect(page.locator("main")).to_contain_text("Et ensuite ?")
        assert mentee.problems() == []
        concern = Concern.objects.get()
        assert (concern.category, concern.text, concern.wants_contact) == (
            "respect",
            TEXT,
            True,
        )
    finally:
        mentee.context.close()

    partner = Walk(browser, live_server, viewport=size)
    try:
        partner.log_in("camille@test.example")
        partner.page.goto(reverse("pairs:workspace", args=[pair.pk]))
        expect(partner.page.locator("main")).not_to_contain_text("BROWSER-CONCERN")
        expect(partner.page.locator("main")).not_to_contain_text("Suivre votre")
        # The mentor's own block instead: « Votre contribution ».
        expect(partner.page.locator("#contribution")).to_be_visible()
        assert partner.problems() == []
    finally:
        partner.context.close()

    manager = Walk(browser, live_server, viewport=size)
    try:
        manager.log_in("odile@test.example")
        manager.page.goto("/")
        todo = manager.page.locator("[data-todo=concerns]")
        expect(todo).to_contain_text("1 signalement confidentiel attend une réponse")
        todo.get_by_role("link", name="Lire et répondre").click()
        expect(manager.page.locator("h1")).to_have_text("Signalements confidentiels")
        assert manager.problems() == []
        manager.page.locator("table a").first.click()
        expect(manager.page.locator("main")).to_contain_text("BROWSER-CONCERN")
        assert manager.problems() == []
    finally:
        manager.context.close()


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_line_manager_reads_what_a_mentor_shared(
    browser, live_server, pair, people, size
):
    from binome.pairs import recognition
    from binome.pairs.models import Meeting
    from binome.programs.models import Programme

    camille = people["camille"]
    camille.manager = people["victor"]
    camille.save()
    Meeting.objects.create(
        pair=pair, starts_at=timezone.now(), status="held", held_minutes=75
    )
    recognition.set_share(enrolment=pair.mentor, shared=True)
    Programme.objects.filter(pk=pair.mentor.programme_id).update(
        status=Programme.Status.CLOSED
    )
    mentor = Walk(browser, live_server, viewport=size)
    try:
        mentor.log_in("camille@test.example")
        mentor.page.goto(reverse("pairs:list"))
        expect(mentor.page.locator("#contribution")).to_contain_text("1,3")
        assert mentor.problems() == []
    finally:
        mentor.context.close()
    manager = Walk(browser, live_server, viewport=size)
    try:
        manager.log_in("victor@test.example")
        manager.page.goto("/")
        manager.page.get_by_role("link", name="Voir leur contribution").click()
        expect(manager.page.locator("table")).to_contain_text("Camille Rivière")
        assert manager.problems() == []
    finally:
        manager.context.close()
