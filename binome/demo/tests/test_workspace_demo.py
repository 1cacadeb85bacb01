import datetime

import pytest

from binome.demo.workspace import load_workspace_demo
from binome.pairs import services
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
    assert sum(row.at_risk for row in activity) == 1
    assert services.programme_feedback(pilot) is not None
