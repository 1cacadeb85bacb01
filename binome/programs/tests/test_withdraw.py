import pytest
from django.urls import reverse

from binome.pairs.models import Pair
from binome.programs import services
from binome.programs.models import CastingReview, CoffeeChat, Enrolment, Goal, SkillWish
from binome.skills.models import Skill


@pytest.fixture
def rich_enrolments(enrolments, people):
    camille, bernard = enrolments["camille"], enrolments["bernard"]
    skill = Skill.objects.get(code="linkedin")
    for enrolment in (camille, bernard):
        SkillWish.objects.create(enrolment=enrolment, skill=skill, intent="learn")
        Goal.objects.create(enrolment=enrolment, title="But", kpi="Mesure")
        enrolment.motivation = "Parce que"
        enrolment.save()
    CastingReview.objects.create(
        enrolment=camille,
        reviewer=people["odile"].user,
        expertise=3,
        teaching=3,
        communication=3,
        posture=3,
        availability=3,
    )
    return enrolments


def test_withdrawal_needs_a_confirmation(login, enrolments, people):
    url = reverse("programs:withdraw", args=[enrolments["camille"].pk])
    response = login(people["camille"]).post(url, {})
    assert "Cochez la case pour confirmer." in response.text
    assert Enrolment.objects.get(pk=enrolments["camille"].pk).status == "accepted"


def test_withdrawal_closes_the_pair_and_keeps_the_partners_data(
    login, rich_enrolments, pair, people
):
    camille, bernard = rich_enrolments["camille"], rich_enrolments["bernard"]
    url = reverse("programs:withdraw", args=[camille.pk])
    response = login(people["camille"]).post(url, {"confirm": "on", "erase": "on"})
    assert response.status_code == 302
    camille.refresh_from_db()
    assert camille.status == "withdrawn" and camille.withdrawn_at
    assert camille.motivation == ""
    assert not camille.skill_wishes.exists() and not camille.goals.exists()
    assert not CastingReview.objects.exists()
    pair.refresh_from_db()
    assert pair.status == Pair.Status.CLOSED  # closed, not deleted
    # Bernard's own data is untouched.
    bernard.refresh_from_db()
    assert bernard.motivation == "Parce que"
    assert bernard.skill_wishes.count() == 1 and bernard.goals.count() == 1


def test_withdrawal_without_erasure_keeps_the_answers(login, rich_enrolments, people):
    camille = rich_enrolments["camille"]
    login(people["camille"]).post(
        reverse("programs:withdraw", args=[camille.pk]), {"confirm": "on"}
    )
    camille.refresh_from_db()
    assert camille.status == "withdrawn"
    assert camille.skill_wishes.count() == 1 and camille.motivation == "Parce que"


def test_withdrawal_cancels_open_coffees(enrolments):
    chat = CoffeeChat.objects.create(
        mentee=enrolments["bernard"], mentor=enrolments["ines"]
    )
    services.withdraw(enrolment=enrolments["ines"], erase=False)
    chat.refresh_from_db()
    assert chat.status == CoffeeChat.Status.CANCELLED


def test_withdrawal_keeps_a_coffee_that_was_held(enrolments):
    """A held coffee (verdict given) is history: withdrawing must not fail on it."""
    held = CoffeeChat.objects.create(
        mentee=enrolments["bernard"],
        mentor=enrolments["ines"],
        status=CoffeeChat.Status.ACCEPTED,
        mentee_verdict=CoffeeChat.Verdict.PREFER,
    )
    services.withdraw(enrolment=enrolments["bernard"], erase=False)
    held.refresh_from_db()
    assert held.status == CoffeeChat.Status.ACCEPTED
    assert Enrolment.objects.get(pk=enrolments["bernard"].pk).status == "withdrawn"


def test_withdrawal_with_erasure_clears_the_verdict_of_a_held_coffee(enrolments):
    held = CoffeeChat.objects.create(
        mentee=enrolments["bernard"],
        mentor=enrolments["ines"],
        status=CoffeeChat.Status.ACCEPTED,
        mentee_verdict=CoffeeChat.Verdict.AVOID,
        mentor_verdict=CoffeeChat.Verdict.PREFER,
    )
    services.withdraw(enrolment=enrolments["bernard"], erase=True)
    held.refresh_from_db()
    assert (held.mentee_verdict, held.mentor_verdict) == ("", "prefer")


def test_nobody_withdraws_someone_else(login, enrolments, people):
    url = reverse("programs:withdraw", args=[enrolments["camille"].pk])
    for who in ("bernard", "odile"):
        assert login(people[who]).post(url, {"confirm": "on"}).status_code == 404
    assert Enrolment.objects.get(pk=enrolments["camille"].pk).status == "accepted"


def test_withdrawal_is_confirmed_by_email_with_what_happens_to_the_data(
    login, rich_enrolments, pair, people, smtp_server, pilot
):
    camille = rich_enrolments["camille"]
    client = login(people["camille"])
    url = reverse("programs:withdraw", args=[camille.pk])
    client.post(url, {"confirm": "on", "erase": "on"})
    # A double submit: the enrolment is gone for its owner, nothing more is sent.
    assert client.post(url, {"confirm": "on", "erase": "on"}).status_code == 404
    mine = smtp_server.to("camille@test.example")
    assert len(mine) == 1
    assert mine[0]["Subject"] == "Vous vous êtes retiré·e de « Pilote »"
    body = smtp_server.body(mine[0])
    assert "ont été supprimées" in body
    assert "Votre binôme est clos" in body
    assert "/compte/donnees/" in body
    # Odile runs the pilot: she is told too.
    theirs = smtp_server.to("odile@test.example")
    assert len(theirs) == 1
    assert "Camille Rivière" in theirs[0]["Subject"]
    assert f"/programmes/{pilot.slug}/volontaires/" in smtp_server.body(theirs[0])


def test_withdrawal_without_erasure_says_the_answers_are_kept(
    enrolments, people, mailoutbox
):
    address = people["ines"].user.email
    assert services.withdraw(enrolment=enrolments["ines"], erase=False)
    (mine,) = [m for m in mailoutbox if m.to == [address]]
    assert "sont conservées" in mine.body
    assert "binôme est clos" not in mine.body
    # Withdrawing again (two tabs): no second e-mail.
    assert not services.withdraw(enrolment=enrolments["ines"], erase=False)
    assert len([m for m in mailoutbox if m.to == [address]]) == 1
