from __future__ import annotations

import datetime
import unicodedata
from typing import Any

from django import forms
from django.core.validators import validate_email
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from binome.people.models import Department, Person
from binome.skills.models import Skill

from . import matching_settings
from .models import (
    MATCHING_RULES,
    MATCHING_WEIGHTS,
    CastingReview,
    CoffeeChat,
    Enrolment,
    Goal,
    PreparationStep,
    ProfileCorrection,
    Programme,
    default_rules,
    default_weights,
)

LEVEL_CHOICES = [(i, str(i)) for i in range(5)]


class JoinForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I volunteer as"),
        choices=Enrolment.Role.choices,
        widget=forms.RadioSelect,
    )
    motivation = forms.CharField(
        label=_("Why do you want to take part?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the notice above and I agree to take part. I know I can "
            "withdraw at any time."
        ),
        error_messages={
            "required": _("Please read the notice and give your consent to take part.")
        },
    )

    def __init__(self, *args: Any, closed_roles: dict[str, list[str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.closed_roles = closed_roles

    def clean_role(self) -> str:
        role: str = self.cleaned_data["role"]
        if self.closed_roles.get(role):
            raise forms.ValidationError(self.closed_roles[role])
        return role


class WishesForm(forms.Form):
    """What the participant wants to learn (with a priority) and can share."""

    PRIORITY_CHOICES = [
        (0, _("No")),
        (1, _("Nice to have")),
        (2, _("Important")),
        (3, _("Essential")),
    ]

    def __init__(
        self,
        *args: Any,
        learn_skills: list[Skill],
        teach_skills: list[Skill],
        current: dict[tuple[str, int], int],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.learn_skills, self.teach_skills = learn_skills, teach_skills
        for skill in learn_skills:
            self.fields[f"learn_{skill.pk}"] = forms.TypedChoiceField(
                label=skill.name,
                choices=self.PRIORITY_CHOICES,
                coerce=int,
                required=False,
                # django-stubs wants a str; any value works (coerce=int).
                empty_value=0,  # type: ignore[arg-type]
                initial=current.get(("learn", skill.pk), 0),
            )
        for skill in teach_skills:
            self.fields[f"teach_{skill.pk}"] = forms.BooleanField(
                label=skill.name,
                required=False,
                initial=("teach", skill.pk) in current,
            )

    def learn_fields(self) -> list[forms.BoundField]:
        return [self[f"learn_{s.pk}"] for s in self.learn_skills]

    def teach_fields(self) -> list[forms.BoundField]:
        return [self[f"teach_{s.pk}"] for s in self.teach_skills]

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data
        data = self.cleaned_data
        if not self.learn() and not self.teach():
            raise forms.ValidationError(
                _("Choose at least one skill to learn or to share.")
            )
        return data

    def learn(self) -> dict[int, int]:
        return {
            s.pk: self.cleaned_data.get(f"learn_{s.pk}") or 0
            for s in self.learn_skills
            if self.cleaned_data.get(f"learn_{s.pk}")
        }

    def teach(self) -> list[int]:
        return [
            s.pk for s in self.teach_skills if self.cleaned_data.get(f"teach_{s.pk}")
        ]


class GoalForm(forms.ModelForm[Goal]):
    class Meta:
        model = Goal
        fields = ["title", "kpi", "target_value", "unit", "due_date", "skill"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        }
        help_texts = {
            "title": _("What you want to achieve, in a few words."),
            "kpi": _("How you will know it is done: a number, a deadline."),
            "target_value": _(
                "A number makes the goal measurable: for example 3 (LinkedIn posts)."
            ),
        }

    def __init__(self, *args: Any, skills: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skill = self.fields["skill"]
        assert isinstance(skill, forms.ModelChoiceField)
        skill.queryset = skills
        self.fields["due_date"].required = True
        self.fields["target_value"].widget.attrs["min"] = "0"

    def clean_target_value(self) -> Any:
        value = self.cleaned_data.get("target_value")
        if value is not None and value <= 0:
            raise forms.ValidationError(_("The target must be a positive number."))
        return value


class CastingReviewForm(forms.ModelForm[CastingReview]):
    class Meta:
        model = CastingReview
        fields = [
            "expertise",
            "expertise_comment",
            "teaching",
            "teaching_comment",
            "communication",
            "communication_comment",
            "posture",
            "posture_comment",
            "availability",
            "availability_comment",
            "comment",
        ]
        widgets = {
            **{
                c: forms.RadioSelect(choices=LEVEL_CHOICES)
                for c in CastingReview.CRITERIA
            },
            **{
                f"{c}_comment": forms.Textarea(attrs={"rows": 2})
                for c in CastingReview.CRITERIA
            },
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    def criteria(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[c], self[f"{c}_comment"]) for c in CastingReview.CRITERIA]

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data
        data = self.cleaned_data
        for criterion in CastingReview.CRITERIA:
            value = data.get(criterion)
            if value is not None and not 0 <= value <= 4:
                self.add_error(criterion, _("Scores go from 0 to 4."))
        return data


class WithdrawForm(forms.Form):
    erase = forms.BooleanField(
        label=_(
            "Also delete my answers in this programme (motivation, wishes, goals, "
            "assessments of my candidacy)."
        ),
        required=False,
    )
    confirm = forms.BooleanField(
        label=_("I confirm that I withdraw from this programme."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class InviteForm(forms.Form):
    emails = forms.CharField(
        label=_("Email addresses"),
        help_text=_("One per line, or separated by commas or semicolons."),
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_emails(self) -> list[str]:
        raw = self.cleaned_data["emails"].replace(";", "\n").replace(",", "\n")
        emails = [e.strip() for e in raw.splitlines() if e.strip()]
        bad = []
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                bad.append(email)
        if bad:
            raise forms.ValidationError(
                _("Invalid addresses: %(emails)s"), params={"emails": ", ".join(bad)}
            )
        if len(emails) > 500:
            raise forms.ValidationError(_("Invite at most 500 people at a time."))
        return emails


ROLE_LABELS = {
    "manager": _("Programme manager"),
    "panel": _("Casting panel member"),
    "sponsor": _("Sponsor (aggregate results only)"),
}


class RoleForm(forms.Form):
    """Give a role on a programme to a person of the organisation, found by
    their work e-mail or their employee ID (names are not unique)."""

    who = forms.CharField(
        label=_("Work email or employee ID"),
        max_length=254,
        help_text=_("The person must be in the organisation's HR file."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=list(ROLE_LABELS.items()))

    def __init__(self, *args: Any, organisation: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_who(self) -> Person:
        value = self.cleaned_data["who"].strip()
        people = Person.objects.filter(organisation=self.organisation).filter(
            Q(email__iexact=value) | Q(employee_id=value)
        )
        found = list(people.select_related("user")[:2])
        if not found:
            raise forms.ValidationError(
                _("Nobody in the HR file has this e-mail or employee ID.")
            )
        if len(found) > 1:
            raise forms.ValidationError(
                _("Several people match: use the e-mail address.")
            )
        return found[0]


class InvitationMessageForm(forms.ModelForm[Programme]):
    class Meta:
        model = Programme
        fields = ["invitation_message"]
        widgets = {"invitation_message": forms.Textarea(attrs={"rows": 4})}


class PreparationAnswerForm(forms.Form):
    choice = forms.TypedChoiceField(
        label=_("Your answer"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer.")},
    )

    def __init__(
        self, *args: Any, step: PreparationStep, person: Person, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields["choice"]
        assert isinstance(choice, forms.ChoiceField)
        choice.label = step.question
        choice.choices = [(a.pk, a.text) for a in step.answers_for(person)]


OTHER_TIME = "other"
# How far ahead a mentee may propose a time of their own.
OTHER_TIME_HORIZON = datetime.timedelta(days=60)


class CoffeeRequestForm(forms.Form):
    """Invite a mentor: one of the proposed times (``slots``, from both
    people's availability) or another time, and a word."""

    mentor = forms.IntegerField(widget=forms.HiddenInput)
    slot = forms.ChoiceField(
        label=_("When?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a time, or propose another one."),
            "invalid_choice": _(
                "This time is no longer available: choose another one."
            ),
        },
    )
    other_time = forms.DateTimeField(
        label=_("Another time"),
        required=False,
        help_text=_("Day and time, for example on a day when you are both on site."),
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    message = forms.CharField(
        label=_("A word for the mentor"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, slots: list[datetime.datetime], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.slots = slots
        slot = self.fields["slot"]
        assert isinstance(slot, forms.ChoiceField)
        slot.choices = [
            (
                moment.isoformat(),
                date_format(timezone.localtime(moment), "l j F · H:i"),
            )
            for moment in slots
        ] + [(OTHER_TIME, _("Another time (write it below)"))]
        if not slots:
            self.initial.setdefault("slot", OTHER_TIME)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("slot") == OTHER_TIME:
            other = data.get("other_time")
            now = timezone.now()
            if other is None:
                if "other_time" not in self.errors:
                    self.add_error(
                        "other_time", _("Write the day and time you propose.")
                    )
            elif other <= now:
                self.add_error("other_time", _("Choose a time in the future."))
            elif other > now + OTHER_TIME_HORIZON:
                self.add_error(
                    "other_time", _("Propose a time within the next two months.")
                )
        return data

    def starts_at(self) -> datetime.datetime:
        slot = self.cleaned_data["slot"]
        if slot == OTHER_TIME:
            other: datetime.datetime = self.cleaned_data["other_time"]
            return other
        return datetime.datetime.fromisoformat(slot)


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Did it click?"),
        choices=CoffeeChat.Verdict.choices,
        widget=forms.RadioSelect,
    )


def _check_some_weight(form: forms.BaseForm, weights: dict[str, float]) -> None:
    if not any(weights.values()):
        form.add_error(None, _("At least one weight must be above zero."))


class MatchingSettingsForm(forms.Form):
    """A programme's weights and hard rules, one field per setting of the
    schema (``matching_settings``): the programme form includes these fields,
    the API validates its input with this form."""

    def __init__(
        self, *args: Any, values: dict[str, Any] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        values = values or {}
        for setting in matching_settings.WEIGHTS:
            self.fields[f"weight_{setting.name}"] = setting.form_field(
                values.get(setting.name)
            )
        for setting in matching_settings.PROGRAMME_RULES:
            self.fields[f"rule_{setting.name}"] = setting.form_field(
                values.get(setting.name)
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            _check_some_weight(self, self.settings()[0])
        return data

    def settings(self) -> tuple[dict[str, float], dict[str, Any]]:
        """The cleaned weights and rules, keyed as the engine names them."""
        data = self.cleaned_data
        return (
            {s.name: data[f"weight_{s.name}"] for s in matching_settings.WEIGHTS},
            {s.name: data[f"rule_{s.name}"] for s in matching_settings.PROGRAMME_RULES},
        )


class ProgrammeForm(forms.ModelForm[Programme]):
    """Programme settings, with the matching weights and hard rules as plain
    fields (stored as JSON on the programme)."""

    class Meta:
        model = Programme
        fields = [
            "name",
            "slug",
            "description",
            "is_pilot",
            "start_date",
            "end_date",
            "session_minutes",
            "cadence_days",
            "format",
            "mentor_max_level",
            "mentee_min_level",
            "mentor_max_seniority",
            "mentee_min_seniority",
            "mentor_capacity",
            "open_call",
            "require_preparation",
            "coffee_enabled",
            "shortlist_size",
            "skills",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "skills": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skills = self.fields["skills"]
        assert isinstance(skills, forms.ModelMultipleChoiceField)
        skills.queryset = Skill.objects.active().select_related("area")
        weights = self.instance.weights() if self.instance.pk else default_weights()
        rules = self.instance.rules() if self.instance.pk else default_rules()
        if not self.is_bound and self.initial.get("matching_rules"):
            rules |= self.initial["matching_rules"]
        self.fields.update(MatchingSettingsForm(values=weights | rules).fields)

    def weight_fields(self) -> list[forms.BoundField]:
        return [self[f"weight_{k}"] for k in MATCHING_WEIGHTS]

    def rule_fields(self) -> list[forms.BoundField]:
        return [self[f"rule_{k}"] for k in MATCHING_RULES]

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.Meta.fields]

    def clean(self) -> dict[str, Any]:
        super().clean()  # returns self.cleaned_data
        data = self.cleaned_data
        if self.errors:
            return data
        weights = {k: data[f"weight_{k}"] for k in MATCHING_WEIGHTS}
        _check_some_weight(self, weights)
        self.instance.matching_weights = weights
        self.instance.matching_rules = {k: data[f"rule_{k}"] for k in MATCHING_RULES}
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("HRIS export (CSV or XLSX)"),
        help_text=_(
            "One row per person. Columns (French or English headers): matricule, "
            "prénom, nom, e-mail, poste, direction, site, niveau, matricule manager, "
            "année d'embauche, langues, rôle (mentor or mentoré)."
        ),
    )

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class EnrolmentFilterForm(forms.Form):
    q = forms.CharField(label=_("Search a name"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *list(Enrolment.Status.choices)],
    )
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("All")), *list(Enrolment.Role.choices)],
    )
    department: forms.ModelChoiceField[Department] = forms.ModelChoiceField(
        label=_("Department"), required=False, queryset=None, empty_label=_("All")
    )
    complete = forms.ChoiceField(
        label=_("Profile"),
        required=False,
        choices=[("", _("All")), ("yes", _("Complete")), ("no", _("Incomplete"))],
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        department = self.fields["department"]
        assert isinstance(department, forms.ModelChoiceField)
        department.queryset = programme.organisation.departments.order_by("name")

    def filter(self, rows: Any) -> Any:
        data = self.cleaned_data
        if data.get("q"):
            for word in data["q"].split():
                rows = rows.filter(
                    Q(person__first_name__icontains=word)
                    | Q(person__last_name__icontains=word)
                )
        if data.get("status"):
            rows = rows.filter(status=data["status"])
        if data.get("role"):
            rows = rows.filter(role=data["role"])
        if data.get("department"):
            rows = rows.filter(person__department=data["department"])
        return rows


class CorrectionRequestForm(forms.Form):
    """A participant asks HR to correct an HR-owned value of their profile."""

    field = forms.ChoiceField(
        label=_("What should be corrected?"),
        choices=[("", "—"), *ProfileCorrection.Field.choices],
    )
    proposed_value = forms.CharField(
        label=_("The right value"),
        max_length=200,
        help_text=_("For example: Finance, Lyon, 2019, the name of your manager."),
    )
    comment = forms.CharField(
        label=_("Comment for HR"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectionDecisionForm(forms.Form):
    """HR's decision on one request. Accepting sets the value, chosen with the
    control that fits the field (a department, a level…)."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("accept", _("Accept and correct the value")),
            ("reject", _("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Message to the person"),
        required=False,
        max_length=1000,
        help_text=_("Required when you reject the request."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self, *args: Any, correction: ProfileCorrection, **kwargs: Any
    ) -> None:
        kwargs.setdefault("auto_id", f"id_%s_{correction.pk}")
        super().__init__(*args, **kwargs)
        self.correction = correction
        person = correction.person
        organisation = person.organisation
        label = _("Corrected value")
        proposal = correction.proposed_value.strip()
        value: forms.Field
        initial: Any = None
        match correction.field:
            case "department":
                departments = organisation.departments.order_by("name")
                value = forms.ModelChoiceField(departments, label=label, required=False)
                initial = departments.filter(name__iexact=proposal).first()
            case "site":
                sites = organisation.sites.order_by("name")
                value = forms.ModelChoiceField(sites, label=label, required=False)
                initial = sites.filter(name__iexact=proposal).first()
            case "manager":
                people = organisation.people.exclude(pk=person.pk).order_by(
                    "last_name", "first_name"
                )
                value = forms.ModelChoiceField(people, label=label, required=False)
                initial = next(
                    (p for p in people if p.full_name.lower() == proposal.lower()), None
                )
            case "level":
                value = forms.TypedChoiceField(
                    choices=[("", "—"), *Person.Level.choices],
                    coerce=int,
                    label=label,
                    required=False,
                )
                levels = {str(level) for level in Person.Level.values}
                initial = int(proposal) if proposal in levels else None
            case _:
                value = forms.IntegerField(
                    label=label,
                    required=False,
                    min_value=1950,
                    max_value=timezone.localdate().year,
                )
                initial = int(proposal) if proposal.isdigit() else None
        value.help_text = (
            _("Leave it empty to remove the manager.")
            if correction.field == "manager"
            else _("Needed when you accept.")
        )
        self.fields["value"] = value
        self.order_fields(["decision", "value", "answer"])
        if initial is not None:
            self.initial.setdefault("value", initial)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        decision = data.get("decision")
        if (
            decision == "accept"
            and data.get("value") in (None, "")
            and (self.correction.field != "manager")
        ):
            self.add_error("value", _("Choose the corrected value."))
        if decision == "reject" and not (data.get("answer") or "").strip():
            self.add_error("answer", _("Tell the person why."))
        return data


class DecisionMessageForm(forms.Form):
    """The manager's optional personal word, added to the e-mail that tells a
    volunteer they are accepted or declined. Plain text: sent as written,
    never read as HTML."""

    message = forms.CharField(
        label=_("A personal word, added to the e-mail"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Plain text, 1,000 characters at most."),
        error_messages={
            "max_length": _(
                "Keep the message under %(limit_value)d characters "
                "(it has %(show_value)d)."
            )
        },
    )

    def clean_message(self) -> str:
        message: str = self.cleaned_data["message"]
        # Control characters (but line breaks and tabs) have no place in an
        # e-mail's text.
        return "".join(
            c for c in message if c in "\n\t" or unicodedata.category(c) != "Cc"
        )
