"""The home page's to-do list: each role's items appear when something waits,
link to where it is done, and disappear once it is done. The story's clock:
22 November 2026, the pilot (14 September – 18 December) is running."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from binome import todo
from binome.matching.models import MatchingRound
from binome.pairs import services as pair_services
from binome.pairs.models import (
    ActionItem,
    AgendaItem,
    ClosingSurvey,
    Feedback,
    Meeting,
    Pair,
)
from binome.programs.models import Enrolment, Invitation, ProfileCorrection, Programme
from binome.skills.models import Assessment

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
DAY = datetime.datetime(2026, 9, 2, 9, 0, tzinfo=datetime.UTC)


def keys(response) -> list[str]:
    return re.findall(r'data-todo="([a-z_]+)"', response.text)


def home(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def enrol(programme, person, role, status=Enrolment.Status.ACCEPTED):
    return Enrolment.objects.create(
        programme=programme,
        person=person,
        role=role,
        status=status,
        consent_at=DAY,
        consent_version="test",
    )


# --- Managers ---------------------------------------------------------------


def test_a_manager_with_nothing_waiting_is_told_kindly(login, people, pilot):
    page = home(login(people["odile"]))
    assert keys(page) == []
    assert "Rien ne vous attend ici" in page.text
    assert "Pilote" in page.text


def test_candidates_to_review_appear_then_go_once_decided(login, people, recruiting):
    mentor = enrol(
        recruiting, people["camille"], "mentor", Enrolment.Status.VOLUNTEERED
    )
    mentee = enrol(
        recruiting, people["bernard"], "mentee", Enrolment.Status.VOLUNTEERED
    )
    client = login(people["odile"])
    page = home(client)
    assert {"casting", "mentees"} <= set(keys(page))
    assert reverse("programs:casting", args=["vague"]) in page.text
    assert "status=volunteered&amp;role=mentee" in page.text
    assert "1 candidat mentor attend votre décision" in page.text
    for enrolment in (mentor, mentee):
        enrolment.status = Enrolment.Status.ACCEPTED
        enrolment.save()
    assert not {"casting", "mentees"} & set(keys(home(client)))


def test_people_invited_who_did_not_answer_appear_until_they_answer(
    login, people, recruiting
):
    invitation = Invitation.objects.create(
        programme=recruiting,
        person=people["xavier"],
        email="xavier@test.example",
        invited_by=people["odile"].user,
        sent_at=timezone.now() - datetime.timedelta(days=4),
    )
    client = login(people["odile"])
    page = home(client)
    assert "invitations" in keys(page)
    assert reverse("programs:invitations", args=["vague"]) + "#follow-title" in (
        page.text
    )
    invitation.declined_at = timezone.now()
    invitation.save()
    assert "invitations" not in keys(home(client))


def test_a_fresh_invitation_is_not_yet_a_to_do(login, people, recruiting):
    Invitation.objects.create(
        programme=recruiting,
        person=people["xavier"],
        email="xavier@test.example",
        sent_at=timezone.now() - datetime.timedelta(days=1),
    )
    assert "invitations" not in keys(home(login(people["odile"])))


def test_a_finished_round_waits_to_be_published(login, people, recruiting):
    round_ = MatchingRound.objects.create(
        programme=recruiting, number=2, status=MatchingRound.Status.DONE
    )
    MatchingRound.objects.create(
        programme=recruiting, number=1, status=MatchingRound.Status.DONE
    )
    client = login(people["odile"])
    page = home(client)
    assert keys(page).count("round") == 1
    assert reverse("matching:round", args=["vague", 2]) in page.text
    round_.published_at = timezone.now()
    round_.save()
    assert "round" not in keys(home(client))


def test_profile_corrections_wait_for_an_answer(login, people, enrolments):
    correction = ProfileCorrection.objects.create(
        person=people["camille"], field="site", proposed_value="Lyon"
    )
    client = login(people["odile"])
    page = home(client)
    assert "corrections" in keys(page)
    assert reverse("programs:corrections", args=["pilote"]) in page.text
    correction.status = ProfileCorrection.Status.ACCEPTED
    correction.save()
    assert "corrections" not in keys(home(client))


def test_pairs_at_risk_link_to_the_health_page_and_to_their_nudge(login, people, pair):
    # Started on 1 October, no session since: at risk on 22 November.
    Pair.objects.filter(pk=pair.pk).update(started_on=datetime.date(2026, 10, 1))
    client = login(people["odile"])
    page = home(client)
    assert "at_risk" in keys(page)
    assert reverse("programme_health", args=["pilote"]) in page.text
    assert reverse("pairs:nudge", args=[pair.pk]) in page.text
    # The home never says why: no risk signal on it.
    assert "séance tenue depuis" not in page.text
    pair.close()
    assert "at_risk" not in keys(home(client))


def test_the_closing_is_due_near_the_end_and_gone_once_closed(login, people, pilot):
    client = login(people["odile"])
    assert "closing" not in keys(home(client))
    with time_machine.travel(datetime.datetime(2026, 12, 10, 9, 0, tzinfo=PARIS)):
        client = login(people["odile"])
        page = home(client)
        assert "closing" in keys(page)
        assert reverse("insights:closing", args=["pilote"]) in page.text
        assert "se termine le 18 décembre 2026" in page.text
    with time_machine.travel(datetime.datetime(2026, 12, 21, 9, 0, tzinfo=PARIS)):
        client = login(people["odile"])
        assert "s’est terminé le 18 décembre 2026" in home(client).text
        pilot.status = Programme.Status.CLOSED
        pilot.save()
        assert "closing" not in keys(home(client))


def test_the_managers_to_do_costs_the_same_queries_for_many_pairs(
    people, pilot, org, django_assert_max_num_queries
):
    from binome.people.models import Person

    def add_pairs(n, start):
        for i in range(start, start + n):
            mentor = Person.objects.create(
                organisation=org, first_name=f"M{i}", last_name=f"Mentor{i}"
            )
            mentee = Person.objects.create(
                organisation=org, first_name=f"E{i}", last_name=f"Mentee{i}"
            )
            Pair.objects.create(
                mentor=enrol(pilot, mentor, "mentor"),
                mentee=enrol(pilot, mentee, "mentee"),
                started_on=datetime.date(2026, 10, 1),
            )

    user = people["odile"].user
    add_pairs(3, 0)
    with CaptureQueriesContext(connection) as few:
        groups = todo.for_manager(user)
    assert groups[0].items[0].count == 3
    add_pairs(60, 3)
    with django_assert_max_num_queries(len(few)):
        groups = todo.for_manager(user)
    assert groups[0].items[0].count == 63
    assert len(groups[0].items[0].details) == todo.AT_RISK_SHOWN


def test_the_whole_home_of_a_manager_of_many_pairs_is_bounded(
    client, people, pilot, org, django_assert_max_num_queries
):
    from binome.people.models import Person

    for i in range(80):
        Pair.objects.create(
            mentor=enrol(
                pilot,
                Person.objects.create(organisation=org, first_name="M", last_name=i),
                "mentor",
            ),
            mentee=enrol(
                pilot,
                Person.objects.create(organisation=org, first_name="E", last_name=i),
                "mentee",
            ),
            started_on=datetime.date(2026, 10, 1),
        )
    client.force_login(people["odile"].user)
    with django_assert_max_num_queries(30):
        page = home(client)
    assert "at_risk" in keys(page)


def test_closed_programmes_leave_the_managers_to_do(login, people, pilot):
    pilot.status = Programme.Status.CLOSED
    pilot.save()
    assert todo.for_manager(people["odile"].user) == []


# --- Participants -----------------------------------------------------------


@pytest.fixture
def camille(login, people):
    return login(people["camille"])


def meeting_at(pair, when, **fields):
    return Meeting.objects.create(pair=pair, starts_at=when, **fields)


def test_the_charter_to_accept_until_accepted(camille, pair):
    assert "charter" in keys(home(camille))
    charter = pair_services.get_or_create_charter(pair=pair)
    charter.mentor_accepted_at = timezone.now()
    charter.save()
    assert "charter" not in keys(home(camille))


def test_an_empty_agenda_for_a_session_in_the_coming_days(camille, pair):
    soon = meeting_at(pair, timezone.now() + datetime.timedelta(days=3))
    page = home(camille)
    assert "agenda" in keys(page)
    assert reverse("pairs:meeting", args=[pair.pk, soon.pk]) + "#agenda" in page.text
    AgendaItem.objects.create(meeting=soon, text="Les outils de la DSI")
    assert "agenda" not in keys(home(camille))


def test_a_session_far_ahead_needs_no_agenda_yet(camille, pair):
    meeting_at(pair, timezone.now() + datetime.timedelta(days=20))
    assert "agenda" not in keys(home(camille))


def test_a_past_session_to_log_then_its_feedback(camille, pair, enrolments):
    past = meeting_at(pair, timezone.now() - datetime.timedelta(days=1))
    page = home(camille)
    assert "log" in keys(page)
    assert "feedback" not in keys(page)
    assert reverse("pairs:meeting", args=[pair.pk, past.pk]) + "#log" in page.text
    pair_services.log_meeting(meeting=past, held=True, minutes=30)
    page = home(camille)
    assert "log" not in keys(page)
    assert "feedback" in keys(page)
    Feedback.objects.create(
        meeting=past, author=enrolments["camille"], rating=4, useful=True
    )
    assert "feedback" not in keys(home(camille))


def test_the_partners_feedback_is_not_mine(camille, pair, enrolments):
    past = meeting_at(
        pair,
        timezone.now() - datetime.timedelta(days=2),
        status=Meeting.Status.HELD,
        held_minutes=30,
    )
    Feedback.objects.create(
        meeting=past, author=enrolments["bernard"], rating=4, useful=True
    )
    assert "feedback" in keys(home(camille))


def test_overdue_actions_until_done(camille, pair, enrolments):
    held = meeting_at(
        pair,
        timezone.now() - datetime.timedelta(days=10),
        status=Meeting.Status.HELD,
        held_minutes=30,
    )
    action = ActionItem.objects.create(
        meeting=held,
        text="Installer le gestionnaire de mots de passe",
        owner=enrolments["camille"],
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    ActionItem.objects.create(
        meeting=held,
        text="Pas à moi",
        owner=enrolments["bernard"],
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    page = home(camille)
    assert keys(page).count("actions") == 1
    assert "1 action a dépassé son échéance" in page.text
    assert "La faire ou la marquer faite" in page.text
    second = ActionItem.objects.create(
        meeting=held,
        text="Relire le compte rendu",
        owner=enrolments["camille"],
        due_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    page = home(camille)
    assert "2 actions ont dépassé leur échéance" in page.text
    assert "Les faire ou les marquer faites" in page.text
    second.delete()
    action.done_at = timezone.now()
    action.save()
    assert "actions" not in keys(home(camille))


def test_the_midway_self_assessment_is_due_from_half_way(camille, pair, people):
    # Half-way through the pilot is 1 November; the story is on 22 November.
    page = home(camille)
    assert "reassessment" in keys(page)
    assert reverse("pairs:reassessment", args=[pair.pk, "midway"]) in page.text
    Assessment.objects.create(person=people["camille"], phase="midway")
    assert "reassessment" not in keys(home(camille))
    with time_machine.travel(datetime.datetime(2026, 10, 20, 9, 0, tzinfo=PARIS)):
        Assessment.objects.all().delete()
        assert "reassessment" not in keys(home(camille))


def test_near_the_end_the_final_assessment_and_survey(login, people, pair, enrolments):
    with time_machine.travel(datetime.datetime(2026, 12, 10, 9, 0, tzinfo=PARIS)):
        camille = login(people["camille"])
        page = home(camille)
        assert {"survey", "reassessment"} <= set(keys(page))
        assert reverse("pairs:reassessment", args=[pair.pk, "final"]) in page.text
        assert reverse("insights:survey", args=[pair.pk]) in page.text
        ClosingSurvey.objects.create(
            pair=pair,
            author=enrolments["camille"],
            confidence_before=2,
            confidence_after=4,
            satisfaction=5,
            would_recommend=True,
        )
        assert "survey" not in keys(home(camille))


def test_after_the_closing_the_survey_is_still_asked(login, people, pair, pilot):
    with time_machine.travel(datetime.datetime(2026, 12, 21, 9, 0, tzinfo=PARIS)):
        camille = login(people["camille"])
        pair.close()
        pilot.status = Programme.Status.CLOSED
        pilot.save()
        page = home(camille)
        assert keys(page) == ["survey"]


def test_the_wizard_steps_not_done(login, people, recruiting):
    enrolment = enrol(
        recruiting, people["xavier"], "mentor", Enrolment.Status.VOLUNTEERED
    )
    page = home(login(people["xavier"]))
    assert keys(page) == ["journey"]
    assert f"/programmes/inscriptions/{enrolment.pk}/" in page.text


def test_an_invitation_not_answered_is_no_wizard_step_yet(login, people, recruiting):
    enrol(recruiting, people["xavier"], "mentor", Enrolment.Status.INVITED)
    assert "journey" not in keys(home(login(people["xavier"])))


def test_a_pair_with_everything_done_says_so(camille, pair, people):
    charter = pair_services.get_or_create_charter(pair=pair)
    charter.mentor_accepted_at = timezone.now()
    charter.save()
    Assessment.objects.create(person=people["camille"], phase="midway")
    page = home(camille)
    assert keys(page) == []
    assert "rien ne vous attend pour le moment" in page.text


def test_the_partner_sees_only_their_own_items(login, people, pair):
    charter = pair_services.get_or_create_charter(pair=pair)
    charter.mentor_accepted_at = timezone.now()
    charter.save()
    page = home(login(people["bernard"]))
    assert "charter" in keys(page)
    assert "charter" not in keys(home(login(people["camille"])))


def test_ines_sees_nothing_of_the_pair(login, people, pair):
    page = home(login(people["ines"]))
    assert reverse("pairs:workspace", args=[pair.pk]) not in page.text


# --- Sponsors ---------------------------------------------------------------


def test_a_sponsor_sees_the_latest_results_and_their_date(login, people, pilot):
    from binome.insights.models import DashboardSnapshot

    pilot.sponsors.add(people["xavier"].user)
    client = login(people["xavier"])
    page = home(client)
    assert keys(page) == ["results"]
    assert reverse("insights:dashboard", args=["pilote"]) in page.text
    assert "Résultats au 22 novembre 2026" in page.text
    DashboardSnapshot.objects.create(
        programme=pilot,
        language="fr",
        as_of=datetime.date(2026, 11, 20),
        computed_at=timezone.now(),
        viewed_at=timezone.now(),
        duration_ms=10,
        code_version="x",
        data=b"",
    )
    assert "Résultats au 20 novembre 2026" in home(client).text
