from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "binome.privacy"
    verbose_name = _("Personal data (GDPR)")

    def ready(self) -> None:
        from binome.programs import signals

        from . import consent

        signals.consent_given.connect(consent.on_consent_given)
        signals.consent_withdrawn.connect(consent.on_consent_withdrawn)
