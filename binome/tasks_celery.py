"""A small django.tasks backend that runs tasks on Celery.

Django has no official Celery backend. This one sends every django.tasks
task through one generic Celery task, which imports the task by its module
path and calls it, so the task code is the same on both queues. Arguments
are JSON already (django.tasks requires it). Enable it with::

    TASKS = {"default": {"BACKEND": "binome.tasks_celery.CeleryBackend"}}

Results stay in Celery: ``get_result`` is not supported here.
"""

from __future__ import annotations

import uuid
from typing import Any, ParamSpec, TypeVar

from celery import shared_task
from django.db import transaction
from django.tasks.backends.base import BaseTaskBackend
from django.tasks.base import Task, TaskResult, TaskResultStatus
from django.tasks.exceptions import InvalidTask
from django.utils import timezone
from django.utils.module_loading import import_string

P = ParamSpec("P")
R = TypeVar("R")


@shared_task(name="binome.run_django_task")
def run_django_task(module_path: str, args: list[Any], kwargs: dict[str, Any]) -> Any:
    task = import_string(module_path)
    return task.call(*args, **kwargs)


@shared_task(name="binome.run_periodic_job")
def run_periodic_job(name: str, module_path: str) -> Any:
    """The periodic job ``name`` (``PERIODIC_JOBS``), started by Celery beat:
    the django.tasks task at ``module_path``, its run recorded for
    ``/sante/`` as the management commands record theirs."""
    from binome.ops.jobs import recorded

    with recorded(name):
        return import_string(module_path).call()


class CeleryBackend(BaseTaskBackend):
    supports_defer = True

    def validate_task(self, task: Task[..., Any]) -> None:
        super().validate_task(task)
        if task.takes_context:
            raise InvalidTask("The Celery backend does not pass a task context.")

    def enqueue(
        self, task: Task[P, R], args: list[Any], kwargs: dict[str, Any]
    ) -> TaskResult[P, R]:
        from binome.celery import app  # noqa: F401 - configures shared_task

        self.validate_task(task)
        result = TaskResult(
            task=task,
            id=str(uuid.uuid4()),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            finished_at=None,
            last_attempted_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        # Sent when the transaction that enqueues commits (at once outside a
        # transaction), like the database queue, whose row commits with it:
        # a publication rolled back sends no e-mail.
        transaction.on_commit(
            lambda: run_django_task.apply_async(
                args=[task.module_path, result.args, result.kwargs],
                task_id=result.id,
                queue=task.queue_name,
                eta=task.run_after,
            )
        )
        return result
