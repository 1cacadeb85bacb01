"""Notifications really go through the django-tasks-db queue and worker."""

import pytest
from django.core import mail
from django.core.management import call_command

from binome.accounts.notifications import notify


@pytest.mark.django_db(transaction=True)
def test_notification_is_queued_then_sent_by_the_database_worker(settings, people):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    context = {"programme": "Pilote", "name": "Camille", "url": "http://x/"}
    notify("enrolment_accepted", [people["camille"].user], context)
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, verbosity=0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Votre participation à « Pilote » est confirmée"
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
