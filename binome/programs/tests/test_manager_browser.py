"""The manager's cockpit in a real browser, with axe-core on every page:
create a pilot from the template, import a CSV, run the matching, lock a
pair, run again, publish; the pairs then show on the participants' home."""

import pytest
from playwright.sync_api import expect

from binome.accounts.models import User
from binome.matching.models import MatchingRound, PairDecision
from binome.pairs.models import Pair
from binome.people.models import Person
from binome.programs import services
from binome.programs.models import Enrolment, Programme
from conftest import assert_accessible

pytestmark = pytest.mark.browser

CSV = """\ufeffMatricule;Prénom;Nom;E-mail;Direction;Site;Niveau;Langues;Rôle
M1;Lina;Moreau;lina@test.example;Data;Lyon;1;fr;mentor
M2;Hugo;Petit;hugo@test.example;Marketing;Lyon;1;fr;mentor
E1;Anne;Leroy;anne@test.example;Finance;Lyon;5;fr;mentorée
E2;Marc;Girard;marc@test.example;Juridique;Lyon;4;fr;mentoré
"""


def _log_in(page, email):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def test_pilot_from_template_to_published_pairs(page, pilot, people, tmp_path):
    _log_in(page, "odile@test.example")
    assert_accessible(page)
    page.get_by_role("link", name="Nouveau programme").click()
    assert_accessible(page)
    page.get_by_role("link", name="Lancer un pilote").click()
    expect(page.get_by_label("Pilote", exact=True)).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Nom", exact=True).fill("Pilote data 2027")
    page.get_by_label("Nom court").fill("pilote-data-2027")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pilote data 2027")
    assert_accessible(page)
    page.get_by_role("button", name="Passer à « Recrutement »").click()
    # The step says what it does first; nothing changes before the confirmation.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Passer à « Recrutement » ?"
    )
    assert_accessible(page)
    assert Programme.objects.get(slug="pilote-data-2027").status == "draft"
    page.get_by_role("button", name="Passer à « Recrutement »").click()
    expect(page.locator(".status")).to_have_text("Recrutement")

    # Import the HRIS file: preview first, then confirm.
    csv_file = tmp_path / "rh.csv"
    csv_file.write_text(CSV, encoding="utf-8")
    page.get_by_role("link", name="Importer depuis le SIRH").click()
    assert_accessible(page)
    page.get_by_label("Export du SIRH (CSV ou XLSX)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Prévisualiser l'import").click()
    expect(page.locator("dl.facts")).to_contain_text("4")
    assert_accessible(page)
    assert not Person.objects.filter(employee_id="M1").exists()
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("status")).to_contain_text("Import terminé")
    assert_accessible(page)

    # The imported people volunteer (opt-in); the mentors do the preparation
    # module the pilot requires; HR accepts everyone.
    from binome.programs.models import PreparationStep

    programme = Programme.objects.get(slug="pilote-data-2027")
    odile = User.objects.get(email="odile@test.example")
    for person in Person.objects.filter(employee_id__in=["M1", "M2", "E1", "E2"]):
        person.user = User.objects.create_user(
            email=person.email,
            password="mot-de-passe-solide",
            first_name=person.first_name,
        )
        person.save()
        invited = programme.enrolments.get(person=person)
        enrolment = services.volunteer(
            programme=programme, person=person, role=invited.role, consent=True
        )
        if enrolment.role == "mentor":
            for step in PreparationStep.objects.all():
                services.answer_preparation_step(
                    person=person, step=step, choice=step.correct_choice
                )
        services.decide_candidate(enrolment=enrolment, accept=True, by=odile)

    # Run the matching, lock a pair, run again, publish.
    page.goto(f"/programmes/{programme.slug}/appariement/")
    assert_accessible(page)
    page.get_by_role("button", name="Lancer l'appariement").click()
    # The first round closes recruitment: said, then confirmed.
    expect(page.get_by_role("heading", level=1)).to_have_text("Lancer l'appariement ?")
    assert_accessible(page)
    page.get_by_role("button", name="Lancer l'appariement").click()
    expect(page.get_by_role("heading", name="Binômes proposés")).to_be_visible()
    assert_accessible(page)
    first_row = page.locator("table.pairs tbody tr").first
    first_row.get_by_role("button", name="Verrouiller").click()
    expect(page.get_by_role("status")).to_contain_text("Binôme verrouillé")
    lock = PairDecision.objects.get(programme=programme)
    page.get_by_role("button", name="Relancer avec mes verrouillages").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tour d'appariement 2")
    second = MatchingRound.objects.get(programme=programme, number=2)
    assert (lock.mentor_id, lock.mentee_id) in {
        (p["mentor"], p["mentee"]) for p in second.pairs
    }
    assert len(second.pairs) == 2
    assert_accessible(page)
    page.get_by_role("link", name="Publier ces binômes").click()
    # The pairs and who is e-mailed, before anything is created or sent.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Publier les binômes du tour 2 ?"
    )
    expect(page.locator("main")).to_contain_text("4 personnes reçoivent un e-mail")
    assert_accessible(page)
    assert not Pair.objects.exists()
    page.get_by_role("button", name="Publier 2 binômes et envoyer les e-mails").click()
    expect(page.get_by_role("status")).to_contain_text("2 binômes sont publiés")

    # The pairs appear on the participants' home pages.
    mentee = Enrolment.objects.get(pk=lock.mentee_id).person
    page.get_by_role("button", name="Se déconnecter").click()
    _log_in(page, mentee.email)
    expect(page.get_by_text("Votre mentor est")).to_be_visible()
    mentor = Enrolment.objects.get(pk=lock.mentor_id).person
    expect(page.locator(".cards")).to_contain_text(mentor.full_name)
    assert_accessible(page)
