"""The Celery application, for sites that run django.tasks on Celery + Redis.

Start a worker with ``celery -A binome worker`` and, for the periodic jobs
(hourly reminders, dashboards of large programmes every 5 minutes, daily
retention, the reaper every minute), ``celery -A binome beat``. Settings
come from Django's settings with the ``CELERY_`` prefix
(``CELERY_BROKER_URL``), or from the environment.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binome.settings")

app = Celery("binome")
app.conf.broker_url = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.imports = ["binome.tasks_celery"]
# django.tasks queues by name ("default"): Celery uses the same names.
app.conf.task_default_queue = "default"
app.conf.task_acks_late = True  # a task lost with its worker runs again
# ... also when the worker's child process is killed (kill -9, out of memory):
# the tasks are idempotent (binome/recovery.py), a matching round delivered
# again is skipped (it is no longer queued).
app.conf.task_reject_on_worker_lost = True
app.conf.worker_prefetch_multiplier = 1
app.conf.broker_connection_retry_on_startup = True
# Every periodic job of binome/ops/jobs.py (PERIODIC_JOBS), at its interval,
# through binome.run_periodic_job, which records each run for /sante/.
app.conf.beat_schedule = {
    "pair-reminders": {
        "task": "binome.run_periodic_job",
        "schedule": 3600.0,
        "args": ["send_reminders", "binome.pairs.reminders.send_reminders"],
    },
    # Matching rounds whose worker died are marked failed (binome/recovery.py).
    "reap-stale-work": {
        "task": "binome.run_periodic_job",
        "schedule": 60.0,
        "args": ["reap_stale_work", "binome.recovery.reap_stale_work_task"],
        "options": {"expires": 60},
    },
    "dashboard-snapshots": {
        "task": "binome.run_periodic_job",
        "schedule": 300.0,
        "args": ["refresh_dashboards", "binome.insights.snapshots.refresh_dashboards"],
        # Not queued behind a slower run: the next one comes 5 minutes later.
        "options": {"expires": 300},
    },
    "privacy-retention": {
        "task": "binome.run_periodic_job",
        "schedule": 86400.0,
        "args": ["apply_retention", "binome.privacy.retention.apply_retention_task"],
    },
}
