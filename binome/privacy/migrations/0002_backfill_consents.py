"""Open the consent register with the consents given before it existed: each
enrolment's consent (with the notice version it recorded) and each talent
opt-in (the notice had no version then: « before-2026-11 »)."""

from django.db import migrations


def backfill(apps, schema_editor):
    Enrolment = apps.get_model("programs", "Enrolment")
    TalentFlag = apps.get_model("pairs", "TalentFlag")
    ConsentRecord = apps.get_model("privacy", "ConsentRecord")
    records = [
        ConsentRecord(
            person_id=e.person_id,
            enrolment_id=e.pk,
            kind="enrolment",
            notice_version=e.consent_version or "unknown",
            given_at=e.consent_at,
            withdrawn_at=e.withdrawn_at
            if e.withdrawn_at and e.withdrawn_at >= e.consent_at
            else None,
        )
        for e in Enrolment.objects.filter(consent_at__isnull=False)
    ]
    records += [
        ConsentRecord(
            person_id=f.enrolment.person_id,
            enrolment_id=f.enrolment_id,
            kind="talent_flag",
            notice_version="before-2026-11",
            given_at=f.opted_in_at,
        )
        for f in TalentFlag.objects.select_related("enrolment")
    ]
    ConsentRecord.objects.bulk_create(records, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0001_consent_register"),
        ("programs", "0005_sponsors"),
        ("pairs", "0003_closing"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
