import datetime

import pytest

from binome.demo.workspace import load_workspace_demo
from binome.pairs import services
from binome.pairs.health import pair_health
from binome.pairs.models import (
    ActionItem,
    AgendaItem,
    Feedback,
    GlossaryTerm,
    Meeting,
    Pair,
)
from binome.skills.models import Resource, ResourceRating

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


def _counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Meeting,
            AgendaItem,
            ActionItem,
            Feedback,
            GlossaryTerm,
            Resource,
            ResourceRating,
        )
    }


def test_the_pilot_pairs_get_a_lived_in_workspace_once(pilot, pair):
    pair.started_on = datetime.date(2026, 9, 21)
    pair.save()
    load_workspace_demo(pilot, today=TODAY)
    first = _counts()
    load_workspace_demo(pilot, today=TODAY)
    assert _counts() == first

    charter = pair.charter
    assert charter.is_accepted and charter.video_link
    meetings = pair.meetings.all()
    past = [m for m in meetings if m.starts_at.date() < TODAY]
    future = [m for m in meetings if m.starts_at.date() > TODAY]
    assert past and future
    assert {m.status for m in past} <= {"held", "missed"}
    assert {m.status for m in future} == {"planned"}
    held = [m for m in past if m.status == "held"]
    assert all(m.notes and m.agenda_items.exists() for m in held)
    assert Feedback.objects.filter(meeting__in=held).count() == 2 * len(held)
    assert GlossaryTerm.objects.approved().filter(kind="tech").exists()
    assert GlossaryTerm.objects.approved().filter(kind="corporate").exists()
    assert GlossaryTerm.objects.filter(status="suggested", programme=pilot).exists()
    assert Resource.objects.filter(skills__isnull=False).exists()


def test_the_demo_works_with_the_full_demo_pilot(db):
    from binome.demo.services import load_demo
    from binome.programs.models import Programme

    load_demo()
    pilot = Programme.objects.get(slug="pilote-2026")
    load_workspace_demo(pilot, today=TODAY)
    pairs = Pair.objects.in_programme(pilot).active()
    assert pairs.count() == 8
    assert all(p.meetings.exists() and p.charter.is_accepted for p in pairs)
    activity = services.programme_activity(
        pilot, now=datetime.datetime(2026, 11, 22, 12, tzinfo=datetime.UTC)
    )
    # The pilot: the activity page flagged 1 pair, the health page 2.
    # One definition now: the same 2 pairs.
    flagged = {row.pair.pk for row in activity if row.at_risk}
    assert len(flagged) == 2
    assert flagged == {
        row.pair.pk for row in pair_health(pilot, TODAY, at_risk_only=True)
    }
    assert services.programme_feedback(pilot) is not None


def test_the_demo_glossary_and_resources_are_in_french_and_english(pilot, pair):
    load_workspace_demo(pilot, today=TODAY)
    terms = list(GlossaryTerm.objects.all())
    assert len(terms) >= 12
    for term in terms:
        assert term.definition_en and term.example_en, term.term
        assert term.definition_en != term.definition_fr, term.term
    resources = list(Resource.objects.prefetch_related("skills"))
    for resource in resources:
        assert resource.title_en and resource.description_fr, resource.title_fr
        assert resource.description_en, resource.title_fr
        assert resource.skills.exists(), resource.title_fr
    # Leadership resources, for what seniors share with juniors.
    leadership = {
        s.code for r in resources for s in r.skills.all() if s.area.kind == "leadership"
    }
    assert {
        "leadership",
        "strategic-vision",
        "networking",
        "negotiation",
        "public-speaking",
    } <= leadership


def test_an_older_demo_gets_the_english_it_lacks(pilot, pair):
    GlossaryTerm.objects.create(
        term="COMEX", kind="corporate", definition_fr="Écrit à la main."
    )
    Resource.objects.create(
        title_fr="Pix : évaluer ses compétences numériques",
        kind="module",
        url="https://pix.fr/",
    )
    load_workspace_demo(pilot, today=TODAY)
    comex = GlossaryTerm.objects.get(term="COMEX")
    assert comex.definition_fr == "Écrit à la main."  # what someone wrote stays
    assert comex.definition_en.startswith("The executive committee")
    pix = Resource.objects.get(url="https://pix.fr/")
    assert pix.title_en == "Pix: assess your digital skills"
