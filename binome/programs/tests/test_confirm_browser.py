"""The manager's confirmations in a real browser, at desktop and phone widths,
in French and in English, with and without JavaScript: opening recruitment,
declining a volunteer with a personal word, publishing a round. Each page
says what will happen before anything does; axe-core clean.

``BINOME_SHOTS_DIR=/tmp/dir`` saves a screenshot of each confirmation page."""

import os
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from binome.matching import rounds
from binome.pairs.models import Pair
from binome.programs import services
from binome.programs.models import Enrolment, Programme
from binome.skills.models import Skill
from conftest import assert_accessible

pytestmark = pytest.mark.browser

WORD = "Merci <b>Camille</b> ! À la prochaine vague 🙂"

TEXT = {
    "fr": {
        "open": "Passer à « Recrutement »",
        "open_title": "Passer à « Recrutement » ?",
        "status": "Recrutement",
        "decline": "Ne pas retenir Camille Rivière",
        "decline_title": "Ne pas retenir Camille Rivière ?",
        "word": "Un mot personnel, ajouté à l'e-mail",
        "see": "Voir l'e-mail avec mon mot",
        "send": "Ne pas retenir et envoyer l'e-mail",
        "declined": "n'est pas retenu·e",
        "publish": "Publier ces binômes",
        "publish_title": "Publier les binômes du tour 1 ?",
        "publish_count": "2 personnes reçoivent un e-mail",
        "confirm_publish": "Publier 1 binôme et envoyer les e-mails",
        "published": "1 binôme est publié",
    },
    "en": {
        "open": "Move to « Recruiting »",
        "open_title": "Move to « Recruiting »?",
        "status": "Recruiting",
        "decline": "Decline Camille Rivière",
        "decline_title": "Decline Camille Rivière?",
        "word": "A personal word, added to the e-mail",
        "see": "See the e-mail with my word",
        "send": "Decline and send the e-mail",
        "declined": "is declined and told by e-mail",
        "publish": "Publish these pairs",
        "publish_title": "Publish the pairs of round 1?",
        "publish_count": "2 people receive an e-mail",
        "confirm_publish": "Publish 1 pair and send the e-mails",
        "published": "1 pair is published",
    },
}


def _programme(org, people, slug, status):
    programme = Programme.objects.create(
        organisation=org, name=f"Programme {slug}", slug=slug, status=status
    )
    programme.managers.add(people["odile"].user)
    return programme


def _matched(org, people):
    """A programme in matching with a finished round: Inès → Victor."""
    programme = _programme(org, people, "appariement", Programme.Status.RECRUITING)
    skill = Skill.objects.get(code="dataviz")
    for name, role in (("ines", "mentor"), ("victor", "mentee")):
        enrolment = services.volunteer(
            programme=programme, person=people[name], role=role, consent=True
        )
        enrolment.status = Enrolment.Status.ACCEPTED
        enrolment.save()
        if role == "mentee":
            services.save_wishes(enrolment=enrolment, learn={skill.pk: 3}, teach=[])
    services.save_self_assessment(person=people["ines"], levels={skill.pk: 4})
    round_ = rounds.start_round(programme=programme, by=people["odile"].user)
    rounds.run_matching_round.call(round_.pk)
    return programme


@pytest.mark.parametrize(
    ("language", "width", "height", "javascript"),
    [
        ("fr", 1280, 900, True),
        ("fr", 390, 844, True),
        ("en", 1280, 900, True),
        ("en", 390, 844, False),
    ],
)
def test_the_manager_confirms_before_acting_on_people(
    browser, live_server, org, people, recruiting, language, width, height, javascript
):
    text = TEXT[language]
    shots = os.environ.get("BINOME_SHOTS_DIR")
    shots_dir = Path(shots) if shots else None
    if shots_dir:
        shots_dir.mkdir(parents=True, exist_ok=True)

    def check(name):
        # axe-core runs in the page: only with JavaScript.
        if javascript:
            assert_accessible(page)
            # Nothing scrolls sideways, even on a phone.
            scroll, window = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            assert scroll <= window, name
        if shots_dir:
            page.screenshot(
                path=str(shots_dir / f"{name}-{language}-{width}.png"), full_page=True
            )

    draft = _programme(org, people, "brouillon", Programme.Status.DRAFT)
    candidate = services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )
    matched = _matched(org, people)
    context = browser.new_context(
        locale="fr-FR",
        base_url=live_server.url,
        viewport={"width": width, "height": height},
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("odile@test.example")
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url("**/connexion/")
    if language == "en":
        page.locator(".lang-switch button[value=en]").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")

    # Opening recruitment: what it does, then the step.
    page.goto(f"/programmes/{draft.slug}/")
    page.get_by_role("button", name=text["open"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["open_title"])
    check("status")
    draft.refresh_from_db()
    assert draft.status == Programme.Status.DRAFT
    page.get_by_role("button", name=text["open"]).click()
    expect(page.locator(".status")).to_have_text(text["status"])

    # Declining a volunteer: the e-mail first, with a personal word.
    mail.outbox.clear()
    page.goto(f"/programmes/{recruiting.slug}/casting/")
    page.get_by_role("button", name=text["decline"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["decline_title"])
    page.get_by_label(text["word"]).fill(WORD)
    page.get_by_role("button", name=text["see"]).click()
    expect(page.locator(".email-preview pre")).to_contain_text(WORD)
    check("decline")
    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.VOLUNTEERED and mail.outbox == []
    page.get_by_role("button", name=text["send"]).click()
    expect(page.get_by_role("status")).to_contain_text(text["declined"])
    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.DECLINED
    assert len(mail.outbox) == 1 and WORD in mail.outbox[0].body

    # Publishing: the pairs and who is e-mailed, then the publication.
    mail.outbox.clear()
    page.goto(f"/programmes/{matched.slug}/appariement/1/")
    page.get_by_role("link", name=text["publish"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(text["publish_title"])
    expect(page.locator("main")).to_contain_text(text["publish_count"])
    expect(page.locator("main")).to_contain_text("Victor Hugo")
    check("publish")
    assert not Pair.objects.exists() and mail.outbox == []
    page.get_by_role("button", name=text["confirm_publish"]).click()
    expect(page.get_by_role("status")).to_contain_text(text["published"])
    assert Pair.objects.count() == 1 and len(mail.outbox) == 2
    context.close()


def test_round_and_link_confirmations_read_well_on_a_phone(
    browser, live_server, org, people, recruiting
):
    """Starting the first round (recruitment closes), removing a pair and
    replacing the invitation link each say what they do first."""
    shots = os.environ.get("BINOME_SHOTS_DIR")
    matched = _matched(org, people)
    services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )
    context = browser.new_context(
        locale="fr-FR", base_url=live_server.url, viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("odile@test.example")
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").click()
    expect(page).not_to_have_url("**/connexion/")

    def check(name):
        assert_accessible(page)
        scroll, window = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        assert scroll <= window, name
        if shots:
            page.screenshot(path=f"{shots}/{name}-fr-390.png", full_page=True)

    page.goto(f"/programmes/{recruiting.slug}/appariement/")
    page.get_by_role("button", name="Lancer l'appariement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Lancer l'appariement ?")
    expect(page.locator("main")).to_contain_text("Le recrutement se ferme")
    check("round-start")
    recruiting.refresh_from_db()
    assert recruiting.status == Programme.Status.RECRUITING

    page.goto(f"/programmes/{matched.slug}/appariement/1/")
    page.get_by_role("button", name="Retirer Inès Benhamou → Victor Hugo").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Retirer le binôme")
    check("round-remove")
    page.get_by_role("button", name="Retirer ce binôme").click()
    expect(page.get_by_role("status")).to_contain_text("retiré de cette proposition")

    page.goto(f"/programmes/{recruiting.slug}/invitations/")
    nonce = recruiting.invitation_nonce
    page.get_by_role("button", name="Remplacer le lien").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remplacer le lien d'invitation ?"
    )
    check("revoke")
    recruiting.refresh_from_db()
    assert recruiting.invitation_nonce == nonce
    page.get_by_role("button", name="Remplacer le lien").click()
    expect(page.get_by_role("status")).to_contain_text("ne fonctionne plus")
    recruiting.refresh_from_db()
    assert recruiting.invitation_nonce != nonce
    context.close()
