"""Confirm before acting on a matching round: a swap is kept when the round
runs again, a re-run that drops decisions or closes recruitment is confirmed
first, and so is removing a pair. Odile runs the programme.

(Moved from binome/programs/tests/test_confirmations.py with the rounds.)"""

import html

import pytest
from django.urls import reverse

from binome.matching import rounds
from binome.matching.models import MatchingRound, PairDecision
from binome.programs import services
from binome.programs.models import Programme
from binome.tests.cohorts import run_round, two_pair_cohort


@pytest.fixture
def cohort(recruiting, people):
    """Camille knows LinkedIn, Inès data visualisation; Bernard wants to learn
    LinkedIn, Victor data visualisation: the engine pairs Camille with Bernard
    and Inès with Victor."""
    return two_pair_cohort(recruiting, people)


def _pairs(round_):
    return {(p["mentor"], p["mentee"]) for p in round_.pairs}


def _text(response):
    # French typography: a non-breaking space before « ? », « : »…
    return html.unescape(response.text).replace("\u00a0", " ")


@pytest.fixture
def odile(login, people):
    return login(people["odile"])


# Matching rounds: swaps kept, removals and re-runs confirmed -------------------------


def test_a_swap_is_kept_when_the_round_runs_again(
    odile, cohort, recruiting, people, django_capture_on_commit_callbacks
):
    first = run_round(recruiting, people["odile"].user)
    assert _pairs(first) == {
        (cohort["camille"].pk, cohort["bernard"].pk),
        (cohort["ines"].pk, cohort["victor"].pk),
    }
    odile.post(
        reverse("matching:round_action", args=["vague", first.number]),
        {
            "action": "swap",
            "mentee_a": cohort["bernard"].pk,
            "mentee_b": cohort["victor"].pk,
        },
    )
    swapped = {
        (cohort["ines"].pk, cohort["bernard"].pk),
        (cohort["camille"].pk, cohort["victor"].pk),
    }
    first.refresh_from_db()
    assert _pairs(first) == swapped
    assert {
        (d.mentor_id, d.mentee_id) for d in PairDecision.objects.filter(kind="lock")
    } == swapped
    # Nothing is dropped: the round runs again at once, keeping the swap.
    with django_capture_on_commit_callbacks(execute=True):
        response = odile.post(reverse("matching:round_start", args=["vague"]))
    assert response.status_code == 302
    second = MatchingRound.objects.get(number=2)
    assert _pairs(second) == swapped


def test_running_again_warns_before_dropping_a_swap_whose_person_left(
    odile, cohort, recruiting, people, django_capture_on_commit_callbacks
):
    first = run_round(recruiting, people["odile"].user)
    rounds.swap_mentees(
        round_=first,
        mentee_a=cohort["bernard"].pk,
        mentee_b=cohort["victor"].pk,
        by=people["odile"].user,
    )
    services.withdraw(enrolment=cohort["victor"], erase=False)
    url = reverse("matching:round_start", args=["vague"])
    response = odile.post(url)
    assert response.status_code == 200
    assert "1 binôme verrouillé ne peut pas être conservé" in _text(response)
    assert "Camille Rivière → Victor Hugo" in _text(response)
    assert "Inès Benhamou → Bernard Lemoine" in _text(response)  # kept
    assert MatchingRound.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        odile.post(url, {"confirm": "1"})
    second = MatchingRound.objects.get(number=2)
    assert (cohort["ines"].pk, cohort["bernard"].pk) in _pairs(second)


def test_the_first_run_that_closes_recruitment_is_confirmed(odile, cohort, recruiting):
    url = reverse("matching:round_start", args=["vague"])
    response = odile.post(url)
    assert response.status_code == 200
    assert "Le recrutement se ferme" in _text(response)
    recruiting.refresh_from_db()
    assert recruiting.status == Programme.Status.RECRUITING
    assert not MatchingRound.objects.exists()


def test_removing_a_pair_is_confirmed_and_the_rerun_says_it_may_come_back(
    odile, cohort, recruiting, people
):
    first = run_round(recruiting, people["odile"].user)
    url = reverse("matching:round_action", args=["vague", first.number])
    remove = {"action": "remove", "mentee": cohort["bernard"].pk}
    response = odile.post(url, remove)
    assert response.status_code == 200
    assert "Retirer le binôme Camille Rivière → Bernard Lemoine ?" in _text(response)
    first.refresh_from_db()
    assert len(first.pairs) == 2
    odile.post(url, remove | {"confirm": "1"})
    first.refresh_from_db()
    assert len(first.pairs) == 1
    again = odile.post(url, remove | {"confirm": "1"}, follow=True)
    assert "ne fait pas partie du tour" in _text(again)
    rerun = odile.post(reverse("matching:round_start", args=["vague"]))
    assert rerun.status_code == 200
    assert "Bernard Lemoine" in _text(rerun)
    assert MatchingRound.objects.count() == 1
