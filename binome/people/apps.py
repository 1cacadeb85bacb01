from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "binome.people"
    verbose_name = _("People")

    def ready(self) -> None:
        from allauth.account import signals as account
        from django.contrib.auth import signals

        from . import access

        # An account made by single sign-on, or by hand, joins its HR record.
        signals.user_logged_in.connect(
            access.on_user_logged_in, dispatch_uid="people_link_on_login"
        )
        account.user_signed_up.connect(
            access.on_user_signed_up, dispatch_uid="people_link_on_signup"
        )
