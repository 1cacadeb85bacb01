from types import SimpleNamespace

from django.apps import apps

from binome.privacy.registry import REGISTRY, SECTIONS, installed_entries, unregistered

# Models that point at a person are personal data, whatever the registry says.
PERSON_MODELS = {
    "accounts.user",
    "people.person",
    "programs.enrolment",
    "pairs.pair",
    "pairs.meeting",
}


def test_every_installed_model_is_declared():
    assert unregistered(apps.get_models()) == []


def test_an_undeclared_model_is_reported():
    fake = SimpleNamespace(_meta=SimpleNamespace(label_lower="hr.salaryslip"))
    assert unregistered([*apps.get_models(), fake]) == ["hr.salaryslip"]


def test_personal_entries_have_an_export_and_an_erasure():
    for entry in REGISTRY.values():
        if not entry.personal:
            assert entry.reason, entry.label
            continue
        if entry.part_of:
            parent = REGISTRY[entry.part_of]
            assert parent.personal and parent.export and parent.erase, entry.label
        else:
            assert entry.export is not None and entry.erase is not None, entry.label


def test_every_personal_model_is_in_the_export_sections():
    sections = {label for label, _title in SECTIONS}
    for model in apps.get_models():
        entry = REGISTRY[model._meta.label_lower]
        if entry.personal and not entry.part_of:
            assert entry.label in sections, entry.label
    assert {e.label for e, _t in installed_entries()} <= sections


def test_a_model_pointing_at_a_person_is_not_declared_impersonal():
    for model in apps.get_models():
        targets = {
            f.related_model._meta.label_lower
            for f in model._meta.concrete_fields
            if f.is_relation and f.related_model is not None
        }
        if targets & PERSON_MODELS:
            assert REGISTRY[model._meta.label_lower].personal, model._meta.label_lower
