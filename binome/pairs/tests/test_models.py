import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from binome.pairs.models import Pair
from binome.programs.models import Enrolment
from binome.tests.constraints import violates


def _codes(error: ValidationError) -> dict[str, list[str | None]]:
    return {
        field: [e.code for e in errors] for field, errors in error.error_dict.items()
    }


def test_a_mentee_has_one_active_pair_at_most(pair, enrolments):
    with (
        pytest.raises(
            IntegrityError, match=violates(Pair, "pair_one_active_per_mentee")
        ),
        transaction.atomic(),
    ):
        Pair.objects.create(mentor=enrolments["ines"], mentee=enrolments["bernard"])
    pair.close()
    Pair.objects.create(mentor=enrolments["ines"], mentee=enrolments["bernard"])
    assert Pair.objects.active().count() == 1


def test_an_enrolment_cannot_pair_with_itself(enrolments):
    with pytest.raises(
        IntegrityError, match=violates(Pair, "pair_distinct_enrolments")
    ):
        Pair.objects.create(mentor=enrolments["camille"], mentee=enrolments["camille"])


def test_roles_and_programme_are_validated(enrolments, other_programme, people):
    wrong_roles = Pair(mentor=enrolments["bernard"], mentee=enrolments["camille"])
    with pytest.raises(ValidationError) as excinfo:
        wrong_roles.full_clean()
    assert _codes(excinfo.value) == {"__all__": ["mentor_role", "mentee_role"]}
    elsewhere = Enrolment.objects.create(
        programme=other_programme, person=people["xavier"], role="mentee"
    )
    with pytest.raises(ValidationError) as excinfo:
        Pair(mentor=enrolments["camille"], mentee=elsewhere).full_clean()
    assert _codes(excinfo.value) == {"__all__": ["other_programme"]}


def test_pairs_for_user_are_only_their_own(pair, people):
    assert list(Pair.objects.for_user(people["camille"].user)) == [pair]
    assert list(Pair.objects.for_user(people["bernard"].user)) == [pair]
    assert list(Pair.objects.for_user(people["ines"].user)) == []
    assert list(Pair.objects.for_user(people["odile"].user)) == []


def test_closing_a_pair_records_the_date(pair):
    pair.close()
    pair.refresh_from_db()
    assert pair.status == Pair.Status.CLOSED and pair.closed_on >= pair.started_on
