from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "binome.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth import signals

        from . import audit

        signals.user_logged_in.connect(audit.on_login, dispatch_uid="audit_login")
        signals.user_logged_out.connect(audit.on_logout, dispatch_uid="audit_logout")
        signals.user_login_failed.connect(
            audit.on_login_failed, dispatch_uid="audit_login_failed"
        )
        user_locked_out.connect(audit.on_locked_out, dispatch_uid="audit_locked_out")

        from allauth.account import signals as account

        # allauth's password change and reset; our reset page (Django's view)
        # revokes them itself.
        account.password_changed.connect(
            audit.on_password_changed, dispatch_uid="revoke_tokens_password_changed"
        )
        account.password_reset.connect(
            audit.on_password_reset, dispatch_uid="revoke_tokens_password_reset"
        )

        from django.tasks import signals as tasks

        from binome import recovery

        # Heartbeats of the tasks a database worker runs (binome/recovery.py).
        tasks.task_started.connect(
            recovery.on_task_started, dispatch_uid="task_heartbeat_start"
        )
        tasks.task_finished.connect(
            recovery.on_task_finished, dispatch_uid="task_heartbeat_stop"
        )

        from allauth.mfa import signals as mfa

        mfa.authentication_failed.connect(
            audit.on_mfa_failed, dispatch_uid="audit_mfa_failed"
        )
        mfa.authenticator_added.connect(
            audit.on_authenticator_added, dispatch_uid="audit_mfa_added"
        )
        mfa.authenticator_removed.connect(
            audit.on_authenticator_removed, dispatch_uid="audit_mfa_removed"
        )
        mfa.authenticator_reset.connect(
            audit.on_authenticator_reset, dispatch_uid="audit_mfa_reset"
        )
