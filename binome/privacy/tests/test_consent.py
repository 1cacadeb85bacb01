import pytest
from django.db import IntegrityError, transaction

from binome.pairs import closing
from binome.privacy.models import ConsentRecord
from binome.programs import services
from binome.programs.models import Enrolment


def test_volunteering_records_the_notice_version_and_time(recruiting, people):
    enrolment = services.volunteer(
        programme=recruiting, person=people["camille"], role="mentor", consent=True
    )
    record = ConsentRecord.objects.get()
    assert record.kind == "enrolment"
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


def test_talent_opt_in_and_out_are_recorded(enrolments):
    camille = enrolments["camille"]
    closing.set_talent_opt_in(enrolment=camille, opted_in=True)
    closing.set_talent_opt_in(enrolment=camille, opted_in=True)  # no duplicate
    record = ConsentRecord.objects.get(kind="talent_flag")
    assert record.notice_version == closing.TALENT_NOTICE_VERSION
    closing.set_talent_opt_in(enrolment=camille, opted_in=False)
    record.refresh_from_db()
    assert record.withdrawn_at is not None
    closing.set_talent_opt_in(enrolment=camille, opted_in=False)  # nothing to close
    assert ConsentRecord.objects.filter(kind="talent_flag").count() == 1


def test_one_open_consent_per_enrolment_and_kind(enrolments):
    camille = enrolments["camille"]
    ConsentRecord.objects.create(
        person=camille.person,
        enrolment=camille,
        kind="enrolment",
        notice_version="v1",
        given_at=camille.consent_at,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsentRecord.objects.create(
            person=camille.person,
            enrolment=camille,
            kind="enrolment",
            notice_version="v2",
            given_at=camille.consent_at,
        )


def test_backfill_migration_registers_earlier_consents(enrolments, people):
    from importlib import import_module

    from django.apps import apps

    from binome.pairs.models import TalentFlag

    TalentFlag.objects.create(enrolment=enrolments["camille"])
    Enrolment.objects.filter(pk=enrolments["ines"].pk).update(
        status="withdrawn", withdrawn_at=enrolments["ines"].consent_at
    )
    migration = import_module("binome.privacy.migrations.0002_backfill_consents")
    migration.backfill(apps, None)
    assert ConsentRecord.objects.filter(kind="enrolment").count() == 3
    assert ConsentRecord.objects.get(kind="talent_flag").person == people["camille"]
    ines = ConsentRecord.objects.get(enrolment=enrolments["ines"])
    assert ines.notice_version == "test" and ines.withdrawn_at is not None
