from __future__ import annotations

import re
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
    """Step 1: where the person works. The HR-owned fields (Person.HR_FIELDS)
    are not in the form, so a posted value is ignored: the page shows them
    read-only with a link to ask HR for a correction. Only department and
    site, while HR left them empty, may be filled in (once)."""

    class Meta:
        model = Person
        fields = ["job_title", "phone", "department", "site"]
        widgets = {"phone": forms.TextInput(attrs={"autocomplete": "tel"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.instance.organisation
        fillable = self.instance.self_fillable_fields()
        for name in Person.SELF_FILLABLE_HR_FIELDS:
            if name not in fillable:
                del self.fields[name]
                continue
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            related = getattr(organisation, f"{name}s")
            field.queryset = related.order_by("name")
            field.required = True
            field.help_text = _(
                "Your HR file has none: choose it once. To change it later, "
                "ask HR for a correction."
            )

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data.get("phone", "").strip()
        if phone and not re.fullmatch(r"\+?[0-9 .()-]{6,30}", phone):
            raise forms.ValidationError(
                _("Write a phone number with digits, for example 01 23 45 67 89.")
            )
        return phone

    def hr_facts(self) -> list[tuple[StrOrPromise, str]]:
        """The HR-owned values the person reads (not those they may fill)."""
        person = self.instance
        return [
            (Person.field_label(name), person.hr_value_display(name))
            for name in Person.HR_FIELDS
            if name not in self.fields
        ]


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
# The missing profile fields (Person.missing_profile_fields) each step fills.
STEP_FIELDS = {
    "job": {"department", "site"},
    "formats": {"languages", "formats"},
    "availability": {"availability"},
}


def first_unfinished_step(person: Person) -> str:
    """Where the wizard resumes: the first step with a missing field; then the
    (optional) interests while there are none; once all is done, the start."""
    missing = set(person.missing_profile_fields())
    for key, _label, _form in PROFILE_STEPS:
        if missing & STEP_FIELDS.get(key, set()):
            return key
    if not person.interests:
        return "interests"
    return PROFILE_STEPS[0][0]


class AccessLinkForm(forms.Form):
    """« Première connexion / mot de passe oublié »: an address, nothing else."""

    email = forms.EmailField(
        label=_("Work email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=500)
