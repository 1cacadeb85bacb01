"""The one description of the matching settings (programs.matching_settings)
agrees with the engine: same names, same defaults, every engine setting
described. ``programs`` cannot import ``pairmaker``; this app can."""

from __future__ import annotations

import dataclasses

import pairmaker
from binome.matching import matchcsv
from binome.people.models import SLOT_CODES
from binome.programs import matching_settings
from binome.programs.models import Programme


def test_weights_are_the_engine_components_with_its_defaults() -> None:
    assert matching_settings.default_weights() == pairmaker.Weights().as_dict()
    assert [s.name for s in matching_settings.WEIGHTS] == list(pairmaker.COMPONENTS)


def test_every_engine_rule_is_described_with_its_default() -> None:
    engine = {
        f.name: getattr(pairmaker.Rules(), f.name)
        for f in dataclasses.fields(pairmaker.Rules)
        if f.name != "weights"
    }
    described = {s.name: s.default for s in matching_settings.RULES}
    assert described == engine


def test_a_programme_runs_the_engine_defaults() -> None:
    from binome.matching.adapter import engine_rules

    assert engine_rules(Programme()) == pairmaker.Rules()


def test_slot_counts_stop_at_the_slots_of_a_week() -> None:
    # Two people share at most every slot of the vocabulary: a larger minimum
    # would forbid every pair.
    assert len(SLOT_CODES) == matching_settings.WEEKLY_SLOTS
    slots = matching_settings.RULES_BY_NAME["min_common_slots"]
    assert (slots.low, slots.high) == (0, len(SLOT_CODES))


def test_every_setting_has_a_toml_key_the_reader_knows() -> None:
    assert {s.name for s in matchcsv.RULE_KEYS.values()} == {
        s.name for s in matching_settings.RULES
    }
