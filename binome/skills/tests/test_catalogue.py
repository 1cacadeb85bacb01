import pytest
from django.db import IntegrityError
from django.utils import translation

from binome.skills.models import (
    LevelDescriptor,
    Skill,
    SkillArea,
)
from binome.tests.constraints import violates

pytestmark = pytest.mark.django_db


def test_catalogue_has_the_five_crcn_domains_and_the_leadership_area():
    digital = SkillArea.objects.filter(kind=SkillArea.Kind.DIGITAL)
    assert digital.count() == 5
    assert set(digital.values_list("name_fr", flat=True)) == {
        "Informations et données",
        "Communication et collaboration",
        "Création de contenus",
        "Protection et sécurité",
        "Environnement numérique",
    }
    assert SkillArea.objects.filter(kind=SkillArea.Kind.LEADERSHIP).count() == 1


def test_catalogue_has_the_sixteen_crcn_competences():
    competences = Skill.objects.filter(kind=Skill.Kind.COMPETENCE)
    assert competences.count() == 16
    assert competences.filter(area__code="communication-collaboration").count() == 4
    assert Skill.objects.get(code="crcn-3-4").name_fr == "Programmer"


def test_catalogue_has_practice_topics_and_skills_offered_back():
    topics = set(
        Skill.objects.filter(kind=Skill.Kind.TOPIC).values_list("code", flat=True)
    )
    assert {
        "linkedin",
        "generative-ai",
        "automation",
        "dataviz",
        "cyber-hygiene",
    } <= topics
    offered = Skill.objects.leadership()
    assert offered.count() == 8
    assert set(offered.values_list("kind", flat=True)) == {Skill.Kind.OFFERED}


def test_every_skill_has_an_english_name():
    assert not Skill.objects.filter(name_en="").exists()


def test_scale_has_five_levels_with_french_and_english_descriptors():
    levels = LevelDescriptor.objects.filter(skill=None).order_by("level")
    assert [d.level for d in levels] == [0, 1, 2, 3, 4]
    assert [d.label_fr for d in levels] == [
        "Aucune",
        "Novice",
        "Indépendant",
        "Avancé",
        "Expert",
    ]
    assert all(d.description_fr and d.description_en for d in levels)


def test_names_follow_the_active_language():
    skill = Skill.objects.get(code="crcn-4-2")
    with translation.override("fr"):
        assert skill.name == "Protéger les données personnelles et la vie privée"
    with translation.override("en"):
        assert skill.name == "Protecting personal data and privacy"


def test_a_default_level_descriptor_is_unique():
    with pytest.raises(
        IntegrityError,
        match=violates(LevelDescriptor, "descriptor_default_level_unique"),
    ):
        LevelDescriptor.objects.create(
            level=2, label_fr="x", label_en="x", description_fr="x", description_en="x"
        )


def test_a_skill_may_override_a_level_once():
    skill = Skill.objects.get(code="linkedin")
    LevelDescriptor.objects.create(
        skill=skill,
        level=2,
        label_fr="x",
        label_en="x",
        description_fr="x",
        description_en="x",
    )
    with pytest.raises(
        IntegrityError, match=violates(LevelDescriptor, "descriptor_skill_level_unique")
    ):
        LevelDescriptor.objects.create(
            skill=skill,
            level=2,
            label_fr="y",
            label_en="y",
            description_fr="y",
            description_en="y",
        )


def test_retired_skills_are_not_active():
    skill = Skill.objects.get(code="blockchain")
    skill.is_active = False
    skill.save()
    assert not Skill.objects.active().filter(code="blockchain").exists()
    assert Skill.objects.filter(code="blockchain").exists()


def test_every_leadership_skill_has_its_own_five_levels_in_french_and_english():
    default = {d.level: d for d in LevelDescriptor.objects.filter(skill=None)}
    for skill in Skill.objects.leadership():
        own = list(skill.level_descriptors.order_by("level"))
        assert [d.level for d in own] == [0, 1, 2, 3, 4], skill.code
        for d in own:
            assert d.label_fr and d.label_en and d.description_fr and d.description_en
            # Not the CRCN bands.
            assert "CRCN" not in d.description_fr
            assert d.description_fr != default[d.level].description_fr
        # Each skill its own words, level by level.
        assert len({d.description_fr for d in own}) == 5
        assert len({d.description_en for d in own}) == 5


def test_a_skills_scale_is_its_own_descriptors_else_the_default_ones():
    negotiation = Skill.objects.get(code="negotiation")
    programming = Skill.objects.get(code="crcn-3-4")
    # A company gives one level of a digital skill its own words.
    LevelDescriptor.objects.create(
        skill=programming,
        level=4,
        label_fr="Développeur",
        label_en="Developer",
        description_fr="J'écris et je maintiens des programmes.",
        description_en="I write and maintain programs.",
    )
    scales = LevelDescriptor.objects.scales([negotiation, programming])
    assert scales[negotiation.pk].is_own
    assert scales[negotiation.pk].label(3) == "Confirmé"
    mixed = scales[programming.pk]
    assert mixed.is_own
    assert [d.label_fr for d in mixed.descriptors] == [
        "Aucune",
        "Novice",
        "Indépendant",
        "Avancé",
        "Développeur",
    ]
    with translation.override("en"):
        assert scales[negotiation.pk].label(2) == "Practising"
