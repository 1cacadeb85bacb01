"""Confirm before acting on people: what will happen, and to whom, is shown
first; nothing is sent or changed before ``confirm=1``; a second click does
nothing more. Odile runs the programme."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from binome.pairs.models import Pair
from binome.people.models import Person
from binome.programs import services
from binome.programs.models import Enrolment, Programme
from binome.tests.cohorts import run_round, two_pair_cohort


@pytest.fixture
def cohort(recruiting, people):
    """Camille knows LinkedIn, Inès data visualisation; Bernard wants to learn
    LinkedIn, Victor data visualisation: the engine pairs Camille with Bernard
    and Inès with Victor."""
    return two_pair_cohort(recruiting, people)


def _text(response):
    # French typography: a non-breaking space before « ? », « : »…
    return html.unescape(response.text).replace("\u00a0", " ")


@pytest.fixture
def odile(login, people):
    return login(people["odile"])


# Publishing ----------------------------------------------------------------------


def test_publish_shows_the_pairs_and_who_is_emailed_and_writes_nothing(
    odile, cohort, recruiting, people
):
    round_ = run_round(recruiting, people["odile"].user)
    mail.outbox.clear()
    url = reverse("publish_round", args=["vague", round_.number])
    for response in (odile.get(url), odile.post(url)):
        assert response.status_code == 200
        text = _text(response)
        assert "Publier les binômes du tour 1" in text
        assert "Camille Rivière" in text and "Bernard Lemoine" in text
        assert "<strong>4</strong> personnes reçoivent un e-mail" in text
        assert "passe à « En cours »" in text
        assert 'name="confirm" value="1"' in text
    assert mail.outbox == []
    assert not Pair.objects.exists()
    round_.refresh_from_db()
    recruiting.refresh_from_db()
    assert round_.published_at is None
    assert recruiting.status == Programme.Status.MATCHING


def test_publish_counts_people_once_and_says_how_many_emails(
    odile, cohort, recruiting, people
):
    """A mentor of two mentees is one person, told once per pair."""
    recruiting.mentor_capacity = 2
    recruiting.save()
    round_ = run_round(recruiting, people["odile"].user)
    round_.result["pairs"] = [
        {**round_.pairs[0], "mentor": cohort["camille"].pk, "mentee": mentee.pk}
        for mentee in (cohort["bernard"], cohort["victor"])
    ]
    round_.save()
    text = _text(odile.get(reverse("publish_round", args=["vague", round_.number])))
    assert "<strong>3</strong> personnes reçoivent un e-mail" in text
    assert "4 e-mails en tout" in text


def test_publish_confirmed_twice_publishes_once(odile, cohort, recruiting, people):
    round_ = run_round(recruiting, people["odile"].user)
    mail.outbox.clear()
    url = reverse("publish_round", args=["vague", round_.number])
    first = odile.post(url, {"confirm": "1"}, follow=True)
    assert "2 binômes sont publiés" in _text(first)
    second = odile.post(url, {"confirm": "1"}, follow=True)
    assert "déjà publié" in _text(second)
    assert Pair.objects.count() == 2
    assert len(mail.outbox) == 4


def test_publish_page_says_why_it_is_refused_and_offers_no_button(
    odile, cohort, recruiting, people
):
    round_ = run_round(recruiting, people["odile"].user)
    services.withdraw(enrolment=cohort["bernard"], erase=False)
    response = odile.get(reverse("publish_round", args=["vague", round_.number]))
    assert "ne peut pas être publié" in _text(response)
    assert "ne sont plus disponibles" in _text(response)
    assert "Bernard Lemoine" in _text(response)
    assert 'name="confirm"' not in _text(response)


def test_people_without_an_account_are_named_as_not_emailed(
    odile, cohort, recruiting, people
):
    victor = people["victor"]
    victor.user = None
    victor.save()
    round_ = run_round(recruiting, people["odile"].user)
    response = odile.get(reverse("publish_round", args=["vague", round_.number]))
    preview = response.context["preview"]
    assert [p.full_name for p in preview.not_told] == ["Victor Hugo"]
    assert len(preview.told) == 3
    assert "1 personne n'a pas de compte" in _text(response)


# Accepting and declining a volunteer ----------------------------------------------


@pytest.fixture
def candidate(recruiting, people):
    return services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )


def test_declining_shows_the_email_first_and_changes_nothing(odile, candidate, people):
    mail.outbox.clear()
    url = reverse("programs:casting_decision", args=["vague", candidate.pk])
    response = odile.post(url, {"decision": "decline"})
    assert response.status_code == 200
    assert "Ne pas retenir Camille Rivière ?" in _text(response)
    assert "camille@test.example" in _text(response)
    assert "À propos de votre candidature à « Vague 2027 »" in _text(response)
    assert "Nous ne pouvons pas vous inclure" in _text(response)
    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.VOLUNTEERED
    assert mail.outbox == []


def test_a_personal_word_is_previewed_escaped_then_sent_once_by_smtp(
    odile, candidate, people, smtp_server
):
    url = reverse("programs:casting_decision", args=["vague", candidate.pk])
    word = "Merci <b>Camille</b> ! Revenez à la prochaine vague 🙂\nOdile"
    preview = odile.post(url, {"decision": "decline", "message": word})
    assert preview.status_code == 200
    assert "&lt;b&gt;Camille&lt;/b&gt;" in preview.text
    assert "<b>Camille</b>" not in preview.text
    assert "Le mot de votre responsable de programme, Odile Marchand" in _text(preview)
    assert smtp_server.messages == []
    confirm = {"decision": "decline", "message": word, "confirm": "1"}
    done = odile.post(url, confirm, follow=True)
    assert "Camille Rivière n'est pas retenue" in _text(done) or "pas retenu" in _text(
        done
    )
    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.DECLINED
    [message] = smtp_server.to("camille@test.example")
    body = smtp_server.body(message).replace("\r\n", "\n")
    assert "Merci <b>Camille</b> ! Revenez à la prochaine vague 🙂\nOdile" in body
    # A second click: nothing more is sent.
    again = odile.post(url, confirm, follow=True)
    assert "rien n'a été renvoyé" in _text(again)
    assert len(smtp_server.messages) == 1


@pytest.mark.parametrize(
    ("word", "error"),
    [
        ("x" * 1001, "1000"),
    ],
)
def test_a_too_long_word_is_refused_next_to_the_field(
    odile, candidate, people, word, error
):
    mail.outbox.clear()
    url = reverse("programs:casting_decision", args=["vague", candidate.pk])
    response = odile.post(url, {"decision": "decline", "message": word, "confirm": "1"})
    assert response.status_code == 400
    assert error in str(response.context["form"].errors["message"])
    assert 'class="field-error"' in _text(response)
    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.VOLUNTEERED
    assert mail.outbox == []


def test_an_empty_word_and_control_characters_are_fine(odile, candidate, people):
    mail.outbox.clear()
    url = reverse("programs:casting_decision", args=["vague", candidate.pk])
    odile.post(url, {"decision": "decline", "message": "", "confirm": "1"})
    [sent] = mail.outbox
    assert "Le mot de votre responsable" not in sent.body
    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.DECLINED
    mail.outbox.clear()
    odile.post(
        url, {"decision": "accept", "message": "Bien\x07venue\u00a0!", "confirm": "1"}
    )
    [sent] = mail.outbox
    assert "Bienvenue\u00a0!" in sent.body


def test_accepting_also_shows_the_email_first(odile, candidate, people):
    mail.outbox.clear()
    url = reverse("programs:casting_decision", args=["vague", candidate.pk])
    response = odile.post(url, {"decision": "accept"})
    assert response.status_code == 200
    assert "Retenir Camille Rivière ?" in _text(response)
    assert "est confirmée" in _text(response)
    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.VOLUNTEERED
    assert mail.outbox == []


def test_the_volunteers_page_declines_through_the_same_confirmation(
    odile, candidate, people
):
    mail.outbox.clear()
    url = reverse("programs:enrolment_action", args=["vague", candidate.pk])
    back = reverse("programs:enrolments", args=["vague"]) + "?status=volunteered"
    response = odile.post(url, {"action": "decline", "next": back})
    assert response.status_code == 200
    assert f'value="{back}"' in _text(response)
    assert mail.outbox == []
    done = odile.post(
        url, {"action": "decline", "next": back, "confirm": "1", "message": "À bientôt"}
    )
    assert done["Location"] == back
    assert len(mail.outbox) == 1 and "À bientôt" in mail.outbox[0].body


def test_someone_without_an_account_is_declined_without_email(odile, candidate, people):
    people["camille"].user = None
    people["camille"].save()
    mail.outbox.clear()
    url = reverse("programs:casting_decision", args=["vague", candidate.pk])
    response = odile.post(url, {"decision": "decline"})
    assert "aucun e-mail n'est envoyé" in _text(response)
    odile.post(url, {"decision": "decline", "confirm": "1"})
    candidate.refresh_from_db()
    assert candidate.status == Enrolment.Status.DECLINED
    assert mail.outbox == []


# Status steps -------------------------------------------------------------------


def test_opening_recruitment_says_what_it_does_then_does_it_once(
    odile, recruiting, people
):
    recruiting.status = Programme.Status.DRAFT
    recruiting.open_call = True
    recruiting.save()
    with_account = Person.objects.filter(
        organisation=recruiting.organisation, user__isnull=False
    ).count()
    assert with_account > 1
    url = reverse("programs:status", args=["vague"])
    for response in (
        odile.get(url, {"status": "recruiting"}),
        odile.post(url, {"status": "recruiting"}),
    ):
        assert response.status_code == 200
        assert "Passer à « Recrutement » ?" in _text(response)
        assert "L'appel à volontaires apparaît" in _text(response)
        assert f"des {with_account} personnes de Groupe Test" in _text(response)
        assert "Personne ne reçoit d'e-mail à cette étape" in _text(response)
    recruiting.refresh_from_db()
    assert recruiting.status == Programme.Status.DRAFT
    odile.post(url, {"status": "recruiting", "confirm": "1"})
    recruiting.refresh_from_db()
    assert recruiting.status == Programme.Status.RECRUITING
    again = odile.post(url, {"status": "recruiting", "confirm": "1"}, follow=True)
    assert "déjà « Recrutement »" in _text(again)


def test_closing_recruitment_counts_who_is_waiting(odile, recruiting, people):
    services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )
    response = odile.get(
        reverse("programs:status", args=["vague"]), {"status": "matching"}
    )
    assert "Le recrutement se ferme" in _text(response)
    assert "1 volontaire attend encore votre décision" in _text(response)


def test_starting_without_a_published_round_warns(odile, recruiting):
    recruiting.move_to(Programme.Status.MATCHING)
    response = odile.get(
        reverse("programs:status", args=["vague"]), {"status": "running"}
    )
    assert "sans aucun binôme" in _text(response)


def test_the_closed_step_goes_to_the_closing_flow(odile, pilot):
    url = reverse("programs:status", args=[pilot.slug])
    closing = reverse("insights:closing", args=[pilot.slug])
    assert odile.get(url, {"status": "closed"})["Location"] == closing
    assert odile.post(url, {"status": "closed"})["Location"] == closing
    pilot.refresh_from_db()
    assert pilot.status == Programme.Status.RUNNING


def test_an_unknown_step_is_refused_in_french(odile, recruiting):
    url = reverse("programs:status", args=["vague"])
    for status in ("", "draft", "<b>x</b>", "🙂" * 100):
        response = odile.post(url, {"status": status, "confirm": "1"}, follow=True)
        assert response.status_code == 200
        assert "ne peut pas passer" in _text(response)
    recruiting.refresh_from_db()
    assert recruiting.status == Programme.Status.RECRUITING
