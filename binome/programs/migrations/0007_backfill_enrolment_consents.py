"""Open the consent register with the consents given before it existed: each
enrolment's consent, with the notice version it recorded. The talent opt-ins
of the closing survey are backfilled by pairs (0004_backfill_talent_consents),
which owns them: programs sits below pairs and does not read its tables."""

from django.db import migrations


def backfill(apps, schema_editor):
    Enrolment = apps.get_model("programs", "Enrolment")
    ConsentRecord = apps.get_model("programs", "ConsentRecord")
    ConsentRecord.objects.bulk_create(
        [
            ConsentRecord(
                person_id=e.person_id,
                enrolment_id=e.pk,
                kind="enrolment",
                notice_version=e.consent_version or "unknown",
                given_at=e.consent_at,
                # A withdrawal dated before the consent (bad data) cannot close
                # the record: the check constraint forbids it.
                withdrawn_at=e.withdrawn_at
                if e.withdrawn_at and e.withdrawn_at >= e.consent_at
                else None,
            )
            for e in Enrolment.objects.filter(consent_at__isnull=False)
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [("programs", "0006_consent_register")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
