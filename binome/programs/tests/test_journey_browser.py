"""A new volunteer's whole journey in a real browser, with axe-core on every page."""

import pytest
from playwright.sync_api import expect

from binome.people.models import Site
from binome.programs.models import Enrolment, Goal
from binome.skills.models import Assessment, Skill
from conftest import assert_accessible

pytestmark = pytest.mark.browser


def _log_in(page, email):
    page.goto("/compte/connexion/")
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").click()


def test_invitation_to_goals_with_javascript(
    page, recruiting, people, org, departments
):
    Site.objects.create(organisation=org, name="Lyon Part-Dieu")
    xavier = people["xavier"]  # a confirmed professional in Finance: a mentor
    xavier.availability = []
    xavier.save()
    _log_in(page, "xavier@test.example")

    # Invitation and consent
    page.goto(f"/programmes/rejoindre/{recruiting.invitation_token()}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Rejoindre")
    expect(page.get_by_text("Qui voit quoi")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Mentor", exact=True).check()
    page.get_by_role("button", name="Je me porte volontaire").click()
    expect(page.locator(".field-error")).to_contain_text("donner votre consentement")
    page.get_by_label("Mentor", exact=True).check()
    page.get_by_label("J'ai lu la notice").check()
    page.get_by_role("button", name="Je me porte volontaire").click()

    # Profile wizard
    expect(page.get_by_role("heading", level=1)).to_have_text("Votre profil")
    assert_accessible(page)
    # His department comes from HR: read, not chosen; his site is missing.
    expect(page.get_by_text("Selon votre dossier RH")).to_be_visible()
    expect(page.get_by_label("Direction")).to_have_count(0)
    page.get_by_label("Site").select_option(label="Lyon Part-Dieu")
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Étape 2 sur 4")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Espagnol").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Étape 3 sur 4")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("mardi matin").check()
    page.get_by_label("jeudi après-midi").check()
    page.get_by_role("button", name="Enregistrer et continuer").click()
    expect(page.get_by_text("Étape 4 sur 4")).to_be_visible()
    page.get_by_label("Vos centres d'intérêt").fill("jazz, escalade")
    page.get_by_role("button", name="Enregistrer mon profil").click()

    # Self-assessment
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Auto-évaluation des compétences"
    )
    assert_accessible(page)
    # Level 2 on every skill (« Indépendant » on the CRCN's scale, « En pratique »
    # on the leadership skills' own).
    for group in page.locator("fieldset.rating").all():
        group.locator('input[type="radio"][value="2"]').check()
    page.get_by_role("button", name="Enregistrer mon auto-évaluation").click()

    # Wishes
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ce que vous voulez apprendre et transmettre"
    )
    assert_accessible(page)
    page.get_by_label("Prise de parole en public").select_option(label="Essentiel")
    page.get_by_label("Data visualisation (Tableau, Power BI)").check()
    page.get_by_role("button", name="Enregistrer mes choix").click()

    # Goals, added in place with htmx
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos objectifs")
    assert_accessible(page)
    page.get_by_role("button", name="Ajouter cet objectif").click()
    expect(page.locator("#goal-form .field-error").first).to_have_text(
        "Ce champ est obligatoire."
    )
    page.get_by_label("Objectif", exact=True).fill("Prendre la parole en comité")
    page.get_by_label("Cible mesurable").fill("Présenter 2 fois en comité de direction")
    page.get_by_label("Échéance").fill("2027-04-30")
    url_before = page.url
    page.get_by_role("button", name="Ajouter cet objectif").click()
    expect(page.locator("#goal-list")).to_contain_text(
        "Présenter 2 fois en comité de direction"
    )
    assert page.url == url_before  # no full page load
    expect(page.get_by_label("Cible mesurable")).to_have_value("")
    assert_accessible(page)

    enrolment = Enrolment.objects.get(person=xavier)
    xavier.refresh_from_db()
    assert enrolment.status == "volunteered" and enrolment.consent_at
    assert xavier.is_profile_complete and xavier.availability == ["tue-am", "thu-pm"]
    assert set(Assessment.objects.get(person=xavier).levels().values()) == {2}
    due_date = Goal.objects.get(enrolment=enrolment).due_date
    assert due_date is not None and due_date.isoformat() == "2027-04-30"
    assert enrolment.skill_wishes.count() == 2


def test_goal_form_works_without_javascript(page_without_js, recruiting, people):
    from binome.programs import services

    enrolment = services.volunteer(
        programme=recruiting, person=people["bernard"], role="mentee", consent=True
    )
    page = page_without_js
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill("bernard@test.example")
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"/programmes/inscriptions/{enrolment.pk}/objectifs/?exemple=0")
    expect(page.get_by_label("Cible mesurable")).to_have_value(
        "Publier un post LinkedIn par semaine"
    )
    page.get_by_label("Échéance").fill("2027-02-01")
    page.get_by_role("button", name="Ajouter cet objectif").click()
    expect(page.get_by_role("status")).to_contain_text("Votre objectif est enregistré.")
    expect(page.locator("#goal-list")).to_contain_text("Publier un post LinkedIn")
    goal = Goal.objects.get()
    assert goal.skill == Skill.objects.get(code="linkedin")
