"""A closed pair's workspace is read-only: its history, notes and certificate
stay; planning, logging a session and updating the goals are gone, and
their POSTs are refused with a message, nothing changed. The story's « now »
is 22 November 2026."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from binome.pairs.models import Kpi, Meeting, Pair

from .conftest import paris

CLOSED = "Ce binôme est clôturé"


@pytest.fixture
def kpi(charter):
    return Kpi.objects.create(
        charter=charter, direction="mentee", title="Tableur", kpi="3 tableaux"
    )


@pytest.fixture
def camille(login, people):
    return login(people["camille"])


def test_an_active_pair_offers_planning_logging_and_progress(
    camille, pair, meetings, kpi
):
    page = camille.get(reverse("pairs:workspace", args=[pair.pk])).content.decode()
    assert reverse("pairs:plan", args=[pair.pk]) in page
    assert reverse("pairs:progress", args=[pair.pk]) in page
    past = next(m for m in meetings if m.starts_at < paris(2026, 11, 22, 10, 0))
    meeting = camille.get(reverse("pairs:meeting", args=[pair.pk, past.pk]))
    assert reverse("pairs:log", args=[pair.pk, past.pk]) in meeting.content.decode()


def test_a_closed_pair_is_read_only(camille, pair, meetings, kpi):
    pair.close()
    past = next(
        m
        for m in meetings
        if m.starts_at < paris(2026, 11, 22, 10, 0) and m.status == "planned"
    )
    ahead = next(m for m in meetings if m.starts_at > paris(2026, 11, 22, 10, 0))
    urls = {
        "workspace": reverse("pairs:workspace", args=[pair.pk]),
        "schedule": reverse("pairs:schedule", args=[pair.pk]),
        "progress": reverse("pairs:progress", args=[pair.pk]),
        "meeting": reverse("pairs:meeting", args=[pair.pk, past.pk]),
    }
    pages = {name: camille.get(url) for name, url in urls.items()}
    assert all(p.status_code == 200 for p in pages.values())
    text = {name: p.content.decode() for name, p in pages.items()}
    plan_url = reverse("pairs:plan", args=[pair.pk])
    log_url = reverse("pairs:log", args=[pair.pk, past.pk])
    progress_url = reverse("pairs:kpi_progress", args=[pair.pk, kpi.pk])
    for page in text.values():
        assert plan_url not in page
        assert log_url not in page
        assert progress_url not in page
    assert (
        reverse("pairs:meeting_move", args=[pair.pk, ahead.pk])
        not in (text["schedule"])
    )
    assert "Mettre à jour l’avancement" not in text["workspace"]
    assert "Mettre à jour l'avancement" not in text["workspace"]
    assert "Planifier les séances" not in text["workspace"]
    # The history stays.
    assert "Séances passées" in text["workspace"]
    assert "Tableur" in text["workspace"]

    count = Meeting.objects.count()
    posts = [
        (plan_url, {"first_at": "2026-11-30T10:00", "confirm": "1"}),
        (log_url, {"held": "held", "minutes": "45"}),
        (progress_url, {"current_value": "2", "done": "on"}),
        (reverse("pairs:meeting_move", args=[pair.pk, ahead.pk]), {}),
        (reverse("pairs:kpi_add", args=[pair.pk]), {"title": "x", "kpi": "y"}),
    ]
    for url, data in posts:
        response = camille.post(url, data)
        assert response.status_code == 302, url
        said = [str(m) for m in get_messages(response.wsgi_request)]
        assert any(CLOSED in m for m in said), (url, said)
    past.refresh_from_db()
    kpi.refresh_from_db()
    pair.refresh_from_db()
    assert past.status == Meeting.Status.PLANNED
    assert kpi.current_value is None and not kpi.done
    assert Meeting.objects.count() == count
    assert Kpi.objects.count() == 1
    assert pair.status == Pair.Status.CLOSED


def test_a_closed_pairs_charter_agenda_notes_and_actions_stay_as_they_were(
    camille, people, pair, meetings, charter
):
    """Everything the two people share is frozen once the pair is closed:
    the charter (and its acceptance), the agenda, the shared notes and the
    action items. Each POST is refused with the message, nothing changes;
    the pages show the content without forms."""
    from binome.pairs import services
    from binome.pairs.models import ActionItem, AgendaItem

    user = people["camille"].user
    past = next(m for m in meetings if m.starts_at < paris(2026, 11, 22, 10, 0))
    ahead = next(m for m in meetings if m.starts_at > paris(2026, 11, 22, 10, 0))
    item = services.add_agenda_item(meeting=ahead, by=user, text="Excel", kind="topic")
    me = pair.mentee if pair.mentee.person.user_id == user.pk else pair.mentor
    action = services.add_action_item(meeting=past, text="Lire le guide", owner=me)
    services.save_notes(meeting=past, data={"notes": "Avant la clôture"})
    past.refresh_from_db()
    charter.refresh_from_db()
    charter_text = {
        f: getattr(charter, f) for f in ("mentee_objectives", "cadence_days")
    }
    pair.close()

    posts = [
        (reverse("pairs:charter", args=[pair.pk]), {"mentee_objectives": "Changé"}),
        (reverse("pairs:charter_accept", args=[pair.pk]), {}),
        (
            reverse("pairs:agenda_add", args=[pair.pk, ahead.pk]),
            {"text": "Nouveau", "kind": "topic"},
        ),
        (
            reverse("pairs:agenda_edit", args=[pair.pk, ahead.pk, item.pk]),
            {"text": "Changé", "kind": "topic", "version": item.version},
        ),
        (
            reverse("pairs:agenda_delete", args=[pair.pk, ahead.pk, item.pk]),
            {},
        ),
        (
            reverse("pairs:notes", args=[pair.pk, past.pk]),
            {"notes": "Après la clôture", "version": past.version},
        ),
        (
            reverse("pairs:action_add", args=[pair.pk, past.pk]),
            {"text": "Encore", "owner": me.pk},
        ),
        (
            reverse("pairs:action_toggle", args=[pair.pk, past.pk, action.pk]),
            {},
        ),
    ]
    for url, data in posts:
        response = camille.post(url, data)
        assert response.status_code == 302, url
        said = [str(m) for m in get_messages(response.wsgi_request)]
        assert any(CLOSED in m for m in said), (url, said)

    charter.refresh_from_db()
    past.refresh_from_db()
    item.refresh_from_db()
    action.refresh_from_db()
    assert {f: getattr(charter, f) for f in charter_text} == charter_text
    assert past.notes == "Avant la clôture"
    assert item.text == "Excel"
    assert AgendaItem.objects.count() == 1
    assert ActionItem.objects.count() == 1 and action.done_at is None

    page = camille.get(reverse("pairs:meeting", args=[pair.pk, past.pk]))
    text = page.content.decode()
    assert "Avant la clôture" in text and "Lire le guide" in text
    assert reverse("pairs:notes", args=[pair.pk, past.pk]) in text  # form, read-only
    assert "Enregistrer les notes" not in text
    assert reverse("pairs:action_add", args=[pair.pk, past.pk]) not in text
    assert (
        reverse("pairs:action_toggle", args=[pair.pk, past.pk, action.pk]) not in text
    )
    charter_page = camille.get(reverse("pairs:charter", args=[pair.pk]))
    charter_html = charter_page.content.decode()
    assert reverse("pairs:charter_accept", args=[pair.pk]) not in charter_html
    assert reverse("pairs:kpi_add", args=[pair.pk]) not in charter_html
    assert "disabled" in charter_html

    # The services refuse too (the API and any other caller).
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.save_notes(meeting=past, data={"notes": "x"})
    with pytest.raises(ValidationError):
        services.add_agenda_item(meeting=ahead, by=user, text="x", kind="topic")
