"""Recognition of the mentor's work (#18): the figures (held sessions only,
on the story's frozen clock), the « Votre contribution » block, and the
sharing with the line manager: only with the mentor's consent, given in the
final survey, seen once the programme is closed, e-mailed once."""

import datetime
import decimal

import pytest
from django.core import mail
from django.urls import reverse

from binome.pairs import recognition
from binome.pairs.models import ContributionShare, Meeting, Pair
from binome.programs.models import ConsentRecord, Enrolment, Programme
from conftest import DAY

from .conftest import paris

SURVEY = {
    "confidence_before": "2",
    "confidence_after": "4",
    "satisfaction": "5",
    "would_recommend": "yes",
    "comment": "",
}


@pytest.fixture
def held(pair, enrolments, people, pilot):
    """Camille's sessions with Bernard: 45 and 60 minutes held, one held
    without its length (30 planned), one missed, one cancelled, one to come;
    and an earlier pair of Camille's in a programme closed in 2025, with one
    held session of 90 minutes."""
    pair.started_on = datetime.date(2026, 9, 14)
    pair.save()
    for day, status, minutes in (
        (0, "held", 45),
        (14, "held", 60),
        (28, "held", None),
        (42, "missed", None),
        (56, "cancelled", None),
        (90, "planned", None),
    ):
        Meeting.objects.create(
            pair=pair,
            starts_at=paris(2026, 9, 14, 10, 0) + datetime.timedelta(days=day),
            duration_minutes=30,
            status=status,
            held_minutes=minutes,
        )
    earlier = Programme.objects.create(
        organisation=pilot.organisation,
        name="Pilote 2025",
        slug="pilote-2025",
        status=Programme.Status.CLOSED,
    )
    mentor = Enrolment.objects.create(
        programme=earlier,
        person=people["camille"],
        role="mentor",
        status="accepted",
        consent_at=DAY,
        consent_version="test",
    )
    mentee = Enrolment.objects.create(
        programme=earlier,
        person=people["xavier"],
        role="mentee",
        status="accepted",
        consent_at=DAY,
        consent_version="test",
    )
    old = Pair.objects.create(
        mentor=mentor,
        mentee=mentee,
        started_on=datetime.date(2025, 3, 3),
        status=Pair.Status.CLOSED,
    )
    Meeting.objects.create(
        pair=old,
        starts_at=paris(2025, 3, 10, 10, 0),
        status="held",
        held_minutes=90,
    )
    return pair


def test_the_figures_count_held_sessions_only(held, people, enrolments):
    everything = recognition.for_person(people["camille"])
    # 45 + 60 + 30 (planned length when none was logged) + 90.
    assert (everything.sessions, everything.minutes) == (4, 225)
    assert everything.hours == decimal.Decimal("3.8")
    assert everything.pairs == 2
    assert everything.since == datetime.date(2025, 3, 3)
    this_one = recognition.for_enrolment(enrolments["camille"])
    assert (this_one.sessions, this_one.minutes, this_one.pairs) == (3, 135, 1)
    # The mentee mentored nobody.
    assert recognition.for_user(people["bernard"].user) is None


def test_the_mentor_sees_their_contribution_the_mentee_does_not(held, people, login):
    camille = login(people["camille"])
    for url in (reverse("pairs:list"), reverse("pairs:workspace", args=[held.pk])):
        page = camille.get(url).content.decode().replace("\u00a0", " ")
        assert "Votre contribution" in page, url
        assert "<dd>4</dd>" in page and "<dd>3,8</dd>" in page, url
        assert "3 mars 2025" in page, url
    bernard = login(people["bernard"])
    for url in (reverse("pairs:list"), reverse("pairs:workspace", args=[held.pk])):
        assert "Votre contribution" not in bernard.get(url).text


@pytest.fixture
def reports_to_victor(people):
    camille = people["camille"]
    camille.manager = people["victor"]
    camille.save()
    return camille


def _close(pilot):
    Programme.objects.filter(pk=pilot.pk).update(status=Programme.Status.CLOSED)


def test_consent_in_the_survey_then_the_line_manager_sees_it_once_closed(
    held, people, login, pilot, enrolments, reports_to_victor
):
    camille = login(people["camille"])
    survey = reverse("insights:survey", args=[held.pk])
    form = camille.get(survey)
    assert "mon manager, Victor Hugo" in form.text
    camille.post(survey, {**SURVEY, "share_contribution": "on"})
    share = ContributionShare.objects.get(enrolment=enrolments["camille"])
    assert share.sent_at is None  # the programme is still running
    (consent,) = ConsentRecord.objects.current().filter(kind="contribution_share")
    assert consent.enrolment == enrolments["camille"]
    assert mail.outbox == []

    team = reverse("pairs:team_contributions")
    victor = login(people["victor"])
    assert "Camille Rivière" not in victor.get(team).text  # not closed yet
    _close(pilot)
    page = victor.get(team).content.decode().replace("\u00a0", " ")
    assert "Camille Rivière" in page
    home = victor.get(reverse("home")).text
    assert "1 personne de votre équipe a partagé" in home
    assert team in home
    assert "<td>3</td><td>2,3</td><td>1</td>" in page  # this programme only
    # Nobody else: not the programme's manager, not the mentee.
    for who in ("odile", "bernard", "xavier"):
        assert "Camille Rivière" not in login(people[who]).get(team).text, who


def test_the_line_manager_is_emailed_once_at_the_closing(
    held,
    people,
    login,
    pilot,
    enrolments,
    reports_to_victor,
    django_capture_on_commit_callbacks,
):
    from binome.pairs import closing

    recognition.set_share(enrolment=enrolments["camille"], shared=True)
    with django_capture_on_commit_callbacks(execute=True):
        closing.close_programme(programme=pilot, by=people["odile"].user)
    to_victor = [m for m in mail.outbox if m.to == ["victor@test.example"]]
    assert len(to_victor) == 1
    assert "Camille Rivière" in to_victor[0].subject
    assert reverse("pairs:team_contributions") in to_victor[0].body
    assert ContributionShare.objects.get().sent_at is not None
    # Again (a retried task): nothing more.
    assert recognition.tell_line_managers(pilot) == 0


def test_without_consent_the_closing_tells_the_line_manager_nothing(
    held,
    people,
    pilot,
    reports_to_victor,
    django_capture_on_commit_callbacks,
):
    from binome.pairs import closing

    with django_capture_on_commit_callbacks(execute=True):
        closing.close_programme(programme=pilot, by=people["odile"].user)
    assert mail.outbox  # the participants were told
    assert not [m for m in mail.outbox if "victor@test.example" in m.to]
    assert recognition.shared_with(people["victor"].user) == []


def test_consent_after_the_closing_tells_the_line_manager_right_away(
    held,
    people,
    login,
    pilot,
    enrolments,
    reports_to_victor,
    django_capture_on_commit_callbacks,
):
    _close(pilot)
    with django_capture_on_commit_callbacks(execute=True):
        login(people["camille"]).post(
            reverse("insights:survey", args=[held.pk]),
            {**SURVEY, "share_contribution": "on"},
        )
    (email,) = mail.outbox
    assert email.to == ["victor@test.example"]


def test_no_consent_nothing_shared_and_withdrawing_takes_it_back(
    held, people, login, pilot, enrolments, reports_to_victor
):
    # One test client: each login() replaces the previous session.
    survey = reverse("insights:survey", args=[held.pk])
    team = reverse("pairs:team_contributions")
    login(people["camille"]).post(survey, SURVEY)
    assert not ContributionShare.objects.exists()
    _close(pilot)
    assert "Camille Rivière" not in login(people["victor"]).get(team).text

    login(people["camille"]).post(survey, {**SURVEY, "share_contribution": "on"})
    assert "Camille Rivière" in login(people["victor"]).get(team).text
    login(people["camille"]).post(survey, SURVEY)  # the box unticked: withdrawn
    assert not ContributionShare.objects.exists()
    assert "Camille Rivière" not in login(people["victor"]).get(team).text
    record = ConsentRecord.objects.filter(kind="contribution_share").latest("pk")
    assert record.withdrawn_at is not None


def test_without_a_line_manager_or_as_a_mentee_the_choice_is_not_offered(
    held, people, login
):
    survey = reverse("insights:survey", args=[held.pk])
    assert "share_contribution" not in login(people["camille"]).get(survey).text
    assert "share_contribution" not in login(people["bernard"]).get(survey).text
    # A forged field from a mentee changes nothing.
    login(people["bernard"]).post(survey, {**SURVEY, "share_contribution": "on"})
    assert not ContributionShare.objects.exists()
