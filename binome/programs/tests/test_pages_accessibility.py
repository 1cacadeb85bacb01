"""axe-core on every participant and casting page (WCAG 2.1 AA)."""

import pytest

from binome.programs import services
from binome.programs.models import CoffeeChat, Enrolment
from conftest import assert_accessible

pytestmark = pytest.mark.browser


def _log_in(page, email):
    page.goto("/compte/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("mot-de-passe-solide")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


@pytest.fixture
def wave(recruiting, people):
    recruiting.coffee_enabled = True
    recruiting.open_call = True
    recruiting.save()
    out = {}
    for name, role in [("bernard", "mentee"), ("camille", "mentor")]:
        enrolment = services.volunteer(
            programme=recruiting, person=people[name], role=role, consent=True
        )
        enrolment.status = Enrolment.Status.ACCEPTED
        enrolment.save()
        out[name] = enrolment
    CoffeeChat.objects.create(
        mentee=out["bernard"], mentor=out["camille"], status="accepted"
    )
    return out


def test_participant_pages(page, wave):
    _log_in(page, "camille@test.example")
    camille = wave["camille"].pk
    for url in [
        "/",
        "/programmes/",
        f"/programmes/inscriptions/{camille}/",
        f"/programmes/inscriptions/{camille}/preparation/",
        f"/programmes/inscriptions/{camille}/souhaits/",
        f"/programmes/inscriptions/{camille}/cafe/",
        f"/programmes/inscriptions/{camille}/retrait/",
        f"/programmes/inscriptions/{camille}/profil/interests/",
    ]:
        page.goto(url)
        assert_accessible(page)


def test_mentee_coffee_page(page, wave):
    _log_in(page, "bernard@test.example")
    page.goto(f"/programmes/inscriptions/{wave['bernard'].pk}/cafe/")
    assert_accessible(page)


def test_manager_pages(page, wave):
    _log_in(page, "odile@test.example")
    for url in [
        "/",
        "/programmes/vague/",
        "/programmes/vague/casting/",
        f"/programmes/vague/casting/{wave['camille'].pk}/",
        "/programmes/vague/invitations/",
    ]:
        page.goto(url)
        assert_accessible(page)
