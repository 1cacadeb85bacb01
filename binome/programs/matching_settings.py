"""The matching settings of a programme, described once (#17).

Each setting of the engine (a field of ``pairmaker.Weights`` or
``pairmaker.Rules``) has one entry here: its name, type, allowed range or
choices, default, label and help. Everything else is derived from it:

- the programme's model validation (``validate_weights``/``validate_rules``
  in ``programs.models``, which the migrations reference) and defaults;
- the programme form's fields (``programs.forms.ProgrammeForm``);
- the API's settings endpoint: its OpenAPI schema (``api.schemas``) and its
  validation (``programs.forms.MatchingSettingsForm``, as the pages);
- the checks and messages of the command line's ``rules.toml`` reader
  (``matching.matchcsv.read_rules``).

``binome/matching/tests/test_settings_schema.py`` checks the defaults against
``pairmaker`` (this module cannot import the engine: only ``binome.matching``
does); ``binome/api/tests/test_matching_settings.py`` that the form, the model,
the TOML reader and the API accept and refuse the same values at each bound.

This module imports neither models nor settings: the command line imports it
before Django is configured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django import forms

#: Half-days in a week of the availability vocabulary
#: (``people.models.SLOT_CODES``: Monday to Friday, morning and afternoon).
#: Two people cannot share more slots than that, so no slot count goes above.
WEEKLY_SLOTS = 10
#: Weights are relative: only their ratios count. The bound keeps a typing
#: slip (100 for 1.0) from drowning every other component.
MAX_WEIGHT = 10

Kind = Literal["bool", "int", "float", "choice"]


@dataclass(frozen=True)
class Setting:
    """One engine setting. ``name`` is the engine's field name and the key in
    a programme's JSON; ``toml_key`` the key in ``rules.toml`` when it differs
    (kept for existing files); ``in_programme`` is False for the settings only
    the command line exposes."""

    name: str
    kind: Kind
    default: Any
    label: Promise
    help: Promise
    low: float | None = None
    high: float | None = None
    choices: tuple[tuple[str, Promise], ...] = ()
    toml_key: str = ""
    in_programme: bool = True

    @property
    def key_in_toml(self) -> str:
        return self.toml_key or self.name

    def accepts(self, value: object) -> bool:
        """True when ``value`` (as JSON or TOML gives it) is allowed."""
        if self.kind == "bool":
            return isinstance(value, bool)
        if self.kind == "choice":
            return isinstance(value, str) and value in dict(self.choices)
        if isinstance(value, bool):
            return False
        allowed: type | tuple[type, ...] = int if self.kind == "int" else (int, float)
        if not isinstance(value, allowed):
            return False
        assert isinstance(value, int | float)
        return (self.low is None or value >= self.low) and (
            self.high is None or value <= self.high
        )

    def expected(self) -> str:
        """What is allowed, for messages: ``0..10``, ``a | b``, ``true | false``."""
        if self.kind == "bool":
            return "true | false"
        if self.kind == "choice":
            return " | ".join(code for code, _label in self.choices)
        if self.kind == "float":
            return f"{float(self.low or 0)}..{float(self.high or 0)}"
        return f"{int(self.low or 0)}..{int(self.high or 0)}"

    def form_field(self, initial: Any = None) -> forms.Field:
        from django import forms

        common: dict[str, Any] = {
            "label": self.label,
            "help_text": self.help,
            "initial": self.default if initial is None else initial,
        }
        if self.kind == "bool":
            return forms.BooleanField(required=False, **common)
        if self.kind == "choice":
            return forms.ChoiceField(choices=list(self.choices), **common)
        if self.kind == "int":
            low, high = int(self.low or 0), int(self.high or 0)
            return forms.IntegerField(min_value=low, max_value=high, **common)
        return forms.FloatField(min_value=self.low, max_value=self.high, **common)


def _weight(name: str, default: float, label: Promise, help: Promise) -> Setting:
    return Setting(name, "float", default, label, help, low=0, high=MAX_WEIGHT)


# Score components (pairmaker.Weights), in the engine's order.
WEIGHTS: tuple[Setting, ...] = (
    _weight(
        "complementarity",
        0.30,
        _("Complementarity of skills"),
        _("The mentor is strong in what the mentee wants to learn."),
    ),
    _weight(
        "reciprocity",
        0.15,
        _("Reciprocity (what the mentor learns)"),
        _("The mentee is strong in what the mentor wants to learn."),
    ),
    _weight(
        "teaching",
        0.15,
        _("Teaching ability"),
        _("The mentor's teaching grades from the casting."),
    ),
    _weight(
        "affinity",
        0.10,
        _("Shared interests"),
        _("Interests both have in common."),
    ),
    _weight(
        "availability",
        0.10,
        _("Shared availability"),
        _("Half-days when both are usually free."),
    ),
    _weight(
        "silo",
        0.10,
        _("Silo-crossing"),
        _("The two work in different departments."),
    ),
    _weight(
        "feedback",
        0.10,
        _("« Café virtuel » feedback"),
        _("What both said after their introductory coffee."),
    ),
)

# Hard rules and the objective (pairmaker.Rules): every rule is on unless a
# programme relaxes it.
RULES: tuple[Setting, ...] = (
    Setting(
        "forbid_reporting_line",
        "bool",
        True,
        _("No line-management link, direct or indirect"),
        _("Never pair someone with their manager, or their manager's manager."),
        toml_key="reporting_line",
    ),
    Setting(
        "require_common_language",
        "bool",
        True,
        _("At least one common language"),
        _("The two must share at least one language."),
        toml_key="common_language",
    ),
    Setting(
        "require_format",
        "bool",
        True,
        _("A compatible format"),
        _(
            "Both accept remote sessions, or both accept on-site sessions on the "
            "same site."
        ),
        toml_key="format",
    ),
    Setting(
        "min_common_slots",
        "int",
        1,
        _("Minimum common weekly slots"),
        _("Half-days when both are usually free (0 to ignore)."),
        low=0,
        high=WEEKLY_SLOTS,
    ),
    Setting(
        "seniority",
        "choice",
        "strict",
        _("The mentor is more junior: strictly, at most the same level, or no rule"),
        _(
            "Reverse mentoring: the mentor is more junior. « At most the same "
            "level » allows peers."
        ),
        choices=(
            ("strict", _("Strictly more junior")),
            ("relaxed", _("At most the same level")),
            ("off", _("No rule")),
        ),
    ),
    Setting(
        "same_department",
        "choice",
        "forbid",
        _("Same department: forbid, penalise or allow"),
        _("Pairs that cross silos learn more: forbid or penalise the same department."),
        choices=(
            ("forbid", _("Forbid")),
            ("penalise", _("Penalise")),
            ("allow", _("Allow")),
        ),
        toml_key="department",
    ),
    Setting(
        "objective",
        "choice",
        "coverage",
        _("Objective: coverage first, or score only"),
        _(
            "Coverage first pairs as many mentees as possible, then maximises the "
            "score."
        ),
        choices=(
            ("coverage", _("Coverage first")),
            ("score", _("Score only")),
        ),
    ),
    Setting(
        "min_score",
        "float",
        0.0,
        _("Minimum score of a pair (score-only objective)"),
        _("With « score only », pairs below this score (0 to 1) are not made."),
        low=0,
        high=1,
    ),
    # Only in rules.toml for now: the web app keeps the engine's defaults.
    Setting(
        "same_department_penalty",
        "float",
        0.25,
        _("Penalty for the same department"),
        _("Share of the score a pair loses when the same department is penalised."),
        low=0,
        high=1,
        toml_key="department_penalty",
        in_programme=False,
    ),
    Setting(
        "respect_avoid",
        "bool",
        True,
        _("Respect the avoid lists"),
        _("Never pair two people when one asked to avoid the other."),
        toml_key="avoid",
        in_programme=False,
    ),
    Setting(
        "availability_target",
        "int",
        3,
        _("Common slots for a full availability score"),
        _("From this many common half-days on, availability scores in full."),
        low=1,
        high=WEEKLY_SLOTS,
        in_programme=False,
    ),
)

WEIGHTS_BY_NAME = {s.name: s for s in WEIGHTS}
RULES_BY_NAME = {s.name: s for s in RULES}
PROGRAMME_RULES = tuple(s for s in RULES if s.in_programme)


def default_weights() -> dict[str, float]:
    return {s.name: s.default for s in WEIGHTS}


def default_rules() -> dict[str, Any]:
    """A programme's rules by default (the settings a programme has)."""
    return {s.name: s.default for s in PROGRAMME_RULES}


def weight_errors(value: object) -> list[str]:
    """What is wrong with a programme's weights (a JSON object), in the
    active language; empty when they are valid."""
    return _errors(
        value,
        WEIGHTS_BY_NAME,
        _("Weights must be a mapping."),
        _("Unknown weight: %(names)s."),
    )


def rule_errors(value: object) -> list[str]:
    """What is wrong with a programme's rules (a JSON object)."""
    programme_rules = {s.name: s for s in PROGRAMME_RULES}
    return _errors(
        value,
        programme_rules,
        _("Rules must be a mapping."),
        _("Unknown rule: %(names)s."),
    )


def _errors(
    value: object, known: dict[str, Setting], not_a_mapping: Promise, unknown: Promise
) -> list[str]:
    if not isinstance(value, dict):
        return [str(not_a_mapping)]
    out = []
    names = sorted(set(value) - set(known))
    if names:
        out.append(str(unknown % {"names": ", ".join(names)}))
    for key, item in value.items():
        setting = known.get(key)
        if setting is not None and not setting.accepts(item):
            out.append(invalid_value(setting.label, item, setting))
    return out


def invalid_value(name: object, value: object, setting: Setting) -> str:
    """The one message for a refused value, on the pages, in the API and in
    the command line's output."""
    return str(
        _("%(name)s: « %(value)s » is not valid (expected %(expected)s).")
        % {"name": name, "value": _shown(value), "expected": setting.expected()}
    )


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
