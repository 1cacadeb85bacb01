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


@pytest.mark.django_db
def test_one_address_that_cannot_be_sent_costs_the_others_nothing(smtp_server):
    """Django's SMTP backend refuses a non-ASCII local part (« inès@… »): the
    recipients after it still get their e-mail, the task then fails, and
    running it again with its key sends only the one that failed."""
    from binome.accounts.models import SentNotification
    from binome.accounts.notifications import NotificationFailed, send_notification

    context = {"programme": "Pilote", "name": "Camille", "url": "http://x/"}
    recipients = [
        ["bernard@test.example", "fr"],
        ["inès@test.example", "fr"],
        ["victor@test.example", "fr"],
    ]
    with pytest.raises(NotificationFailed, match="1 of 3"):
        send_notification.call("enrolment_accepted", recipients, context, key="k1")
    assert len(smtp_server.to("bernard@test.example")) == 1
    assert len(smtp_server.to("victor@test.example")) == 1
    assert set(SentNotification.objects.values_list("email", flat=True)) == {
        "bernard@test.example",
        "victor@test.example",
    }
    # Again with the same key: nobody receives a second e-mail.
    with pytest.raises(NotificationFailed, match="1 of 3"):
        send_notification.call("enrolment_accepted", recipients, context, key="k1")
    assert len(smtp_server.messages) == 2
