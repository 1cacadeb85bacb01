"""Forms of confidential concerns and of the contribution's sharing (#18)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .concern_models import CONCERN_MAX_LENGTH, REPLY_MAX_LENGTH, Concern


class ConcernForm(forms.Form):
    category = forms.ChoiceField(
        label=_("What is it about?"),
        choices=Concern.Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what the concern is about.")},
    )
    text = forms.CharField(
        label=_("What happened"),
        help_text=_(
            "In your own words: what, when, and what you would like to change. "
            "At most 4,000 characters."
        ),
        max_length=CONCERN_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Describe what happened."),
            "max_length": _(
                "At most %(limit_value)d characters (this text has %(show_value)d)."
            ),
        },
    )
    wants_contact = forms.BooleanField(
        label=_("I would like someone from the programme team to contact me"),
        required=False,
    )
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "token" in self.errors:
            # A hidden field: its error would show nowhere.
            self.add_error(None, _("The form expired: send it again."))
        return data

    def clean_text(self) -> str:
        text = str(self.cleaned_data["text"]).replace("\x00", "").strip()
        if not text:
            raise forms.ValidationError(_("Describe what happened."))
        return text


class HandleConcernForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (Concern.Status.IN_PROGRESS, _("Being handled")),
            (Concern.Status.CLOSED, _("Closed")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a status.")},
    )
    reply = forms.CharField(
        label=_("Message to the person who raised it"),
        help_text=_(
            "They read it in the application (the e-mail only says there is "
            "news). Required to close."
        ),
        required=False,
        max_length=REPLY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _(
                "At most %(limit_value)d characters (this text has %(show_value)d)."
            ),
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("status") == Concern.Status.CLOSED
            and not str(data.get("reply", "")).strip()
        ):
            self.add_error(
                "reply", _("Write a word to the person who raised it before closing.")
            )
        return data
