"""The matching settings accept and refuse the same values everywhere: the
programme form, the model, the API and the command line's rules.toml, at each
bound of each setting, the cases generated from the one schema
(binome.programs.matching_settings). Odile manages the pilot."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from binome.matching.matchcsv import Problems, read_rules
from binome.programs import matching_settings
from binome.programs.forms import MatchingSettingsForm
from binome.programs.matching_settings import Setting
from binome.programs.models import Programme, validate_rules, validate_weights

URL = "/api/v1/programmes/pilote/matching-settings"


def _cases(setting: Setting) -> list[tuple[Any, bool]]:
    """Values at and just beyond each bound, each choice and one more."""
    if setting.kind == "bool":
        return [(True, True), (False, True)]
    if setting.kind == "choice":
        return [(code, True) for code, _label in setting.choices] + [
            ("nonsense", False)
        ]
    assert setting.low is not None and setting.high is not None
    step = 1 if setting.kind == "int" else 0.01
    return [
        (setting.low, True),
        (setting.high, True),
        (setting.low - step, False),
        (setting.high + step, False),
    ]


def _params(settings: tuple[Setting, ...]) -> list[Any]:
    return [
        pytest.param(s, value, ok, id=f"{s.name}={value}")
        for s in settings
        for value, ok in _cases(s)
    ]


WEIGHTS = _params(matching_settings.WEIGHTS)
PROGRAMME_RULES = _params(matching_settings.PROGRAMME_RULES)
ALL_RULES = _params(matching_settings.RULES)


def _is_weight(setting: Setting) -> bool:
    return setting.name in matching_settings.WEIGHTS_BY_NAME


def form_accepts(setting: Setting, value: Any) -> bool:
    prefix = "weight" if _is_weight(setting) else "rule"
    values = matching_settings.default_weights() | matching_settings.default_rules()
    data = {
        f"{'weight' if n in matching_settings.WEIGHTS_BY_NAME else 'rule'}_{n}": v
        for n, v in values.items()
        if v is not False
    }
    data = {k: ("on" if v is True else str(v)) for k, v in data.items()}
    name = f"{prefix}_{setting.name}"
    if value is False:
        data.pop(name, None)
    else:
        data[name] = "on" if value is True else str(value)
    return MatchingSettingsForm(data=data).is_valid()


def model_accepts(setting: Setting, value: Any) -> bool:
    validate = validate_weights if _is_weight(setting) else validate_rules
    try:
        validate({setting.name: value})
    except ValidationError:
        return False
    return True


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def toml_accepts(setting: Setting, value: Any) -> bool:
    if _is_weight(setting):
        text = f"[weights]\n{setting.name} = {_toml(value)}\n"
    else:
        text = f"{setting.key_in_toml} = {_toml(value)}\n"
    problems = Problems()
    read_rules(text, "rules.toml", problems)
    return not problems.lines


@pytest.fixture
def odile_api(people, pilot, api_as):
    return api_as(people["odile"])


def api_accepts(api: Any, setting: Setting, value: Any) -> bool:
    group = "weights" if _is_weight(setting) else "rules"
    response = api.post(URL, {group: {setting.name: value}})
    assert response.status_code in (200, 422), response.content
    if response.status_code == 422:
        assert response.json()["error"]["code"] == "invalid_request"
    return bool(response.status_code == 200)


@pytest.mark.parametrize(("setting", "value", "ok"), WEIGHTS + PROGRAMME_RULES)
def test_the_form_the_model_and_the_api_agree(odile_api, setting, value, ok):
    assert form_accepts(setting, value) is ok
    assert model_accepts(setting, value) is ok
    assert api_accepts(odile_api, setting, value) is ok


@pytest.mark.parametrize(("setting", "value", "ok"), WEIGHTS + ALL_RULES)
def test_rules_toml_agrees(setting, value, ok):
    assert toml_accepts(setting, value) is ok


def test_min_common_slots_is_0_to_10_everywhere(odile_api):
    """It was 0–10 on the pages and 0–14 in rules.toml: 14 is now refused by
    the command line too (a week has 10 half-day slots)."""
    slots = matching_settings.RULES_BY_NAME["min_common_slots"]
    for value, ok in [(0, True), (10, True), (11, False), (14, False), (-1, False)]:
        assert form_accepts(slots, value) is ok, value
        assert model_accepts(slots, value) is ok, value
        assert toml_accepts(slots, value) is ok, value
        assert api_accepts(odile_api, slots, value) is ok, value


def test_the_api_reads_and_changes_the_settings_the_page_shows(odile_api, pilot):
    body = odile_api.get(URL).json()
    assert body["rules"] == pilot.rules()
    assert body["weights"] == pilot.weights()
    changed = odile_api.post(URL, {"rules": {"min_common_slots": 3}})
    assert changed.status_code == 200
    pilot.refresh_from_db()
    assert pilot.rules()["min_common_slots"] == 3
    assert changed.json()["rules"]["min_common_slots"] == 3
    # Values of the wrong type are refused, not converted.
    for bad in ({"rules": {"require_format": 1}}, {"rules": {"min_common_slots": 2.0}}):
        assert odile_api.post(URL, bad).status_code == 422
    # The form's own rule: not every weight at zero.
    zero = {"weights": dict.fromkeys(matching_settings.WEIGHTS_BY_NAME, 0)}
    refused = odile_api.post(URL, zero)
    assert refused.status_code == 422
    pilot.refresh_from_db()
    assert pilot.weights() == matching_settings.default_weights()


def test_changing_the_settings_needs_the_matching_scope(people, pilot, api_as):
    reader = api_as(people["odile"], ["read"])
    assert reader.get(URL).status_code == 200
    refused = reader.post(URL, {"rules": {"min_common_slots": 3}})
    assert refused.status_code == 403
    pilot.refresh_from_db()
    assert pilot.rules()["min_common_slots"] == 1


def test_the_schema_shows_ranges_and_choices(anonymous_api):
    schema = anonymous_api.get("/api/v1/openapi.json").json()
    rules = schema["components"]["schemas"]["MatchingRulesIn"]["properties"]
    slots = rules["min_common_slots"]["anyOf"][0]
    assert (slots["minimum"], slots["maximum"]) == (0, 10)
    assert rules["seniority"]["anyOf"][0]["enum"] == ["strict", "relaxed", "off"]
    assert Programme._meta.get_field("matching_rules").validators == [validate_rules]
