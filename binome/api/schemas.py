"""Request and response bodies of the API (shapes only: no logic here)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.utils import translation
from ninja import Field, Schema
from pydantic import (
    BeforeValidator,
    StrictBool,
    StrictInt,
    StringConstraints,
    create_model,
)
from pydantic import (
    Field as PydanticField,
)

from binome.programs import matching_settings

SlugPath = Annotated[str, StringConstraints(pattern=r"^[-a-zA-Z0-9_]+$", max_length=80)]
# Ids within the database's integer columns: larger ones are 422, not a crash.
IdPath = Annotated[int, Field(ge=1, le=2**63 - 1)]
NumberPath = Annotated[int, Field(ge=1, le=2**31 - 1)]


class MeOut(Schema):
    email: str
    first_name: str
    last_name: str
    auth: Literal["token", "session"]
    token_prefix: str | None
    scopes: list[str]


class ProgrammeOut(Schema):
    slug: str
    name: str
    status: str
    is_pilot: bool
    start_date: datetime.date | None
    end_date: datetime.date | None
    format: str
    your_role: Literal["manager", "sponsor"]


class PersonOut(Schema):
    employee_id: str
    first_name: str
    last_name: str
    email: str
    department: str | None
    level: int


class EnrolmentOut(Schema):
    id: int
    role: Literal["mentor", "mentee"]
    status: str
    person: PersonOut
    consent_at: datetime.datetime | None
    created_at: datetime.datetime


# --- People import (HRIS sync) --------------------------------------------------


def _text(max_length: int, forbidden: str = "") -> Any:
    """A string without NUL characters (PostgreSQL cannot store them)."""
    return Annotated[
        str, StringConstraints(pattern=rf"^[^\x00{forbidden}]*$", max_length=max_length)
    ]


class PersonIn(Schema):
    employee_id: _text(50)  # type: ignore[valid-type]
    first_name: _text(150)  # type: ignore[valid-type]
    last_name: _text(150)  # type: ignore[valid-type]
    email: _text(254) = ""  # type: ignore[valid-type]
    job_title: _text(200) = ""  # type: ignore[valid-type]
    department: _text(200) = ""  # type: ignore[valid-type]
    site: _text(200) = ""  # type: ignore[valid-type]
    level: int | None = Field(None, ge=1, le=5)
    manager_id: _text(50) = ""  # type: ignore[valid-type]
    hire_year: int | None = Field(None, ge=1950, le=2100)
    # The import reads a list of languages separated by , ; | or /.
    languages: list[_text(30, ",;|/")] = Field(  # type: ignore[valid-type]
        default_factory=list, max_length=20
    )
    role: Literal["mentor", "mentee", ""] = ""


class ImportIn(Schema):
    people: list[PersonIn] = Field(..., min_length=1, max_length=5000)
    dry_run: bool = Field(
        True, description="Only report what would change (the default)."
    )


class ImportRowOut(Schema):
    index: int = Field(..., description="Position of the person in `people`, from 0.")
    employee_id: str
    action: Literal["create", "update", "unchanged", "reject"]
    reasons: list[str]
    warnings: list[str] = Field(
        ...,
        description="Imported all the same: an unknown language left out, "
        "no email address (the person can be matched but not invited).",
    )
    changes: list[str]


class ImportCounts(Schema):
    create: int
    update: int
    unchanged: int
    reject: int


class ImportOut(Schema):
    dry_run: bool
    applied: bool
    counts: ImportCounts
    rows: list[ImportRowOut]
    new_departments: list[str]
    new_sites: list[str]


# --- Matching rounds ------------------------------------------------------------


class ReasonOut(Schema):
    code: str
    text: str


class ParticipantOut(Schema):
    enrolment_id: int
    name: str


class ProposedPairOut(Schema):
    mentor: ParticipantOut
    mentee: ParticipantOut
    score: float
    locked: bool
    reasons: list[ReasonOut]


class UnmatchedOut(Schema):
    mentee: ParticipantOut
    reason: ReasonOut


class RoundSummaryOut(Schema):
    number: int
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: int = Field(..., description="Overall percentage, 0 to 100.")
    phase: Literal[
        "", "reading", "scoring", "solving", "certifying", "assembling", "saving"
    ] = Field(..., description="What the engine does now (empty before it starts).")
    phase_done: int = Field(
        ..., description="Units of the phase done: blocks scored or certified."
    )
    phase_total: int = Field(
        ..., description="Units of the phase in all; 0 when it has no known size."
    )
    phase_step: int = Field(
        ..., description="Solve or certificate pass number (1 for the first)."
    )
    cancel_requested_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    published_at: datetime.datetime | None


class RoundOut(RoundSummaryOut):
    error: str
    totals: dict[str, float | int]
    pairs: list[ProposedPairOut]
    unmatched: list[UnmatchedOut]


class CancelOut(Schema):
    round: RoundSummaryOut
    outcome: Literal["cancelled", "requested", "already"] = Field(
        ...,
        description="cancelled: it was queued, cancelled now; requested: it "
        "runs, its engine stops within seconds (poll until the status is "
        "cancelled); already: asked before, nothing changed.",
    )


class PublishOut(Schema):
    round: RoundSummaryOut
    pairs_created: int


# --- Indicators ---------------------------------------------------------------


class FigureOut(Schema):
    value: float | int | None = Field(
        ..., description="The value, or null when hidden or without data."
    )
    hidden: bool = Field(
        ..., description="True when hidden by the small-group rules (shown « masqué »)."
    )
    display: str = Field(..., description="What the dashboard shows.")


class FunnelRowOut(Schema):
    step: str
    label: str
    mentor: FigureOut
    mentee: FigureOut
    total: FigureOut


class IndicatorsOut(Schema):
    programme: str
    pairs: FigureOut
    people: FigureOut
    sessions_held: FigureOut
    minutes_held: FigureOut
    keeping_rhythm_percent: FigureOut
    average_rating: FigureOut
    useful_percent: FigureOut
    cross_department_percent: FigureOut
    funnel: list[FunnelRowOut]


# --- Matching settings: derived from binome.programs.matching_settings ----------


def _json_number(value: Any) -> Any:
    """Numbers only: no « 1 » or true for a number. JSON has one number type,
    so 2.0 is the integer 2 (JSON Schema's "integer" says so too)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a number is expected")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _setting_type(setting: matching_settings.Setting) -> Any:
    """The JSON type, range and choices of a setting, validated strictly (no
    « 1 » for true, no string for a number), as the rules.toml reader does."""
    if setting.kind == "bool":
        return StrictBool
    if setting.kind == "choice":
        return Literal[tuple(code for code, _label in setting.choices)]
    bounds = PydanticField(ge=setting.low, le=setting.high)
    # The number's own schema (with its bounds) inside, the JSON check around.
    if setting.kind == "int":
        return Annotated[Annotated[StrictInt, bounds], BeforeValidator(_json_number)]
    return Annotated[Annotated[float, bounds], BeforeValidator(_json_number)]


def _settings_model(
    name: str, settings: tuple[matching_settings.Setting, ...], partial: bool
) -> type[Schema]:
    fields: dict[str, Any] = {}
    with translation.override("en"):
        for setting in settings:
            described = Field(
                None if partial else ...,
                title=str(setting.label),
                description=str(setting.help),
                json_schema_extra={"x-default": setting.default},
            )
            kind = _setting_type(setting)
            fields[setting.name] = (kind | None if partial else kind, described)
    return create_model(name, __base__=Schema, **fields)


MatchingWeightsIn = _settings_model(
    "MatchingWeightsIn", matching_settings.WEIGHTS, True
)
MatchingRulesIn = _settings_model(
    "MatchingRulesIn", matching_settings.PROGRAMME_RULES, True
)
MatchingWeightsOut = _settings_model(
    "MatchingWeightsOut", matching_settings.WEIGHTS, False
)
MatchingRulesOut = _settings_model(
    "MatchingRulesOut", matching_settings.PROGRAMME_RULES, False
)


class MatchingSettingsIn(Schema):
    """The settings to change; those left out keep their value."""

    weights: MatchingWeightsIn = Field(default_factory=MatchingWeightsIn)  # type: ignore[valid-type]
    rules: MatchingRulesIn = Field(default_factory=MatchingRulesIn)  # type: ignore[valid-type]


class MatchingSettingsOut(Schema):
    weights: MatchingWeightsOut  # type: ignore[valid-type]
    rules: MatchingRulesOut  # type: ignore[valid-type]
