from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "binome.insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from binome.matching.models import MatchingRound
        from binome.programs.models import Programme

        from . import snapshots

        def programme_saved(
            sender: type[Programme], instance: Programme, **kwargs: Any
        ) -> None:
            # Edited, or closed (its pairs closed in the same transaction,
            # which this deletion belongs to as well).
            snapshots.forget(instance.pk)

        def round_saved(
            sender: type[MatchingRound], instance: MatchingRound, **kwargs: Any
        ) -> None:
            if instance.published_at is not None:  # its pairs were created
                snapshots.forget(instance.programme_id)

        # weak=False: these local functions have no other reference.
        post_save.connect(
            programme_saved,
            sender=Programme,
            weak=False,
            dispatch_uid="insights-programme",
        )
        post_save.connect(
            round_saved, sender=MatchingRound, weak=False, dispatch_uid="insights-round"
        )
