from typing import Any

from allauth.account.forms import LoginForm
from django import forms
from django.utils.translation import gettext_lazy as _


class EmailLoginForm(LoginForm):
    """allauth's login form (so that the second-factor stage runs), with our
    labels; the email address is posted in the ``login`` field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"] = forms.EmailField(
            label=_("Email address"),
            widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
        )
        password = self.fields["password"]
        password.label = _("Password")
        # The page links to our own password reset; no placeholder repeating
        # the label.
        password.help_text = ""
        password.widget.attrs.pop("placeholder", None)
