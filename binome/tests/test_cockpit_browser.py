"""The manager's cockpit from end to end (issue #19's acceptance): Odile
publishes a round (the confirmation first), follows a pair at risk from her
home to its nudge and sends it, closes the programme (the preview first);
the mentor then downloads the certificate. Every page is checked at 1280 px
and on a phone (390 × 844): axe-core clean, no CSP violation, nothing
sticking out. ``SHOTS=/tmp/dir`` saves a screenshot of each step.

Browser tests run on the real clock: the programme is set around today, and
the time a pair takes to drift is simulated by moving its start back."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from binome.accounts.models import AuditEvent
from binome.pairs.models import Certificate, Pair
from binome.programs.models import Programme
from binome.tests.cohorts import run_round, two_pair_cohort
from binome.tests.test_phone_browser import DESKTOP, PHONE, Walk, _shot

pytestmark = pytest.mark.browser


@pytest.fixture
def matched(recruiting, people):
    """Two mentors and two mentees accepted, dates around today, a round run:
    Camille (LinkedIn) with Bernard, Inès (data visualisation) with Victor."""
    today = timezone.localdate()
    recruiting.start_date = today - datetime.timedelta(days=1)
    recruiting.end_date = today + datetime.timedelta(days=90)
    recruiting.save()
    two_pair_cohort(recruiting, people)
    round_ = run_round(recruiting, people["odile"].user)
    assert len(round_.pairs) == 2
    return round_


def _fine(walk, name):
    """The page shown now, at both widths: no problem, a screenshot."""
    for size in (DESKTOP, PHONE):
        walk.page.set_viewport_size(size)
        walk.width = size["width"]
        assert walk.problems() == [], (name, size["width"])
        _shot(walk.page, f"cockpit-{name}-{size['width']}")
    walk.page.set_viewport_size(DESKTOP)
    walk.width = DESKTOP["width"]


def test_publish_follow_nudge_close_then_the_mentor_downloads(
    browser, live_server, matched, people
):
    programme = matched.programme
    walk = Walk(browser, live_server, viewport=DESKTOP)
    page = walk.page
    try:
        walk.log_in("odile@test.example")

        # Publish: who is told, then confirm. Nothing is created before.
        page.goto(f"/programmes/{programme.slug}/appariement/{matched.number}/")
        mail.outbox.clear()
        page.get_by_role("link", name="Publier ces binômes").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Publier les binômes du tour {matched.number} ?"
        )
        expect(page.locator("main")).to_contain_text("4 personnes reçoivent un e-mail")
        _fine(walk, "publish-preview")
        assert not Pair.objects.exists()
        assert mail.outbox == []
        page.get_by_role(
            "button", name="Publier 2 binômes et envoyer les e-mails"
        ).click()
        expect(page.get_by_role("status")).to_contain_text("2 binômes sont publiés")
        assert Pair.objects.active().count() == 2
        assert len(mail.outbox) == 4
        programme.refresh_from_db()
        assert programme.status == Programme.Status.RUNNING

        # Weeks later, Camille and Bernard's pair has gone quiet: it never
        # held a session nor accepted its charter.
        quiet = Pair.objects.get(mentor__person=people["camille"])
        Pair.objects.filter(pk=quiet.pk).update(
            started_on=timezone.localdate() - datetime.timedelta(days=45)
        )

        # The home says a pair needs a hand and leads to the nudge.
        page.goto("/")
        at_risk = page.locator("[data-todo=at_risk]")
        expect(at_risk).to_contain_text("Camille")
        _fine(walk, "home")
        at_risk.locator(".todo-details a").first.click()
        expect(page.locator("h1")).to_have_text("Une relance bienveillante au binôme")
        page.locator("textarea[name=message_fr]").fill(
            "Bonjour à vous deux,\nOù en êtes-vous ? Un café la semaine prochaine ?"
        )
        _fine(walk, "nudge-form")
        mail.outbox.clear()
        page.get_by_role("button", name="Prévisualiser les e-mails").click()
        expect(page.locator(".email-preview").first).to_contain_text(
            "Un café la semaine prochaine ?"
        )
        _fine(walk, "nudge-preview")
        assert mail.outbox == []
        page.get_by_role("button", name="Envoyer aux deux").click()
        expect(page.locator("h1")).to_have_text("Santé du programme")
        _fine(walk, "health")
        assert sorted(m.to[0] for m in mail.outbox) == [
            "bernard@test.example",
            "camille@test.example",
        ]
        # Kind, and it never gives the risk away.
        assert all("Un café" in m.body for m in mail.outbox)
        assert not any("risque" in m.body or "inactiv" in m.body for m in mail.outbox)
        assert AuditEvent.objects.filter(action="pair_nudged").count() == 1

        # Close: the preview says it is early and who is told; then confirm.
        page.goto(f"/indicateurs/{programme.slug}/cloture/")
        expect(page.get_by_role("alert")).to_contain_text("avant la date de fin")
        _fine(walk, "closing-preview")
        programme.refresh_from_db()
        assert programme.status == Programme.Status.RUNNING
        page.get_by_role(
            "button", name="Clôturer en avance et archiver le programme"
        ).click()
        expect(page.get_by_text("Le programme est clôturé et archivé")).to_be_visible()
        _fine(walk, "closed")
        programme.refresh_from_db()
        assert programme.status == Programme.Status.CLOSED
        assert not Pair.objects.active().exists()
        assert Certificate.objects.count() == 2
    finally:
        walk.context.close()

    # The mentor finds the certificate in her space and downloads it, on a phone.
    mentor = Walk(browser, live_server, viewport=PHONE)
    try:
        mentor.log_in("camille@test.example")
        mentor.page.goto("/binomes/")
        link = mentor.page.get_by_role(
            "link", name="Votre attestation de participation (PDF)"
        )
        expect(link).to_be_visible()
        assert mentor.problems() == []
        _shot(mentor.page, "cockpit-mentor-pairs-390")
        with mentor.page.expect_download() as download:
            link.click()
        certificate = Certificate.objects.get(enrolment__person=people["camille"])
        assert (
            download.value.suggested_filename == f"certificat-{certificate.number}.pdf"
        )
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    finally:
        mentor.context.close()
