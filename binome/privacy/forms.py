from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .search import MAX_WORDS


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


class EraseForm(forms.Form):
    """Erasure cannot be undone: the person's address (or, for someone of the
    HR file who has none, their full name), typed again, confirms it.

    ``kind`` says what is typed: "account" (the address of the account),
    "email" (the address in the HR file) or "name" (the full name)."""

    LABELS = {
        "account": _("Type the email address of the account to confirm"),
        "email": _("Type the person's email address to confirm"),
        "name": _("Type the person's full name to confirm"),
    }
    ERRORS = {
        "account": _("This is not the account's address."),
        "email": _("This is not the person's address."),
        "name": _("This is not the person's full name."),
    }

    confirm = forms.CharField(max_length=254)

    def __init__(self, *args: Any, expected: str, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected
        self.kind = kind
        self.fields["confirm"].label = self.LABELS[kind]

    @property
    def by_name(self) -> bool:
        return self.kind == "name"

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"].strip()
        if not self.expected or _normalised(value) != _normalised(self.expected):
            raise forms.ValidationError(self.ERRORS[self.kind])
        return value


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, email address or employee ID"),
        max_length=200,
        error_messages={
            "required": _("Type a name, an email address or an employee ID."),
        },
    )

    def clean_q(self) -> str:
        value: str = self.cleaned_data["q"]
        if len(value.split()) > MAX_WORDS:
            raise forms.ValidationError(
                _("Use at most %(n)s words."), params={"n": MAX_WORDS}
            )
        return value
