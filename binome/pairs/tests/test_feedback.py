"""Feedback is private to its author; HR sees aggregates of 5 people or more."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from binome.pairs import services
from binome.pairs.models import Feedback, Meeting, Pair
from binome.people.models import Person
from binome.programs.models import Enrolment

from .conftest import paris


@pytest.fixture
def held(meeting):
    services.log_meeting(meeting=meeting, held=True, minutes=30)
    return meeting


def test_feedback_waits_until_the_session_is_held(meeting, enrolments):
    with pytest.raises(ValidationError) as excinfo:
        services.give_feedback(
            meeting=meeting, enrolment=enrolments["bernard"], rating=5, useful=True
        )
    assert excinfo.value.code == "not_held"


def test_each_person_gives_feedback_once_and_can_change_it(held, enrolments):
    for rating in (3, 4):
        services.give_feedback(
            meeting=held, enrolment=enrolments["bernard"], rating=rating, useful=True
        )
    assert Feedback.objects.get().rating == 4


def test_the_partner_never_sees_my_feedback(client, people, pair, held):
    client.force_login(people["bernard"].user)
    url = reverse("pairs:feedback", args=[pair.pk, held.pk])
    client.post(url, {"rating": "2", "useful": "0", "comment": "Trop rapide"})
    assert Feedback.objects.get().comment == "Trop rapide"
    client.force_login(people["camille"].user)
    page = client.get(reverse("pairs:meeting", args=[pair.pk, held.pk]))
    assert "Trop rapide" not in page.content.decode()
    assert page.context["feedback"] is None


def _more_pairs(pilot, org, count):
    """`count` more pairs in the pilot, each with a held session."""
    meetings = []
    for i in range(count):
        enrolments = []
        for role in ("mentor", "mentee"):
            person = Person.objects.create(
                organisation=org, first_name=f"P{i}{role}", last_name="Test", level=2
            )
            enrolments.append(
                Enrolment.objects.create(
                    programme=pilot,
                    person=person,
                    role=role,
                    status="accepted",
                    consent_at=paris(2026, 9, 1, 9, 0),
                )
            )
        pair = Pair.objects.create(mentor=enrolments[0], mentee=enrolments[1])
        meetings.append(
            Meeting.objects.create(
                pair=pair,
                starts_at=paris(2026, 9, 15, 9, 0),
                status="held",
                held_minutes=30,
            )
        )
    return meetings


def test_hr_sees_nothing_under_five_people(pilot, held, enrolments, org):
    for who in ("camille", "bernard"):
        services.give_feedback(
            meeting=held, enrolment=enrolments[who], rating=5, useful=True
        )
    extra = _more_pairs(pilot, org, 1)
    services.give_feedback(
        meeting=extra[0], enrolment=extra[0].pair.mentee, rating=1, useful=False
    )
    assert Feedback.objects.count() == 3
    assert services.programme_feedback(pilot) is None


def test_hr_sees_only_aggregates_from_five_people(login, people, pilot, held, org):
    extra = _more_pairs(pilot, org, 2)
    services.give_feedback(
        meeting=held,
        enrolment=held.pair.mentee,
        rating=5,
        useful=True,
        comment="Très confidentiel",
    )
    for m in extra:
        for author in (m.pair.mentor, m.pair.mentee):
            services.give_feedback(meeting=m, enrolment=author, rating=4, useful=False)
    summary = services.programme_feedback(pilot)
    assert summary is not None
    assert (summary.people, summary.answers) == (5, 5)
    assert (summary.average, summary.useful_percent) == (4.2, 20)
    response = login(people["odile"]).get(reverse("pairs:activity", args=[pilot.slug]))
    assert response.context["feedback"] == summary
    assert "Très confidentiel" not in response.content.decode()


def test_one_person_answering_twice_counts_once(pilot, meetings, enrolments, org):
    for m in meetings[:5]:
        services.log_meeting(meeting=m, held=True)
        services.give_feedback(
            meeting=m, enrolment=enrolments["bernard"], rating=5, useful=True
        )
    extra = _more_pairs(pilot, org, 2)
    for m in extra:
        services.give_feedback(
            meeting=m, enrolment=m.pair.mentee, rating=3, useful=True
        )
    assert services.programme_feedback(pilot) is None  # 3 people, 7 answers
    services.give_feedback(
        meeting=extra[0], enrolment=extra[0].pair.mentor, rating=3, useful=True
    )
    services.give_feedback(
        meeting=extra[1], enrolment=extra[1].pair.mentor, rating=3, useful=True
    )
    summary = services.programme_feedback(pilot)
    assert summary is not None and summary.people == 5
