"""A pair's life in a real browser: charter, agenda, session, feedback; axe-core
on every page. Selectors use form actions and field names, so the test reads
the same in both languages."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from binome.pairs import services
from binome.pairs.models import Feedback, Meeting
from conftest import assert_accessible

pytestmark = pytest.mark.browser


def _log_in(page, email):
    page.goto("/compte/connexion/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill("mot-de-passe-solide")
    page.locator("form button[type=submit]").last.click()
    expect(page).not_to_have_url("/compte/connexion/")


def _submit(page, action_suffix):
    page.locator(f"form[action$='{action_suffix}'] button[type=submit]").first.click()


def test_a_pair_accepts_prepares_holds_and_reviews_a_session(
    page, browser, live_server, pair
):
    # The real clock runs here: the programme runs around today, and the
    # first session starts this minute, so that it can be logged as held.
    programme = pair.programme
    programme.start_date = timezone.localdate() - datetime.timedelta(days=60)
    programme.end_date = timezone.localdate() + datetime.timedelta(days=60)
    programme.save()
    services.plan_meetings(
        pair=pair, first_at=timezone.localtime().replace(second=0, microsecond=0)
    )
    meeting = pair.meetings.first()
    workspace = f"/binomes/{pair.pk}/"
    charter = f"/binomes/{pair.pk}/charte/"
    meeting_url = f"/binomes/{pair.pk}/seances/{meeting.pk}/"

    # Bernard (the mentee) accepts the charter and prepares the agenda.
    _log_in(page, "bernard@test.example")
    page.goto(workspace)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bernard Lemoine")
    assert_accessible(page)
    page.goto(charter)
    assert_accessible(page)
    _submit(page, "/charte/accepter/")
    expect(page.locator("form[action$='/charte/accepter/']")).to_have_count(0)
    page.goto(meeting_url)
    assert_accessible(page)
    page.locator("#agenda textarea[name=text], #agenda input[name=text]").fill(
        "Comment écrire un bon prompt ?"
    )
    page.locator("#agenda select[name=kind]").select_option("question")
    url_before = page.url
    _submit(page, "/ordre-du-jour/")
    expect(page.locator("#agenda ol")).to_contain_text("Comment écrire un bon prompt ?")
    assert page.url == url_before  # added in place with htmx
    assert_accessible(page)

    # Camille (the mentor) accepts too, then they hold the session.
    other = browser.new_context(locale="fr-FR", base_url=live_server.url)
    camille = other.new_page()
    _log_in(camille, "camille@test.example")
    camille.goto(charter)
    _submit(camille, "/charte/accepter/")
    expect(camille.locator(".status-running")).to_be_visible()
    assert_accessible(camille)
    camille.goto(meeting_url)
    camille.locator("#notes input[name=icebreaker]").fill("Retour de vacances")
    camille.locator("#notes textarea[name=notes]").fill(
        "Prompt : rôle, contexte, format."
    )
    camille.locator("#notes textarea[name=mentor_learned]").fill("Lire un P&L")
    camille.locator("#notes textarea[name=mentee_learned]").fill("Structurer un prompt")
    _submit(camille, "/notes/")
    expect(camille.locator("#notes textarea[name=notes]")).to_have_value(
        "Prompt : rôle, contexte, format."
    )
    camille.locator("#actions input[name=text]").fill("Tester trois prompts")
    camille.locator("#actions select[name=owner]").select_option(str(pair.mentee_id))
    camille.locator("#actions input[name=due_date]").fill(
        (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    )
    _submit(camille, "/actions/")
    expect(camille.locator("#actions ul")).to_contain_text("Tester trois prompts")
    camille.locator("input[name=held][value='1']").check()
    camille.locator("input[name=minutes]").fill("35")
    _submit(camille, "/bilan/")
    expect(camille.locator("#feedback")).to_be_visible()
    assert_accessible(camille)

    # Both leave their own feedback.
    for browser_page, rating in ((camille, "5"), (page, "4")):
        browser_page.goto(meeting_url)
        browser_page.locator(f"input[name=rating][value='{rating}']").check()
        browser_page.locator("input[name=useful][value='1']").check()
        browser_page.locator("#feedback textarea[name=comment]").fill("Très utile")
        _submit(browser_page, "/avis/")
        expect(browser_page.locator("#feedback")).to_contain_text(f"{rating}/5")
        assert_accessible(browser_page)
    other.close()

    meeting.refresh_from_db()
    assert (meeting.status, meeting.held_minutes) == (Meeting.Status.HELD, 35)
    assert meeting.notes == "Prompt : rôle, contexte, format."
    assert meeting.action_items.get().owner == pair.mentee
    assert sorted(Feedback.objects.values_list("rating", flat=True)) == [4, 5]
    pair.charter.refresh_from_db()
    assert pair.charter.is_accepted
    page.goto(f"/binomes/{pair.pk}/progres/")
    expect(page.get_by_text("Structurer un prompt")).to_be_visible()
    assert_accessible(page)
