import dataclasses
import datetime

import pytest

from binome.accounts.models import AuditEvent, User
from binome.insights.indicators import dashboard
from binome.insights.tests.conftest import TODAY
from binome.pairs.models import Feedback, Meeting, Pair
from binome.people.models import Person
from binome.privacy.erasure import end_participation, erase_person, live_enrolments
from binome.privacy.subject import Subject
from binome.programs.models import ConsentRecord, Enrolment

from .conftest import NEEDLES, PARTNER_KEPT
from .dump import occurrences, raw_rows
from .erasure_helpers import snapshot


def test_planted_strings_are_in_the_database_before(zephyrine):
    # The dump test below could not fail if the strings were never there.
    hits = occurrences(NEEDLES)
    tables = {hit.split(":")[0] for hit in hits}
    assert "dumpdata" in tables
    assert {"people_person", "pairs_meeting", "axes_accessattempt"} <= tables


def test_no_planted_string_remains_anywhere_after_erasure(zephyrine):
    erase_person(Subject.for_user(zephyrine["user"]))
    assert occurrences(NEEDLES) == []


def test_the_partners_own_data_are_kept(zephyrine):
    erase_person(Subject.for_user(zephyrine["user"]))
    text = "\n".join(value for _table, value in raw_rows())
    assert [s for s in PARTNER_KEPT if s not in text] == []
    meeting = Meeting.objects.get(pk=zephyrine["meeting"].pk)
    assert meeting.notes == "Notes partagées avec [effacé]"
    assert meeting.mentor_learned == "INES-LEARNED-PRIVATE"
    assert meeting.mentee_learned == ""
    assert meeting.status == "held" and meeting.held_minutes == 30


def test_the_account_is_closed_and_sessions_end(zephyrine, client):
    user = zephyrine["user"]
    client.force_login(user)
    erase_person(Subject.for_user(user))
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert user.email.endswith("@erased.invalid")
    assert (user.first_name, user.last_name) == ("", "")
    assert client.get("/compte/donnees/").status_code == 302  # logged out


def test_counted_rows_stay_pseudonymised(zephyrine):
    erase_person(Subject.for_user(zephyrine["user"]))
    person = Person.objects.get(pk=zephyrine["person"].pk)
    assert person.full_name == "Personne effacée"
    assert person.department is not None and person.level == 4
    assert Pair.objects.filter(pk=zephyrine["pair"].pk).exists()
    assert Feedback.objects.filter(author=zephyrine["enrolment"], rating=4).exists()


def test_live_participations_end_and_consents_are_withdrawn(zephyrine):
    erase_person(Subject.for_user(zephyrine["user"]))
    candidate = Enrolment.objects.get(pk=zephyrine["candidate"].pk)
    assert candidate.status == Enrolment.Status.WITHDRAWN
    assert Pair.objects.get(pk=zephyrine["pair"].pk).status == "closed"
    records = ConsentRecord.objects.filter(person=zephyrine["person"])
    assert records.count() == 2
    assert not records.filter(withdrawn_at__isnull=True).exists()


def test_the_audit_log_keeps_ids_only(zephyrine):
    user = zephyrine["user"]
    erase_person(Subject.for_user(user))
    events = AuditEvent.objects.filter(target=f"user:{user.pk}")
    assert set(events.values_list("action", flat=True)) >= {"login", "erasure"}
    assert not events.filter(ip_address__isnull=False).exists()
    erasure = events.get(action="erasure")
    assert erasure.details["withdrawn"] == 2
    with pytest.raises(PermissionError):
        erasure.delete()


def test_a_person_without_account_can_be_erased(zephyrine, org):
    person = Person.objects.create(
        organisation=org,
        first_name="Planted",
        last_name="Nobody",
        email="nobody@planted.example",
    )
    erase_person(Subject(user=None, person=person))
    person.refresh_from_db()
    assert (person.first_name, person.email) == ("Personne", "")
    assert AuditEvent.objects.filter(
        target=f"person:{person.pk}", action="erasure"
    ).exists()


def test_erasure_is_all_or_nothing(zephyrine, monkeypatch):
    from binome.privacy import registry

    def boom(subject):
        raise RuntimeError("disk full")

    # The account is erased last: everything else was written when it fails.
    assert registry.erase_order()[-1].label == "accounts.user"
    entry = registry.REGISTRY["accounts.user"]
    monkeypatch.setitem(
        registry.REGISTRY, "accounts.user", dataclasses.replace(entry, erase=boom)
    )
    with pytest.raises(RuntimeError):
        erase_person(Subject.for_user(zephyrine["user"]))
    assert User.objects.get(pk=zephyrine["user"].pk).is_active
    assert Person.objects.get(pk=zephyrine["person"].pk).first_name == "Zéphyrine"
    enrolment = Enrolment.objects.get(
        person=zephyrine["person"], programme__slug="pilote"
    )
    assert enrolment.motivation == "PLANTED-MOTIVATION"
    assert enrolment.withdrawn_at is None
    assert ConsentRecord.objects.filter(
        enrolment=enrolment, withdrawn_at__isnull=True
    ).exists()


# --- Indicators: the insights dataset (7 pairs, every figure known) --------------


@pytest.mark.parametrize("who", ["mentees", "mentors"])
def test_indicators_are_identical_after_erasure_in_a_closed_programme(
    dataset, pilot, who
):
    pilot.status = "closed"
    pilot.save()
    before = snapshot(dashboard(pilot, today=TODAY))
    erase_person(Subject(user=None, person=dataset[who][0]))
    assert snapshot(dashboard(pilot, today=TODAY)) == before


def test_indicators_change_with_the_withdrawal_never_with_the_erasure(dataset, pilot):
    subject = Subject(user=None, person=dataset["mentees"][0])
    end_participation(subject)  # a running programme: the pair ends first
    before = snapshot(dashboard(pilot, today=TODAY))
    erase_person(subject)
    assert snapshot(dashboard(pilot, today=TODAY)) == before


def test_the_erased_persons_figures_still_count(dataset, pilot):
    pilot.status = "closed"
    pilot.save()
    board = dashboard(pilot, today=TODAY)
    erase_person(Subject(user=None, person=dataset["mentees"][0]))
    after = dashboard(pilot, today=TODAY)
    assert after.headline.pairs.value == board.headline.pairs.value == 7
    assert str(after.ratings.average) == str(board.ratings.average)
    assert after.headline.sessions_held.value == board.headline.sessions_held.value


def test_snapshot_sees_a_changed_figure(dataset, pilot):
    # The comparison above would pass on anything if snapshot() saw nothing.
    before = snapshot(dashboard(pilot, today=TODAY))
    Meeting.objects.filter(pair=dataset["pairs"][0], status="held").update(
        held_minutes=45
    )
    assert snapshot(dashboard(pilot, today=TODAY)) != before
    assert datetime.date(2026, 11, 22) == TODAY


def test_namesakes_are_left_alone_outside_the_persons_own_pairs(zephyrine):
    """Other people's emails and messages are searched with full names, emails
    and the employee id only: a first name alone would hit a namesake."""
    from binome.privacy.subject import redact

    subject = Subject.for_user(zephyrine["user"])
    assert "Zéphyrine" in subject.identifiers
    assert "Zéphyrine" not in subject.strong_identifiers
    assert {"Zéphyrine Quillebeuf", "EMP-PLANTED-4242"} <= set(
        subject.strong_identifiers
    )
    text = "Rappel pour Zéphyrine Martin ; Zéphyrine Quillebeuf a annulé."
    assert (
        redact(text, subject.strong_identifiers)
        == "Rappel pour Zéphyrine Martin ; [effacé] a annulé."
    )


def test_an_administrators_trail_is_neither_exported_nor_erased(zephyrine, people):
    """What an administrator did to the person (from their own address) is
    the administrator's data: not in the person's export, kept on erasure."""
    from binome.privacy.export import export_json

    user = zephyrine["user"]
    admin_event = AuditEvent.objects.create(
        action="export",
        actor=people["odile"].user,
        target=f"user:{user.pk}",
        ip_address="192.0.2.50",
        details={"format": "json"},
    )
    exported = export_json(Subject.for_user(user))
    assert "192.0.2.50" not in exported
    assert "203.0.113.7" in exported  # the person's own logins are there
    erase_person(Subject.for_user(user))
    admin_event = AuditEvent.objects.get(pk=admin_event.pk)
    assert admin_event.ip_address == "192.0.2.50"
    assert admin_event.actor == people["odile"].user


def test_an_unanswered_invitation_stays_an_invitation(org, recruiting):
    # The database keeps an enrolment without consent « invited »: erasure
    # must not try to withdraw it (it used to fail on that constraint).
    person = Person.objects.create(
        organisation=org, first_name="Invité", last_name="Silencieux"
    )
    invitation = Enrolment.objects.create(
        programme=recruiting,
        person=person,
        role="mentee",
        status="invited",
        motivation="PLANTED",
    )
    subject = Subject(user=None, person=person)
    assert live_enrolments(subject) == []
    erase_person(subject)
    invitation.refresh_from_db()
    assert (invitation.status, invitation.motivation) == ("invited", "")
    assert AuditEvent.objects.get(action="erasure").details["withdrawn"] == 0
