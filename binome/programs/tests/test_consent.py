"""The consent register: volunteering and withdrawing write it directly."""

from importlib import import_module

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from binome.programs import services
from binome.programs.models import ConsentRecord, Enrolment
from binome.tests.constraints import violates


def test_volunteering_records_the_notice_version_and_time(recruiting, people):
    enrolment = services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )
    record = ConsentRecord.objects.get()
    assert record.kind == ConsentRecord.Kind.ENROLMENT
    assert record.enrolment == enrolment
    assert record.person == people["camille"]
    assert record.notice_version == services.CONSENT_VERSION
    assert record.given_at == enrolment.consent_at
    assert record.is_current


def test_withdrawal_is_recorded_and_a_new_consent_opens_a_new_record(
    recruiting, people
):
    enrolment = services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )
    services.withdraw(enrolment=enrolment, erase=False)
    record = ConsentRecord.objects.get()
    enrolment.refresh_from_db()
    assert record.withdrawn_at == enrolment.withdrawn_at
    services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )
    assert ConsentRecord.objects.count() == 2
    assert ConsentRecord.objects.current().count() == 1


def test_recording_again_closes_the_open_record_of_that_kind(enrolments):
    camille = enrolments["camille"]
    first = services.record_consent(enrolment=camille, kind="enrolment", version="v1")
    services.record_consent(enrolment=camille, kind="talent_flag", version="v1")
    second = services.record_consent(enrolment=camille, kind="enrolment", version="v2")
    first.refresh_from_db()
    assert first.withdrawn_at == second.given_at
    assert ConsentRecord.objects.current().count() == 2


def test_one_open_consent_per_enrolment_and_kind(enrolments):
    camille = enrolments["camille"]
    ConsentRecord.objects.create(
        person=camille.person,
        enrolment=camille,
        kind="enrolment",
        notice_version="v1",
        given_at=camille.consent_at,
    )
    with (
        pytest.raises(
            IntegrityError,
            match=violates(ConsentRecord, "consent_one_open_per_enrolment"),
        ),
        transaction.atomic(),
    ):
        ConsentRecord.objects.create(
            person=camille.person,
            enrolment=camille,
            kind="enrolment",
            notice_version="v2",
            given_at=camille.consent_at,
        )


def test_backfill_migration_registers_earlier_consents(enrolments):
    ines = enrolments["ines"]
    Enrolment.objects.filter(pk=ines.pk).update(
        status="withdrawn", withdrawn_at=ines.consent_at
    )
    migration = import_module(
        "binome.programs.migrations.0007_backfill_enrolment_consents"
    )
    migration.backfill(apps, None)
    assert ConsentRecord.objects.filter(kind="enrolment").count() == 3
    assert not ConsentRecord.objects.filter(kind="talent_flag").exists()
    record = ConsentRecord.objects.get(enrolment=ines)
    assert record.person == ines.person
    assert record.notice_version == "test" and record.withdrawn_at is not None
