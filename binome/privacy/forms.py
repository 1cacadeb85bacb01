from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class EraseForm(forms.Form):
    """Erasure cannot be undone: the person's address, typed again, confirms it."""

    confirm_email = forms.CharField(
        label=_("Type the email address of the account to confirm"),
        max_length=254,
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_confirm_email(self) -> str:
        value: str = self.cleaned_data["confirm_email"].strip()
        if value.lower() != self.email.lower():
            raise forms.ValidationError(_("This is not the account's address."))
        return value


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or email address"), max_length=200)
