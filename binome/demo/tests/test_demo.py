import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory

from binome.accounts.models import User
from binome.demo.services import DEMO_PASSWORD, load_demo
from binome.pairs.models import Pair
from binome.people.models import Department, Person
from binome.programs.models import (
    CoffeeChat,
    ConsentRecord,
    Enrolment,
    Programme,
    SkillWish,
)
from binome.skills.models import Assessment, AssessmentItem

pytestmark = pytest.mark.django_db

MODELS = [
    User,
    Person,
    Department,
    Programme,
    Enrolment,
    SkillWish,
    Pair,
    Assessment,
    AssessmentItem,
]


def _snapshot():
    return {
        model.__name__: sorted(model._default_manager.values_list("pk", flat=True))
        for model in MODELS
    } | {
        "people": sorted(
            Person.objects.values_list(
                "employee_id",
                "first_name",
                "last_name",
                "level",
                "manager__employee_id",
            )
        ),
        "pairs": sorted(
            Pair.objects.values_list("mentor__person__email", "mentee__person__email")
        ),
        "coffees": sorted(
            CoffeeChat.objects.values_list("mentor_id", "mentee_id", "status")
        ),
        "consents": ConsentRecord.objects.count(),
    }


@pytest.fixture(scope="module")
def _demo_once(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module in a transaction rolled back at
    its end; each test runs in a savepoint of it (pytest-django's ``db``
    nests in the open transaction), so none sees another's writes. Loading
    it takes seconds: once, not once per test."""
    import time_machine

    from conftest import STORY_NOW

    with django_db_blocker.unblock(), time_machine.travel(STORY_NOW, tick=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            load_demo()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(_demo_once, db):
    """The demo as loaded, seen from inside the test's savepoint."""


def test_demo_is_idempotent(demo):
    first = _snapshot()
    load_demo()
    assert _snapshot() == first


def test_every_demo_consent_is_in_the_register(demo):
    consented = Enrolment.objects.filter(consent_at__isnull=False)
    assert consented.count() > 60
    records = ConsentRecord.objects.filter(kind="enrolment")
    assert set(records.values_list("enrolment_id", flat=True)) == set(
        consented.values_list("pk", flat=True)
    )


def test_demo_command_prints_the_accounts(capsys, settings):
    settings.DEBUG = True  # as `make demo` runs it
    # Other tests of this module may have loaded the demo once for all:
    # the command is then run again, and must still print the accounts.
    call_command("demo")
    out = capsys.readouterr().out
    for email in ("rh@", "camille@", "bernard@", "ines@"):
        assert f"{email}binome.example" in out
    assert DEMO_PASSWORD in out


def test_demo_company_has_the_promised_shape(demo):
    assert Person.objects.count() >= 150
    assert Department.objects.count() >= 8
    assert set(Person.objects.values_list("level", flat=True)) == {1, 2, 3, 4, 5}
    # A single management tree: only the CEO has no manager.
    assert Person.objects.filter(manager=None).count() == 1
    assert all(
        "fr" in langs for langs in Person.objects.values_list("languages", flat=True)
    )


def test_demo_accounts_log_in_with_the_shared_password(demo, settings):
    for email in ("rh", "camille", "bernard", "ines"):
        assert authenticate(
            RequestFactory().post("/"),
            username=f"{email}@binome.example",
            password=DEMO_PASSWORD,
        )


def test_demo_pilot_runs_with_eight_pairs_including_camille_and_bernard(demo):
    pilot = Programme.objects.get(slug="pilote-2026")
    assert pilot.status == Programme.Status.RUNNING and pilot.is_pilot
    pairs = (
        Pair.objects.in_programme(pilot)
        .active()
        .select_related("mentor__person", "mentee__person")
    )
    assert pairs.count() == 8
    assert pairs.filter(
        mentor__person__email="camille@binome.example",
        mentee__person__email="bernard@binome.example",
    ).exists()
    for pair in pairs:
        mentor, mentee = pair.mentor.person, pair.mentee.person
        assert mentor.level < mentee.level
        assert mentor.department_id != mentee.department_id
        assert not mentor.in_reporting_line_with(mentee)


def test_demo_wave_has_sixty_enrolments_ready_to_match(demo):
    wave = Programme.objects.get(slug="vague-2027")
    assert wave.status == Programme.Status.RECRUITING
    enrolments = wave.enrolments.filter(status=Enrolment.Status.ACCEPTED)
    assert enrolments.count() == 60
    assert not enrolments.filter(consent_at=None).exists()
    mentors, mentees = enrolments.mentors().count(), enrolments.mentees().count()
    assert mentors > 0 and mentees > mentors
    ines = enrolments.get(person__email="ines@binome.example")
    assert not Pair.objects.filter(mentor=ines).exists()
    # Everyone has wishes to match on, and a baseline self-assessment.
    assert not enrolments.filter(skill_wishes=None).exists()
    assert not Person.objects.filter(
        enrolments__in=enrolments, assessments=None
    ).exists()


def test_rh_manages_both_programmes(demo):
    rh = User.objects.get(email="rh@binome.example")
    assert set(Programme.objects.managed_by(rh).values_list("slug", flat=True)) == {
        "pilote-2026",
        "vague-2027",
    }


def test_juniors_rate_themselves_higher_on_digital_than_seniors(demo):
    from django.db.models import Avg

    def mean(levels, kind):
        return AssessmentItem.objects.filter(
            assessment__person__level__in=levels, skill__area__kind=kind
        ).aggregate(m=Avg("level"))["m"]

    assert mean([1], "digital") > mean([5], "digital") + 1
    assert mean([5], "leadership") > mean([1], "leadership") + 1


def test_demo_shows_every_stage_of_the_journey(demo):
    from binome.programs.services import journey

    wave = Programme.objects.get(slug="vague-2027")
    statuses = set(wave.enrolments.values_list("status", flat=True))
    assert statuses == {"invited", "volunteered", "accepted", "withdrawn", "declined"}
    stopped_at = {
        next((s.key for s in journey(e) if not s.done), "complete")
        for e in wave.enrolments.filter(status="volunteered")
    }
    assert stopped_at == {"profile", "assessment", "goals"}
    # Accepted mentors are prepared (the wave requires it); some have a grid.
    mentors = wave.enrolments.filter(status="accepted", role="mentor")
    assert all(
        next(s for s in journey(m) if s.key == "preparation").done for m in mentors
    )
    assert 0 < mentors.filter(casting_reviews__isnull=False).count() < mentors.count()


def test_only_participants_have_self_assessments(demo):
    assessed = Person.objects.filter(assessments__isnull=False).distinct()
    assert assessed.count() < Person.objects.count()
    assert not assessed.filter(enrolments=None).exists()


def test_demo_has_cafes_virtuels_at_each_step(demo):
    from binome.programs.models import CoffeeChat

    statuses = set(CoffeeChat.objects.values_list("status", flat=True))
    assert statuses == {"requested", "accepted", "declined"}
    assert CoffeeChat.objects.filter(mentee_verdict="prefer").exists()
