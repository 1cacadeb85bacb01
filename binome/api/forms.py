from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from binome.accounts.models import Scope

# How long a token stays valid, in days.
LIFETIMES = [30, 90, 365]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. « HRIS nightly sync »."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give only what the tool needs. Your own rights still apply."),
    )
    lifetime = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[
            (
                days,
                ngettext_lazy("%(days)s day", "%(days)s days", "days") % {"days": days},
            )
            for days in LIFETIMES
        ],
        initial=90,
    )
