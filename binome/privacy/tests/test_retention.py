import datetime
import io

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command

from binome.accounts.models import AuditEvent, CacheEntry, User
from binome.insights.indicators import dashboard
from binome.insights.tests.conftest import SECRET, TODAY
from binome.pairs.models import Feedback, Meeting, SentReminder
from binome.privacy.retention import apply_retention, apply_retention_task
from binome.programs.models import PeopleImport

from .dump import occurrences
from .erasure_helpers import snapshot

NOW = datetime.datetime(2030, 6, 1, 12, 0, tzinfo=datetime.UTC)
LONG_AGO = NOW - datetime.timedelta(days=2000)
RECENTLY = NOW - datetime.timedelta(days=2)


@pytest.fixture
def old_and_new(people, pilot, settings):
    """One old and one recent row in each category with a fixed period."""
    # Every account here is years old by NOW: keep them out of these tests.
    settings.PRIVACY_RETENTION_DAYS = {
        **settings.PRIVACY_RETENTION_DAYS,
        "inactive_accounts": 0,
    }
    for moment in (LONG_AGO, RECENTLY):
        with time_machine.travel(moment, tick=False):
            AuditEvent.objects.create(action="login", ip_address="198.51.100.1")
            SentReminder.objects.create(
                user=people["bernard"].user, kind="inactive", key=f"k{moment:%Y}"
            )
            PeopleImport.objects.create(
                programme=pilot, file_name="rh.csv", content=b"x", sha256="0" * 64
            )
            CacheEntry.objects.create(
                cache_key=f":1:limit-{moment:%Y}",
                value="x",
                expires=moment + datetime.timedelta(days=3),  # as the session
            )
            session = SessionStore()
            session["x"] = 1
            session.set_expiry(3 * 24 * 3600)
            session.create()


def test_dry_run_counts_and_changes_nothing(old_and_new):
    before = (AuditEvent.objects.count(), SentReminder.objects.count())
    counts = apply_retention(dry_run=True, now=NOW)
    assert counts["audit_log"] == 1
    assert counts["sent_reminders"] == 1
    assert counts["import_files"] == 1
    assert counts["sessions"] == 2  # a session and a rate-limit counter
    assert (AuditEvent.objects.count(), SentReminder.objects.count()) == before


def test_apply_deletes_only_what_is_past_its_period(old_and_new):
    counts = apply_retention(now=NOW)
    assert counts["audit_log"] == 1
    assert list(AuditEvent.objects.values_list("at", flat=True)) == [RECENTLY]
    assert SentReminder.objects.get().sent_at == RECENTLY
    assert PeopleImport.objects.count() == 1
    assert Session.objects.count() == 1
    assert CacheEntry.objects.count() == 1
    assert apply_retention(now=NOW)["audit_log"] == 0  # nothing left to do


def test_a_period_of_zero_keeps_the_data(old_and_new, settings):
    settings.PRIVACY_RETENTION_DAYS = {
        **settings.PRIVACY_RETENTION_DAYS,
        "audit_log": 0,
    }
    counts = apply_retention(now=NOW)
    assert "audit_log" not in counts
    assert AuditEvent.objects.count() == 2


def test_command_dry_run_prints_counts_per_category(old_and_new):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "audit_log\t365 days\twould delete 1" in text
    assert AuditEvent.objects.count() == 2
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("apply_retention", stdout=out)
    assert "audit_log\t365 days\tdeleted 1" in out.getvalue()


def test_the_task_applies_the_policy(old_and_new):
    with time_machine.travel(NOW, tick=False):
        result = apply_retention_task.enqueue()
    assert result.return_value["audit_log"] == 1
    assert AuditEvent.objects.count() == 1


def test_closed_programmes_lose_their_texts_not_their_figures(dataset, pilot):
    pilot.status = "closed"
    pilot.save()
    before = snapshot(dashboard(pilot, today=TODAY))
    assert occurrences([SECRET])
    end = datetime.datetime.combine(
        pilot.end_date, datetime.time(), tzinfo=datetime.UTC
    )
    assert (
        apply_retention(now=end + datetime.timedelta(days=700))["closed_programmes"]
        == 0
    )
    counts = apply_retention(now=end + datetime.timedelta(days=731))
    assert counts["closed_programmes"] > 0
    assert occurrences([SECRET]) == []
    assert snapshot(dashboard(pilot, today=TODAY)) == before
    assert Meeting.objects.filter(pair__in=dataset["pairs"]).count() == 42
    assert Feedback.objects.count() == 12


def test_inactive_accounts_are_erased_unless_in_a_live_programme(
    people, pilot, enrolments
):
    admin = User.objects.create_superuser(email="ada@test.example", password="x" * 14)
    User.objects.update(last_login=LONG_AGO, date_joined=LONG_AGO)
    counts = apply_retention(now=NOW)
    # Camille, Bernard and Inès are in the running pilot, Odile manages it;
    # Xavier and Victor have no part in any programme under way.
    erased = set(User.objects.filter(is_active=False).values_list("pk", flat=True))
    assert erased == {people["xavier"].user.pk, people["victor"].user.pk}
    assert counts["inactive_accounts"] == 2
    assert User.objects.get(pk=admin.pk).is_active
