import pytest
from django.core import mail
from django.urls import reverse

from binome.matching import rounds
from binome.matching.models import MatchingRound, PairDecision
from binome.pairs.models import Pair
from binome.pairs.publishing import publish_round
from binome.people.models import Person
from binome.programs import services
from binome.programs.models import Enrolment, Programme
from binome.tests.cohorts import run_round, two_pair_cohort


@pytest.fixture
def cohort(recruiting, people):
    """Camille with Bernard, Inès with Victor (binome/tests/cohorts.py)."""
    return two_pair_cohort(recruiting, people)


def _pairs(round_):
    return {(p["mentor"], p["mentee"]) for p in round_.pairs}


def test_round_runs_the_engine_and_explains_each_pair(cohort, recruiting, people):
    round_ = run_round(recruiting, people["odile"].user)
    assert round_.status == MatchingRound.Status.DONE and round_.progress == 100
    assert _pairs(round_) == {
        (cohort["camille"].pk, cohort["bernard"].pk),
        (cohort["ines"].pk, cohort["victor"].pk),
    }
    assert round_.totals["match_rate"] == 1.0
    assert round_.totals["cross_department"] == 1.0
    assert all("complementarity_high" in p["reasons"] for p in round_.pairs)
    assert round_.result["engine"]["exact"] is True
    recruiting.refresh_from_db()
    assert recruiting.status == Programme.Status.MATCHING


def test_round_through_the_view_runs_in_the_background(
    login, cohort, recruiting, people, django_capture_on_commit_callbacks
):
    client = login(people["odile"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("matching:round_start", args=["vague"]), {"confirm": "1"}
        )
    # Queued once the round is committed; the tests' immediate backend runs it.
    assert len(callbacks) == 1
    round_ = MatchingRound.objects.get()
    assert response["Location"] == reverse("matching:round", args=["vague", 1])
    assert round_.status == "done"
    page = client.get(response["Location"])
    assert "Camille Rivière" in page.text and "Bernard Lemoine" in page.text
    assert "le mentor maîtrise ce que le mentoré veut apprendre" in page.text


def test_progress_polling_refreshes_the_page_when_done(
    login, cohort, recruiting, people
):
    round_ = MatchingRound.objects.create(programme=recruiting, number=1, progress=30)
    client = login(people["odile"])
    url = reverse("matching:round", args=["vague", 1]) + "?progress=1"
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert 'value="30"' in response.text and "<html" not in response.text
    round_.status, round_.progress = "done", 100
    round_.save()
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"


def test_lock_and_forbid_are_honoured_by_the_next_round(cohort, recruiting, people):
    odile = people["odile"].user
    first = run_round(recruiting, odile)
    # Lock the weaker pair Camille → Victor, forbid Camille → Bernard.
    rounds.decide_pair(
        round_=first,
        mentor_id=cohort["ines"].pk,
        mentee_id=cohort["bernard"].pk,
        kind="lock",
        by=odile,
    )
    rounds.decide_pair(
        round_=first,
        mentor_id=cohort["camille"].pk,
        mentee_id=cohort["bernard"].pk,
        kind="forbid",
        by=odile,
    )
    first.refresh_from_db()
    assert (cohort["camille"].pk, cohort["bernard"].pk) not in _pairs(first)
    second = run_round(recruiting, odile)
    assert (cohort["ines"].pk, cohort["bernard"].pk) in _pairs(second)
    assert (cohort["camille"].pk, cohort["bernard"].pk) not in _pairs(second)
    locked = next(p for p in second.pairs if p["mentee"] == cohort["bernard"].pk)
    assert locked["locked"] is True


def test_swap_and_remove(cohort, recruiting, people):
    round_ = run_round(recruiting, people["odile"].user)
    warnings = rounds.swap_mentees(
        round_=round_, mentee_a=cohort["bernard"].pk, mentee_b=cohort["victor"].pk
    )
    assert warnings == []
    round_.refresh_from_db()
    assert _pairs(round_) == {
        (cohort["ines"].pk, cohort["bernard"].pk),
        (cohort["camille"].pk, cohort["victor"].pk),
    }
    rounds.remove_pair(round_=round_, mentee_id=cohort["victor"].pk)
    round_.refresh_from_db()
    assert len(round_.pairs) == 1
    assert round_.unmatched == [
        {"mentee": cohort["victor"].pk, "reason": "removed_by_manager"}
    ]
    assert round_.totals["match_rate"] == 0.5
    from binome.matching.matchcsv import describe

    assert describe("removed_by_manager") == "le responsable a retiré le binôme proposé"


def test_swap_reports_broken_rules(cohort, recruiting, people, departments):
    round_ = run_round(recruiting, people["odile"].user)
    victor = people["victor"]
    victor.department = departments["data"]
    victor.save()
    warnings = rounds.swap_mentees(
        round_=round_, mentee_a=cohort["bernard"].pk, mentee_b=cohort["victor"].pk
    )
    assert warnings == ["department"]


def test_compare_two_rounds(login, cohort, recruiting, people):
    first = run_round(recruiting, people["odile"].user)
    rounds.remove_pair(round_=first, mentee_id=cohort["victor"].pk)
    run_round(recruiting, people["odile"].user)
    response = login(people["odile"]).get(
        reverse("matching:round_compare", args=["vague", 1, 2])
    )
    assert response.status_code == 200
    assert response.context["kept"] == 1
    assert response.context["only_b"] == [("Inès Benhamou", "Victor Hugo")]


def test_publish_creates_pairs_once_and_tells_both(cohort, recruiting, people):
    round_ = run_round(recruiting, people["odile"].user)
    mail.outbox.clear()
    pairs = publish_round(round_=round_, by=people["odile"].user)
    assert len(pairs) == 2
    assert Pair.objects.active().count() == 2
    recruiting.refresh_from_db()
    assert recruiting.status == Programme.Status.RUNNING
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        people[name].email for name in ("camille", "ines", "bernard", "victor")
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="déjà publié"):
        publish_round(round_=round_, by=people["odile"].user)
    assert Pair.objects.count() == 2


def test_a_failed_publication_leaves_nothing_behind(cohort, recruiting, people, pilot):
    round_ = run_round(recruiting, people["odile"].user)
    # Victor already has an active pair elsewhere in this programme: the
    # database refuses the second one, and the first must not stay.
    other_mentor = Enrolment.objects.create(
        programme=recruiting,
        person=people["xavier"],
        role="mentor",
        status="accepted",
        consent_at=cohort["victor"].consent_at,
    )
    Pair.objects.create(mentor=other_mentor, mentee=cohort["victor"])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        publish_round(round_=round_, by=people["odile"].user)
    assert excinfo.value.code == "already_paired"
    assert Pair.objects.count() == 1
    round_.refresh_from_db()
    assert round_.published_at is None


def test_withdrawn_people_block_the_publication(cohort, recruiting, people):
    round_ = run_round(recruiting, people["odile"].user)
    services.withdraw(enrolment=cohort["bernard"], erase=False)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Bernard Lemoine"):
        publish_round(round_=round_, by=people["odile"].user)
    assert not Pair.objects.exists()


def test_publish_view_and_participants_home(login, cohort, recruiting, people):
    round_ = run_round(recruiting, people["odile"].user)
    client = login(people["odile"])
    url = reverse("publish_round", args=["vague", round_.number])
    confirm = {"confirm": "1"}
    assert client.post(url, confirm)["Location"] == reverse(
        "programs:detail", args=["vague"]
    )
    again = client.post(url, confirm, follow=True)
    assert "déjà publié" in again.text
    home = login(people["bernard"]).get(reverse("home")).text
    assert "Votre mentor est" in home and "Camille Rivière" in home


@pytest.mark.parametrize("who", ["camille", "bernard", "victor", "xavier"])
def test_only_the_programmes_managers_reach_matching(
    login, cohort, recruiting, people, who
):
    # Victor manages another programme; here he is a mentee.
    round_ = run_round(recruiting, people["odile"].user)
    client = login(people[who])
    for url in [
        reverse("matching:rounds", args=["vague"]),
        reverse("matching:round", args=["vague", round_.number]),
    ]:
        assert client.get(url).status_code == 404
    for data in ({}, {"confirm": "1"}):
        assert (
            client.post(reverse("matching:round_start", args=["vague"]), data)
        ).status_code == 404
    assert (
        client.post(
            reverse("matching:round_action", args=["vague", round_.number]),
            {
                "action": "forbid",
                "mentor": cohort["camille"].pk,
                "mentee": cohort["bernard"].pk,
            },
        ).status_code
        == 404
    )
    publish = reverse("publish_round", args=["vague", round_.number])
    assert client.get(publish).status_code == 404
    assert client.post(publish, {"confirm": "1"}).status_code == 404
    assert not PairDecision.objects.exists() and not Pair.objects.exists()
    assert MatchingRound.objects.count() == 1


def test_unprepared_mentors_are_left_out_when_preparation_is_required(
    cohort, recruiting, people
):
    recruiting.require_preparation = True
    recruiting.save()
    assert {e.person.first_name for e in rounds.cohort(recruiting)} == {
        "Bernard",
        "Victor",
    }
    round_ = run_round(recruiting, people["odile"].user)
    assert round_.pairs == []
    assert {u["reason"] for u in round_.unmatched} == {"no_mentor"}


def test_contradictory_locks_fail_with_a_clear_message(cohort, recruiting, people):
    odile = people["odile"].user
    recruiting.move_to("matching")
    for mentee in ("bernard", "victor"):
        PairDecision.objects.create(
            programme=recruiting,
            mentor=cohort["camille"],
            mentee=cohort[mentee],
            kind="lock",
            decided_by=odile,
        )
    round_ = run_round(recruiting, odile)
    assert round_.status == "failed"
    assert "contredisent" in round_.error
    assert "Camille Rivière (plus de mentorés verrouillés" in round_.error
    assert Person.objects.exists()


def test_prepared_people_needs_every_active_step(cohort, recruiting, people):
    from binome.programs.models import PreparationStep

    camille = people["camille"]
    steps = list(PreparationStep.objects.filter(is_active=True))
    for step in steps[:-1]:
        services.answer_preparation_step(
            person=camille, step=step, choice=step.correct_choice
        )
    assert rounds.prepared_people([camille.pk]) == set()
    services.answer_preparation_step(
        person=camille, step=steps[-1], choice=steps[-1].correct_choice
    )
    assert rounds.prepared_people([camille.pk, people["ines"].pk]) == {camille.pk}


def test_publication_is_audited(cohort, recruiting, people):
    from binome.accounts.models import AuditEvent

    round_ = run_round(recruiting, people["odile"].user)
    publish_round(round_=round_, by=people["odile"].user)
    event = AuditEvent.objects.get(action="publish")
    assert event.actor == people["odile"].user
    assert event.target == "programme:vague"
    assert event.details == {"round": 1, "pairs": 2}
