"""Matching is right in every configuration (#17): one person enrolled in
both roles, a reporting line through either enrolment, a publication that
checks every pair, a swap scored as its round was."""

from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pairmaker
from binome.matching import adapter as matching
from binome.matching import rounds
from binome.matching.models import PairDecision
from binome.pairs.models import Pair
from binome.pairs.publishing import publish_round
from binome.people.models import Person
from binome.programs.models import CoffeeChat, Enrolment
from binome.tests.cohorts import run_round, two_pair_cohort

ROLES = ("mentor", "mentee")
OPEN_RULES = {"seniority": "off", "same_department": "allow"}


def enrol_accepted(programme, person, role):
    """An accepted enrolment, whatever the programme's level rules and status."""
    return Enrolment.objects.create(
        programme=programme,
        person=person,
        role=role,
        status=Enrolment.Status.ACCEPTED,
        consent_at="2026-09-01T09:00Z",
        consent_version="test",
    )


def _pairs(round_):
    return {(p["mentor"], p["mentee"]) for p in round_.pairs}


def test_a_person_in_both_roles_is_not_their_own_mentor(recruiting, people):
    recruiting.matching_rules = OPEN_RULES
    recruiting.save()
    as_mentor = enrol_accepted(recruiting, people["xavier"], "mentor")
    as_mentee = enrol_accepted(recruiting, people["xavier"], "mentee")
    round_ = run_round(recruiting, people["odile"].user)
    assert round_.status == "done"
    assert (as_mentor.pk, as_mentee.pk) not in _pairs(round_)
    assert round_.pairs == []


def test_the_reporting_line_covers_both_enrolments_of_a_manager(recruiting, people):
    # Xavier and Camille are both mentor and mentee; Camille reports to Xavier
    # through Marc, who does not take part. No enrolment of one may meet an
    # enrolment of the other, whichever one the chain is read through.
    recruiting.matching_rules = OPEN_RULES
    recruiting.save()
    marc = Person.objects.create(
        organisation=people["xavier"].organisation,
        first_name="Marc",
        last_name="Milieu",
        level=3,
        manager=people["xavier"],
    )
    people["camille"].manager = marc
    people["camille"].save()
    xavier = [enrol_accepted(recruiting, people["xavier"], r) for r in ROLES]
    camille = [enrol_accepted(recruiting, people["camille"], r) for r in ROLES]
    candidates = matching.candidates(recruiting, rounds.cohort(recruiting))
    chains = pairmaker.scoring.reporting_chains(candidates)
    for x in xavier:
        for c in camille:
            assert pairmaker.scoring.in_reporting_line(str(x.pk), str(c.pk), chains)
    round_ = run_round(recruiting, people["odile"].user)
    assert round_.pairs == []


def test_a_lock_to_oneself_is_refused(recruiting, people):
    as_mentor = enrol_accepted(recruiting, people["xavier"], "mentor")
    as_mentee = enrol_accepted(recruiting, people["xavier"], "mentee")
    round_ = run_round(recruiting, people["odile"].user)
    with pytest.raises(ValidationError):
        rounds.decide_pair(
            round_=round_,
            mentor_id=as_mentor.pk,
            mentee_id=as_mentee.pk,
            kind="lock",
            by=people["odile"].user,
        )
    assert not PairDecision.objects.exists()


# Publication -----------------------------------------------------------------


@pytest.fixture
def cohort(recruiting, people):
    return two_pair_cohort(recruiting, people)


def _edit(round_, pairs):
    result = dict(round_.result)
    result["pairs"] = [
        {"mentor": m, "mentee": e, "score": 0.5, "components": {}, "reasons": []}
        | extra
        for m, e, extra in pairs
    ]
    round_.result = result
    round_.save()


def _refused(round_, user, *words):
    with pytest.raises(ValidationError) as excinfo:
        publish_round(round_=round_, by=user)
    text = " ".join(excinfo.value.messages)
    for word in words:
        assert word in text, text
    assert not Pair.objects.exists()
    round_.refresh_from_db()
    assert round_.published_at is None
    return text


def test_publication_refuses_a_person_paired_with_themselves(
    cohort, recruiting, people
):
    round_ = run_round(recruiting, people["odile"].user)
    twin = enrol_accepted(recruiting, people["camille"], "mentee")
    _edit(round_, [(cohort["camille"].pk, twin.pk, {})])
    _refused(round_, people["odile"].user, "Camille Rivière", "son propre mentor")


def test_publication_refuses_a_mentee_twice_and_a_mentor_over_capacity(
    cohort, recruiting, people
):
    round_ = run_round(recruiting, people["odile"].user)
    c, i, b, v = (cohort[n].pk for n in ("camille", "ines", "bernard", "victor"))
    _edit(round_, [(c, b, {}), (i, b, {})])
    _refused(round_, people["odile"].user, "Bernard Lemoine", "plusieurs binômes")
    _edit(round_, [(c, b, {}), (c, v, {})])
    _refused(round_, people["odile"].user, "Camille Rivière", "capacité")


def test_publication_refuses_an_enrolment_of_another_programme(
    cohort, recruiting, people, other_programme
):
    round_ = run_round(recruiting, people["odile"].user)
    elsewhere = enrol_accepted(other_programme, people["xavier"], "mentee")
    _edit(round_, [(cohort["camille"].pk, elsewhere.pk, {})])
    _refused(round_, people["odile"].user, "Xavier Nul", "autre programme")


def test_publication_refuses_a_pair_forbidden_since(cohort, recruiting, people):
    round_ = run_round(recruiting, people["odile"].user)
    PairDecision.objects.create(
        programme=recruiting,
        mentor=cohort["camille"],
        mentee=cohort["bernard"],
        kind="forbid",
    )
    _refused(round_, people["odile"].user, "Camille Rivière", "interdit")


def test_publication_refuses_a_broken_rule_unless_a_manager_accepted_it(
    cohort, recruiting, people
):
    round_ = run_round(recruiting, people["odile"].user)
    bernard = people["bernard"]
    bernard.languages = ["de"]
    bernard.save()
    text = _refused(round_, people["odile"].user, "Bernard Lemoine")
    assert "Au moins une langue commune" in text
    # The manager keeps the pair anyway: a lock accepts the broken rule.
    rounds.decide_pair(
        round_=round_,
        mentor_id=cohort["camille"].pk,
        mentee_id=cohort["bernard"].pk,
        kind="lock",
        by=people["odile"].user,
    )
    assert len(publish_round(round_=round_, by=people["odile"].user)) == 2


def test_a_swap_that_breaks_a_rule_can_be_published(
    cohort, recruiting, people, departments
):
    round_ = run_round(recruiting, people["odile"].user)
    victor = people["victor"]
    victor.department = departments["data"]
    victor.save()
    rounds.swap_mentees(
        round_=round_, mentee_a=cohort["bernard"].pk, mentee_b=cohort["victor"].pk
    )
    assert len(publish_round(round_=round_, by=people["odile"].user)) == 2


def test_the_refusal_shows_on_the_page_and_in_the_api(
    login, cohort, recruiting, people
):
    from binome.accounts.models import ApiToken
    from binome.api.tests.conftest import ApiClient

    round_ = run_round(recruiting, people["odile"].user)
    c, i, b = (cohort[n].pk for n in ("camille", "ines", "bernard"))
    _edit(round_, [(c, b, {}), (i, b, {})])
    client = login(people["odile"])
    url = reverse("publish_round", args=["vague", round_.number])
    page = client.post(url, {"confirm": "1"}, follow=True)
    assert page.status_code == 200
    assert "plusieurs binômes" in page.text
    _token, clear = ApiToken.issue(
        owner=people["odile"].user,
        name="test",
        scopes=["read", "matching"],
        expires_at=None,
    )
    response = ApiClient(clear).post(
        f"/api/v1/programmes/vague/rounds/{round_.number}/publish"
    )
    assert response.status_code == 409, response.content
    assert "plusieurs binômes" in response.json()["error"]["message"]
    assert not Pair.objects.exists()


class _Undo(Exception):
    """Raised to roll a Hypothesis example back."""


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    edits=st.lists(st.tuples(st.integers(0, 1), st.integers(0, 2)), max_size=4),
    forbid=st.sets(st.tuples(st.integers(0, 1), st.integers(0, 2)), max_size=2),
)
def test_publication_accepts_exactly_the_pairs_that_hold(
    cohort, recruiting, people, edits, forbid
):
    """Any edited proposal among Camille, Inès (mentors, capacity 1) and
    Bernard, Victor, Camille-as-mentee: published exactly when no person is
    paired with themselves, no hard rule is broken, no mentee is twice, no
    mentor over capacity and no pair forbidden; otherwise refused with
    nothing written."""
    odile = people["odile"].user
    with transaction.atomic():
        twin = Enrolment.objects.filter(
            person=people["camille"], role="mentee"
        ).first() or enrol_accepted(recruiting, people["camille"], "mentee")
    mentors = [cohort["camille"], cohort["ines"]]
    mentees = [cohort["bernard"], cohort["victor"], twin]
    try:
        with transaction.atomic():
            round_ = run_round(recruiting, odile)
            pairs = [(mentors[m].pk, mentees[e].pk) for m, e in edits]
            _edit(round_, [(m, e, {}) for m, e in pairs])
            for m, e in forbid:
                PairDecision.objects.create(
                    programme=recruiting,
                    mentor=mentors[m],
                    mentee=mentees[e],
                    kind="forbid",
                )
            forbidden = {(mentors[m].pk, mentees[e].pk) for m, e in forbid}
            holds = (
                bool(pairs)
                and (cohort["camille"].pk, twin.pk) not in pairs  # herself
                # Inès and Camille: one level and one department (hard rules).
                and (cohort["ines"].pk, twin.pk) not in pairs
                and max(Counter(e for _m, e in pairs).values()) == 1
                and max(Counter(m for m, _e in pairs).values()) == 1
                and not forbidden & set(pairs)
            )
            if holds:
                assert len(publish_round(round_=round_, by=odile)) == len(pairs)
            else:
                with pytest.raises(ValidationError):
                    publish_round(round_=round_, by=odile)
                assert not Pair.objects.exists()
            raise _Undo
    except _Undo:
        pass


# Swap --------------------------------------------------------------------------


def test_a_swap_is_scored_with_the_rounds_rules_weights_and_feedback(
    cohort, recruiting, people
):
    recruiting.coffee_enabled = True
    recruiting.save()
    CoffeeChat.objects.create(
        mentee=cohort["bernard"],
        mentor=cohort["ines"],
        status="accepted",
        mentee_verdict="prefer",
    )
    round_ = run_round(recruiting, people["odile"].user)
    snapshot = dict(round_.settings_snapshot)
    # After the round: new weights, new rules, new feedback.
    recruiting.matching_weights = {"complementarity": 0, "teaching": 10}
    recruiting.matching_rules = {"same_department": "penalise"}
    recruiting.save()
    CoffeeChat.objects.filter(mentee=cohort["bernard"]).update(mentee_verdict="avoid")
    rounds.swap_mentees(
        round_=round_, mentee_a=cohort["bernard"].pk, mentee_b=cohort["victor"].pk
    )
    round_.refresh_from_db()
    pair = next(p for p in round_.pairs if p["mentee"] == cohort["bernard"].pk)
    assert pair["mentor"] == cohort["ines"].pk
    # The score the round itself would have given this pair.
    rules = pairmaker.Rules(
        min_score=float(snapshot["rules"]["min_score"]),
        weights=pairmaker.Weights(**snapshot["weights"]),
    )
    people_ = {
        c.id: c
        for c in matching.candidates(recruiting, [cohort["ines"], cohort["bernard"]])
    }
    expected = pairmaker.score_pair(
        people_[str(cohort["ines"].pk)],
        people_[str(cohort["bernard"].pk)],
        rules,
        feedback="prefer",
        use_feedback=True,
    )
    assert pair["components"]["feedback"] == 1.0
    assert pair["score"] == round(expected.weight / pairmaker.SCALE, 4)


def test_the_verdicts_a_round_kept_are_exported_and_erased(cohort, recruiting, people):
    from binome.privacy.registry import REGISTRY
    from binome.privacy.subject import Subject

    CoffeeChat.objects.create(
        mentee=cohort["bernard"],
        mentor=cohort["ines"],
        status="accepted",
        mentee_verdict="prefer",
    )
    round_ = run_round(recruiting, people["odile"].user)
    kept = [cohort["ines"].pk, cohort["bernard"].pk, "prefer"]
    assert round_.settings_snapshot["feedback"] == [kept]
    entry = REGISTRY["matching.matchinground"]
    assert entry.export is not None and entry.erase is not None
    bernard = Subject.for_person(people["bernard"])
    [exported] = entry.export(bernard)
    assert exported["coffee_verdicts"] == [kept]
    assert entry.erase(bernard) == 1
    round_.refresh_from_db()
    assert round_.settings_snapshot["feedback"] == []
    assert round_.settings_snapshot["weights"]  # the rest stays


def test_a_swap_that_would_pair_someone_with_themselves_is_refused(
    cohort, recruiting, people
):
    round_ = run_round(recruiting, people["odile"].user)
    twin = enrol_accepted(recruiting, people["camille"], "mentee")
    c, i, b = (cohort[n].pk for n in ("camille", "ines", "bernard"))
    _edit(round_, [(c, b, {}), (i, twin.pk, {})])
    with pytest.raises(ValidationError, match="son propre mentor"):
        rounds.swap_mentees(round_=round_, mentee_a=b, mentee_b=twin.pk)
    round_.refresh_from_db()
    assert _pairs(round_) == {(c, b), (i, twin.pk)}
    assert not PairDecision.objects.exists()


_WEIGHT_NAMES = (
    "complementarity",
    "reciprocity",
    "teaching",
    "affinity",
    "availability",
    "silo",
    "feedback",
)


def _snapshot_rules(snapshot):
    """The engine's rules written out from a round's snapshot, by hand."""
    rules = snapshot["rules"]
    return pairmaker.Rules(
        objective=rules["objective"],
        min_score=float(rules["min_score"]),
        forbid_reporting_line=rules["forbid_reporting_line"],
        require_common_language=rules["require_common_language"],
        require_format=rules["require_format"],
        min_common_slots=int(rules["min_common_slots"]),
        seniority=rules["seniority"],
        same_department=rules["same_department"],
        weights=pairmaker.Weights(**snapshot["weights"]),
    )


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    weights=st.fixed_dictionaries({n: st.integers(0, 10) for n in _WEIGHT_NAMES}),
    department=st.sampled_from(["forbid", "penalise", "allow"]),
    verdict=st.sampled_from(["prefer", "neutral", "avoid"]),
)
def test_any_later_setting_leaves_a_swap_scored_as_its_round(
    cohort, recruiting, people, weights, department, verdict
):
    recruiting.coffee_enabled = True
    recruiting.matching_weights = {}
    recruiting.matching_rules = {}
    recruiting.save()
    try:
        with transaction.atomic():
            CoffeeChat.objects.create(
                mentee=cohort["bernard"],
                mentor=cohort["ines"],
                status="accepted",
                mentee_verdict="prefer",
            )
            round_ = run_round(recruiting, people["odile"].user)
            rules = _snapshot_rules(round_.settings_snapshot)
            recruiting.matching_weights = weights
            recruiting.matching_rules = {"same_department": department}
            recruiting.save()
            CoffeeChat.objects.update(mentee_verdict=verdict)
            rounds.swap_mentees(
                round_=round_,
                mentee_a=cohort["bernard"].pk,
                mentee_b=cohort["victor"].pk,
            )
            round_.refresh_from_db()
            people_ = {
                c.id: c
                for c in matching.candidates(
                    recruiting,
                    [cohort[n] for n in ("camille", "ines", "bernard", "victor")],
                )
            }
            for pair in round_.pairs:
                mentor, mentee = str(pair["mentor"]), str(pair["mentee"])
                feedback = (
                    "prefer"
                    if (mentor, mentee)
                    == (
                        str(cohort["ines"].pk),
                        str(cohort["bernard"].pk),
                    )
                    else None
                )
                expected = pairmaker.score_pair(
                    people_[mentor],
                    people_[mentee],
                    rules,
                    feedback=feedback,  # type: ignore[arg-type]
                    use_feedback=True,
                )
                # (Before #17 PairScore had no weight: score * SCALE rounded.)
                weight = getattr(
                    expected, "weight", round(expected.score * pairmaker.SCALE)
                )
                assert pair["score"] == round(weight / pairmaker.SCALE, 4)
            raise _Undo
    except _Undo:
        pass
