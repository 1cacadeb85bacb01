import json

import pytest

from binome.accounts.models import AuditEvent
from binome.privacy.export import export_data, export_json
from binome.privacy.subject import Subject

from .conftest import EMAIL, PARTNER_PRIVATE

PLANTED = [
    "Zéphyrine",
    "Quillebeuf",
    EMAIL,
    "EMP-PLANTED-4242",
    "PLANTED-JOB",
    "PLANTED-INTEREST",
    "PLANTED-MOTIVATION",
    "PLANTED-MOTIVATION-2",
    "PLANTED-GOAL-TITLE",
    "PLANTED-GOAL-KPI",
    "PLANTED-CASTING",
    "PLANTED-COFFEE",
    "PLANTED-OBJECTIVE",
    "PLANTED-KPI",
    "PLANTED-LEARNED",
    "PLANTED-AGENDA",
    "PLANTED-PRIVATE-NOTE",
    "PLANTED-ACTION",
    "PLANTED-FEEDBACK",
    "PLANTED-SURVEY",
    "PLANTED-PULSE",
    "PLANTED-CONCERN",
    "PLANTED-TOKEN",
    "PLANTED-BROWSER",
    "203.0.113.7",
]


@pytest.fixture
def data(zephyrine):
    return export_data(Subject.for_user(zephyrine["user"]))


def test_export_contains_everything_planted(data):
    text = json.dumps(data, ensure_ascii=False)
    missing = [s for s in PLANTED if s not in text]
    assert missing == []


def test_export_has_a_section_for_each_kind_of_data(data):
    sections = data["sections"]
    for label in (
        "accounts.user",
        "people.person",
        "programs.consentrecord",
        "programs.enrolment",
        "skills.assessment",
        "programs.goal",
        "programs.coffeechat",
        "pairs.pair",
        "pairs.charter",
        "pairs.meeting",
        "pairs.feedback",
        "pairs.reminderpreference",
        "pairs.sentreminder",
        "accounts.auditevent",
        "django_tasks_database.dbtaskresult",
    ):
        assert sections[label], label
    assert sections["skills.assessment"][0]["levels"] == {"crcn-2-1": 2}
    assert {c["kind"] for c in sections["programs.consentrecord"]} == {
        "enrolment",
        "talent_flag",
    }
    assert sections["pairs.pair"][0]["partner"] == "Inès Benhamou"


def test_export_leaves_out_the_partners_private_data(data):
    text = json.dumps(data, ensure_ascii=False)
    assert [s for s in PARTNER_PRIVATE if s in text] == []


def test_export_never_names_the_casting_assessor(data, people):
    review = data["sections"]["programs.castingreview"][0]
    assert review["comment"] == "PLANTED-CASTING"
    assert "reviewer" not in review
    assert "Odile" not in json.dumps(data["sections"]["programs.castingreview"])


def test_casting_grids_can_be_left_out_of_the_export(zephyrine, settings):
    settings.PRIVACY_EXPORT_CASTING_REVIEWS = False
    data = export_data(Subject.for_user(zephyrine["user"]))
    assert data["sections"]["programs.castingreview"] == []


def test_export_never_holds_secrets(zephyrine):
    text = export_json(Subject.for_user(zephyrine["user"]))
    assert zephyrine["user"].password not in text
    assert "feed_token" not in text
    assert "secret_hash" not in text
    assert "PLANTEDSECRET" not in text  # the second factor's secret


def test_export_of_someone_else_is_not_in_my_export(zephyrine, people):
    data = export_data(Subject.for_user(people["bernard"].user))
    assert "PLANTED" not in json.dumps(data, ensure_ascii=False)
    assert not AuditEvent.objects.filter(action="export").exists()  # no view: no log


def test_the_story_plants_something_in_every_personal_table(data):
    # So that the erasure test below sees every table: a new table of personal
    # data must get a row in the conftest's story.
    from binome.privacy.registry import installed_entries

    empty = [e.label for e, _t in installed_entries() if not data["sections"][e.label]]
    assert empty == []
