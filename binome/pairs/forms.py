"""Forms of the pair workspace, shared by the pages (and a future API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from binome.programs.models import Enrolment
from binome.skills.models import Skill

from .concurrency import VersionedForm
from .models import (
    ActionItem,
    AgendaItem,
    Charter,
    Feedback,
    GlossaryTerm,
    Kpi,
    Meeting,
    PrivateNote,
    ProgrammeWebhook,
    ReminderPreference,
)

DATETIME_WIDGET = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CharterForm(VersionedForm[Charter]):
    class Meta:
        model = Charter
        fields = Charter.EDITABLE_FIELDS
        widgets = {
            "mentee_objectives": forms.Textarea(attrs={"rows": 3}),
            "mentor_objectives": forms.Textarea(attrs={"rows": 3}),
            "ground_rules": forms.Textarea(attrs={"rows": 6}),
        }


class KpiForm(forms.ModelForm[Kpi]):
    class Meta:
        model = Kpi
        fields = ["title", "kpi", "target_value", "unit", "due_date"]
        widgets = {"due_date": DATE_WIDGET}


class KpiProgressForm(VersionedForm[Kpi]):
    class Meta:
        model = Kpi
        fields = ["current_value", "done"]


class PlanForm(forms.Form):
    first_at = forms.DateTimeField(
        label=_("First session"),
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M"],
    )


class MoveForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("New date and time"),
        widget=DATETIME_WIDGET,
        input_formats=["%Y-%m-%dT%H:%M"],
    )


class AgendaItemForm(forms.ModelForm[AgendaItem]):
    class Meta:
        model = AgendaItem
        fields = ["kind", "text", "skill"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        skill = self.fields["skill"]
        assert isinstance(skill, forms.ModelChoiceField)
        skill.queryset = Skill.objects.active().order_by("name_fr")
        skill.required = False


class AgendaItemEditForm(VersionedForm[AgendaItem], AgendaItemForm):
    """The author's edit of an agenda item, with the version check."""

    class Meta(AgendaItemForm.Meta):
        pass


class NotesForm(VersionedForm[Meeting]):
    class Meta:
        model = Meeting
        fields = ["icebreaker", "notes", "mentor_learned", "mentee_learned"]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 6}),
            "mentor_learned": forms.Textarea(attrs={"rows": 3}),
            "mentee_learned": forms.Textarea(attrs={"rows": 3}),
        }


class PrivateNoteForm(VersionedForm[PrivateNote]):
    class Meta:
        model = PrivateNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"text": _("Only you see these notes: not your partner, not HR.")}


class EnrolmentChoiceField(forms.ModelChoiceField[Enrolment]):
    """An enrolment, shown as its person's name."""

    def label_from_instance(self, obj: Enrolment) -> str:
        return str(obj.person)


class ActionItemForm(forms.ModelForm[ActionItem]):
    class Meta:
        model = ActionItem
        fields = ["text", "owner", "due_date"]
        widgets = {"due_date": DATE_WIDGET}
        field_classes = {"owner": EnrolmentChoiceField}

    def __init__(self, *args: Any, pair: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, EnrolmentChoiceField)
        owner.queryset = Enrolment.objects.filter(
            pk__in=[pair.mentor_id, pair.mentee_id]
        ).select_related("person")


class LogForm(forms.Form):
    held = forms.TypedChoiceField(
        label=_("Did the session take place?"),
        choices=[("1", _("Held")), ("0", _("Missed"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=1, max_value=480, required=False
    )


class FeedbackForm(forms.ModelForm[Feedback]):
    rating = forms.TypedChoiceField(
        label=_("How was this session? (1 = poor, 5 = excellent)"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    useful = forms.TypedChoiceField(
        label=_("Was it useful?"),
        choices=[("1", _("Yes")), ("0", _("No"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Feedback
        fields = ["rating", "useful", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}


class AssistantForm(forms.Form):
    email = forms.EmailField(label=_("Your assistant's email address"))


class PreferenceForm(forms.ModelForm[ReminderPreference]):
    class Meta:
        model = ReminderPreference
        fields = [
            "session_tomorrow",
            "agenda_empty",
            "actions_due",
            "log_missing",
            "inactive",
        ]


class GlossaryTermForm(forms.ModelForm[GlossaryTerm]):
    class Meta:
        model = GlossaryTerm
        fields = ["term", "kind", "definition_fr", "example_fr"]
        widgets = {
            "definition_fr": forms.Textarea(attrs={"rows": 2}),
            "example_fr": forms.Textarea(attrs={"rows": 2}),
        }


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(i, str(i)) for i in range(1, 6)],
        coerce=int,
    )


class WebhookForm(forms.ModelForm[ProgrammeWebhook]):
    class Meta:
        model = ProgrammeWebhook
        fields = ["url", "is_active"]
