"""Forms of the pair workspace, shared by the pages (and a future API)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from binome.programs.models import Enrolment
from binome.skills.models import Skill

from . import dates, pulse
from .concurrency import VersionedForm
from .models import (
    ActionItem,
    AgendaItem,
    Charter,
    Feedback,
    GlossaryTerm,
    Kpi,
    Meeting,
    Pair,
    PairPause,
    PrivateNote,
    ProgrammeWebhook,
    PulseQuestion,
    ReminderPreference,
)
from .nudges import MAX_LENGTH as MAX_NUDGE_LENGTH

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Shown as « Rejoindre la visio »: a web address only (no ftp:, no
        # javascript:), so that the link opens the video call and nothing else.
        self.fields["video_link"].validators.append(
            URLValidator(
                schemes=["http", "https"],
                message=_("Give the web address of the video call (https://…)."),
                code="not_web_address",  # "invalid" would take the field's message
            )
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # Browsers send CRLF line ends: an unchanged text must compare equal,
        # or saving the page would tell the partner of a change that is none.
        for name in ("mentee_objectives", "mentor_objectives", "ground_rules"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].replace("\r\n", "\n")
        return cleaned


class DueDateMixin:
    """A due date is today or later (``dates.check_due_date``); the date an
    existing record already has may stay as it is, even once past."""

    instance: Any
    cleaned_data: dict[str, Any]
    fields: dict[str, forms.Field]

    def _limit_due_date(self) -> None:
        today = timezone.localdate()
        self.fields["due_date"].widget.attrs["min"] = today.isoformat()

    def clean_due_date(self) -> Any:
        due = self.cleaned_data["due_date"]
        saved = self.instance.due_date if self.instance.pk else None
        dates.check_due_date(due, today=timezone.localdate(), unchanged_from=saved)
        return due


class KpiForm(DueDateMixin, forms.ModelForm[Kpi]):
    class Meta:
        model = Kpi
        fields = ["title", "kpi", "target_value", "unit", "due_date"]
        widgets = {"due_date": DATE_WIDGET}
        help_texts = {
            "target_value": _(
                "A number makes the goal measurable: for example 3 (LinkedIn posts)."
            ),
            "due_date": _("A date makes it a commitment: for example in a month."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._limit_due_date()


class KpiProgressForm(VersionedForm[Kpi]):
    class Meta:
        model = Kpi
        fields = ["current_value", "done"]


def _session_field(label: Any) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        widget=DATETIME_WIDGET,
        # The browser's picker sends the first; the others are typed by hand
        # where it has none.
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        error_messages={
            "invalid": _("Enter a date and a time, for example 2026-11-23 10:00.")
        },
    )


def _limit_session_field(field: forms.Field, pair: Pair) -> None:
    """The browser's date picker offers the days the rules allow."""
    now = timezone.localtime()
    field.widget.attrs["min"] = now.strftime("%Y-%m-%dT%H:%M")
    end = pair.programme.end_date
    if end is not None and end >= now.date():
        field.widget.attrs["max"] = f"{end.isoformat()}T23:59"


class PlanForm(forms.Form):
    """The first session of a plan: from now on, up to the programme's end."""

    first_at = _session_field(_("First session"))

    def __init__(self, *args: Any, pair: Pair, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pair = pair
        _limit_session_field(self.fields["first_at"], pair)

    def clean_first_at(self) -> Any:
        first_at = self.cleaned_data["first_at"]
        dates.check_session_start(
            pair=self.pair, starts_at=first_at, now=timezone.now()
        )
        return first_at


class MoveForm(forms.Form):
    """A new date for a session, under the rules of planning. Outside working
    hours the page warns, and the person confirms with ``outside_hours_ok``."""

    starts_at = _session_field(_("New date and time"))
    outside_hours_ok = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        _limit_session_field(self.fields["starts_at"], meeting.pair)

    def clean_starts_at(self) -> Any:
        starts_at = self.cleaned_data["starts_at"]
        dates.check_session_start(
            pair=self.meeting.pair, starts_at=starts_at, now=timezone.now()
        )
        return starts_at

    @property
    def needs_confirmation(self) -> bool:
        """Valid, outside working hours, and not confirmed yet."""
        return (
            self.is_valid()
            and not self.cleaned_data["outside_hours_ok"]
            and dates.is_outside_working_hours(
                self.cleaned_data["starts_at"], self.meeting.duration_minutes
            )
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


class ActionItemForm(DueDateMixin, forms.ModelForm[ActionItem]):
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
        self._limit_due_date()


class LogForm(forms.Form):
    """Held or missed: only once the session has begun."""

    held = forms.TypedChoiceField(
        label=_("Did the session take place?"),
        choices=[("1", _("Held")), ("0", _("Missed"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the session was held or missed.")},
    )
    minutes = forms.IntegerField(
        label=_("Length (minutes)"), min_value=1, max_value=480, required=False
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            dates.check_has_started(
                starts_at=self.meeting.starts_at, now=timezone.now()
            )
        except ValidationError as error:
            self.add_error("held", error)
        return cleaned


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
        fields = [
            "term",
            "kind",
            "definition_fr",
            "example_fr",
            "definition_en",
            "example_en",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ("definition_fr", "example_fr", "definition_en", "example_en")
        }
        help_texts = {
            "definition_en": _("Optional: for the readers of the English version."),
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


class NudgeForm(forms.Form):
    """A manager's reminder to a pair: one message per recipients' language,
    the confirmation's one-time token, and, when the pair got a reminder
    lately, the manager's word that they mean to send another."""

    LANGUAGE_LABELS = {"fr": _("Message in French"), "en": _("Message in English")}

    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, languages: list[str], recent: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.languages = languages
        for language in languages:
            self.fields[f"message_{language}"] = forms.CharField(
                label=_("Message")
                if len(languages) == 1
                else self.LANGUAGE_LABELS[language],
                max_length=MAX_NUDGE_LENGTH,
                widget=forms.Textarea(attrs={"rows": 10}),
                error_messages={"required": _("Write a message.")},
            )
        if recent:
            self.fields["again"] = forms.BooleanField(
                label=_("Yes, send another reminder anyway"),
                error_messages={
                    "required": _("Tick the box to send another reminder so soon.")
                },
            )

    def messages(self) -> dict[str, str]:
        return {lang: self.cleaned_data[f"message_{lang}"] for lang in self.languages}


class PulseForm(forms.Form):
    """The three check-in questions (worded by ``PulseQuestion``), each on a
    scale of 1 to 5, and an optional comment its author may share."""

    round = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label=_("Anything to add? (optional, private)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )
    share_comment = forms.BooleanField(
        label=_(
            "The programme team may read this comment (never your partner, "
            "never your answers)"
        ),
        required=False,
    )

    def __init__(
        self, *args: Any, questions: list[PulseQuestion], junior: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = []
        scale = []
        for question in questions:
            text, lang = question.text_for(junior=junior)
            self.fields[question.key] = forms.TypedChoiceField(
                label=text,
                choices=[(i, str(i)) for i in range(1, 6)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Choose an answer from 1 to 5.")},
            )
            scale.append((self[question.key], question, lang))
        self.questions = scale
        # The questions first, then the comment.
        self.order_fields([q.key for q in questions])


class PauseForm(forms.Form):
    until = forms.DateField(
        label=_("Paused until (included)"),
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Give a date, for example 31/03/2027.")},
    )
    reason = forms.ChoiceField(
        label=_("Why (only you see it)"),
        choices=[("", _("I prefer not to say")), *PairPause.Reason.choices],
        required=False,
    )

    def clean_until(self) -> Any:
        until = self.cleaned_data["until"]
        pulse.validate_until(until, timezone.localdate())
        return until
