"""Add to the consent register (programs.ConsentRecord) the talent opt-ins
(« futurs talents ») given before it existed. The notice had no version then:
« before-2026-11 ». The enrolments' consents are backfilled by programs
(0007_backfill_enrolment_consents)."""

from django.db import migrations


def backfill(apps, schema_editor):
    TalentFlag = apps.get_model("pairs", "TalentFlag")
    ConsentRecord = apps.get_model("programs", "ConsentRecord")
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                person_id=f.enrolment.person_id,
                enrolment_id=f.enrolment_id,
                kind="talent_flag",
                notice_version="before-2026-11",
                given_at=f.opted_in_at,
            )
            for f in TalentFlag.objects.select_related("enrolment")
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("pairs", "0003_closing"),
        ("programs", "0006_consent_register"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
