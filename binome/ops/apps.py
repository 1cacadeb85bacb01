from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: health check, metrics, logs, records of the periodic jobs.

    At the top of the dependency chain: it reads other apps' tables (tasks,
    matching rounds) to report on them, and no model, service or view of
    another app imports it. Only entry points do: the periodic jobs'
    management commands (to record their runs) and the URL configuration.
    """

    name = "binome.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from typing import Any

        from django.core.signals import request_finished

        from .logs import request_id

        def forget_request_id(**kwargs: Any) -> None:
            request_id.set("-")

        request_finished.connect(
            forget_request_id, weak=False, dispatch_uid="ops-request-id"
        )
