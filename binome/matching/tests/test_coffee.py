from django.core import mail
from django.urls import reverse

from binome.matching import adapter as matching
from binome.programs import services
from binome.programs.models import CoffeeChat


def test_shortlist_respects_the_rules_and_ranks_by_score(cohort, recruiting):
    picks = matching.shortlist(cohort["bernard"])
    assert [p.mentor for p in picks] == [cohort["camille"], cohort["ines"]]
    assert picks[0].score > picks[1].score
    assert "complementarity_high" in picks[0].reasons


def test_reporting_line_through_a_non_participant_is_still_forbidden(
    cohort, recruiting
):
    recruiting.matching_rules = {"same_department": "allow"}
    recruiting.save()
    mentors = [p.mentor for p in matching.shortlist(cohort["bernard"])]
    assert cohort["xavier"] not in mentors
    # Without the chain rule, Xavier (strong on LinkedIn) comes back.
    recruiting.matching_rules = {
        "same_department": "allow",
        "forbid_reporting_line": False,
    }
    recruiting.save()
    mentors = [p.mentor for p in matching.shortlist(cohort["bernard"])]
    assert cohort["xavier"] in mentors


def test_mentee_sees_the_shortlist_with_reasons_in_french(login, cohort, people):
    response = login(people["bernard"]).get(
        reverse("matching:coffee", args=[cohort["bernard"].pk])
    )
    assert response.status_code == 200
    html = response.text
    assert "Camille Rivière" in html and "Xavier" not in html
    assert "le mentor maîtrise ce que le mentoré veut apprendre" in html


def test_coffee_request_answer_and_verdicts(login, cohort, people, recruiting):
    bernard, camille = cohort["bernard"], cohort["camille"]
    mail.outbox.clear()
    client = login(people["bernard"])
    slot = services.coffee_slots(mentee=bernard.person, mentor=camille.person)[0]
    client.post(
        reverse("matching:coffee_request", args=[bernard.pk]),
        {"mentor": camille.pk, "slot": slot.isoformat(), "message": "Un café jeudi ?"},
    )
    chat = CoffeeChat.objects.get()
    assert (chat.mentee, chat.mentor, chat.status) == (bernard, camille, "requested")
    assert chat.starts_at == slot
    assert mail.outbox[-1].to == ["camille@test.example"]
    assert "Un café jeudi ?" in mail.outbox[-1].body

    mentor_client = login(people["camille"])
    page = mentor_client.get(reverse("matching:coffee", args=[camille.pk]))
    assert "Bernard Lemoine" in page.text
    mentor_client.post(
        reverse("matching:coffee_answer", args=[camille.pk, chat.pk]),
        {"answer": "accept"},
    )
    chat.refresh_from_db()
    assert chat.status == "accepted"
    assert mail.outbox[-1].to == ["bernard@test.example"]

    mentor_client.post(
        reverse("matching:coffee_verdict", args=[camille.pk, chat.pk]),
        {"verdict": "prefer"},
    )
    login(people["bernard"]).post(
        reverse("matching:coffee_verdict", args=[bernard.pk, chat.pk]),
        {"verdict": "prefer"},
    )
    chat.refresh_from_db()
    assert (chat.mentee_verdict, chat.mentor_verdict) == ("prefer", "prefer")
    assert services.coffee_verdicts(recruiting) == {(camille.pk, bernard.pk): "prefer"}
    assert "feedback_prefer" in matching.shortlist(bernard)[0].reasons


def test_avoid_verdict_lowers_the_score(cohort, recruiting):
    def camille_score():
        picks = matching.shortlist(cohort["bernard"])
        return next(p for p in picks if p.mentor == cohort["camille"])

    before = camille_score()
    chat = CoffeeChat.objects.create(
        mentee=cohort["bernard"],
        mentor=cohort["camille"],
        status="accepted",
        mentee_verdict="avoid",
    )
    assert chat.verdict_for_matching() == "avoid"
    after = camille_score()
    assert after.score < before.score
    assert "feedback_avoid" in after.reasons


def test_only_shortlisted_mentors_can_be_asked(login, cohort, people):
    response = login(people["bernard"]).post(
        reverse("matching:coffee_request", args=[cohort["bernard"].pk]),
        {"mentor": cohort["xavier"].pk},
        follow=True,
    )
    assert "présélection" in response.text
    assert not CoffeeChat.objects.exists()


def test_outsiders_cannot_see_or_answer_coffees(login, cohort, people):
    chat = CoffeeChat.objects.create(mentee=cohort["bernard"], mentor=cohort["camille"])
    ines = login(people["ines"])
    assert (
        ines.get(reverse("matching:coffee", args=[cohort["bernard"].pk])).status_code
        == 404
    )
    url = reverse("matching:coffee_answer", args=[cohort["ines"].pk, chat.pk])
    assert ines.post(url, {"answer": "accept"}).status_code == 404
    chat.refresh_from_db()
    assert chat.status == "requested"


def test_no_coffee_page_when_the_programme_has_none(login, cohort, people, recruiting):
    recruiting.coffee_enabled = False
    recruiting.save()
    url = reverse("matching:coffee", args=[cohort["bernard"].pk])
    assert login(people["bernard"]).get(url).status_code == 404
