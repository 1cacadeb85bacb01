from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from .models import (
    HALF_DAYS,
    LANGUAGE_CHOICES,
    SLOT_CODES,
    WEEKDAYS,
    Person,
    slot_label,
)


class ProfileJobForm(forms.ModelForm[Person]):
    """Step 1: where the person works."""

    class Meta:
        model = Person
        fields = ["job_title", "department", "site", "level", "hire_year"]
        help_texts = {
            "level": _("Used for eligibility and matching, never your age."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.instance.organisation
        department, site = self.fields["department"], self.fields["site"]
        assert isinstance(department, forms.ModelChoiceField)
        assert isinstance(site, forms.ModelChoiceField)
        department.queryset = organisation.departments.order_by("name")
        site.queryset = organisation.sites.order_by("name")
        self.fields["department"].required = True
        self.fields["site"].required = True
        self.fields["hire_year"].widget.attrs.update({"min": 1950, "max": 2100})


class ProfileFormatsForm(forms.ModelForm[Person]):
    """Step 2: languages and session formats."""

    languages = forms.MultipleChoiceField(
        label=_("Languages you can hold a session in"),
        choices=LANGUAGE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Person
        fields = ["languages", "accepts_remote", "accepts_onsite"]

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data
        data = self.cleaned_data
        if not (data.get("accepts_remote") or data.get("accepts_onsite")):
            self.add_error(
                "accepts_remote", _("Accept at least one format: remote or on-site.")
            )
        return data


class ProfileAvailabilityForm(forms.ModelForm[Person]):
    """Step 3: weekly half-day slots."""

    availability = forms.MultipleChoiceField(
        label=_("When are you usually free for 30 minutes?"),
        choices=[(code, slot_label(code)) for code in SLOT_CODES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one half-day.")},
    )

    class Meta:
        model = Person
        fields = ["availability"]

    def slot_grid(self) -> list[tuple[StrOrPromise, list[tuple[StrOrPromise, Any]]]]:
        """Rows of the grid: one weekday, its morning and afternoon checkboxes."""
        boxes = {box.data["value"]: box for box in self["availability"]}
        return [
            (
                label,
                [
                    (half_label, boxes[f"{day}-{half}"])
                    for half, half_label in HALF_DAYS
                ],
            )
            for day, label in WEEKDAYS
        ]


class ProfileInterestsForm(forms.ModelForm[Person]):
    """Step 4: interests, which help with affinity."""

    interests = forms.CharField(
        label=_("Your interests"),
        required=False,
        help_text=_("Separate them with commas, for example: cinema, running, jazz."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = Person
        fields = ["interests"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["interests"] = ", ".join(self.instance.interests or [])

    def clean_interests(self) -> list[str]:
        raw = self.cleaned_data.get("interests") or ""
        items = [i.strip().lower() for i in raw.split(",") if i.strip()]
        if any(len(i) > 50 for i in items):
            raise forms.ValidationError(
                _("Each interest must be 50 characters or fewer.")
            )
        if len(items) > 15:
            raise forms.ValidationError(_("Give at most 15 interests."))
        return list(dict.fromkeys(items))


PROFILE_STEPS: list[tuple[str, Any, type[forms.ModelForm[Person]]]] = [
    ("job", _("Your job"), ProfileJobForm),
    ("formats", _("Languages and formats"), ProfileFormatsForm),
    ("availability", _("Availability"), ProfileAvailabilityForm),
    ("interests", _("Interests"), ProfileInterestsForm),
]


class AccessLinkForm(forms.Form):
    """« Première connexion / mot de passe oublié »: an address, nothing else."""

    email = forms.EmailField(
        label=_("Work email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)
