"""Each person's private notes on a session: seen by their author only — not
the partner, not HR, not a sponsor, not the assistant, not the partner's
export — and kept apart from the pair's shared notes."""

import pytest
from django.test import Client
from django.urls import reverse

from binome.pairs import services
from binome.pairs.models import Assistant, PrivateNote

from .test_concurrency import conflict_form, shown

SECRET = "Je trouve Bernard fatigué en ce moment"


def _meeting_url(meeting):
    return reverse("pairs:meeting", args=[meeting.pair_id, meeting.pk])


def _note_url(meeting):
    return reverse("pairs:private_note", args=[meeting.pair_id, meeting.pk])


def _client(person):
    client = Client()
    client.force_login(person.user)
    return client


@pytest.fixture
def noted(meeting, people):
    camille = _client(people["camille"])
    form = camille.get(_meeting_url(meeting)).context["private_note_form"]
    response = camille.post(_note_url(meeting), {**shown(form), "text": SECRET})
    assert response.status_code == 302
    return meeting


def test_the_author_sees_their_private_notes_apart_from_the_shared_ones(noted, people):
    page = _client(people["camille"]).get(_meeting_url(noted)).content.decode()
    assert SECRET in page
    noted.refresh_from_db()
    assert noted.notes == ""  # not in the shared notes
    note = PrivateNote.objects.get()
    assert note.author.person == people["camille"]


def test_the_partner_does_not_see_them(noted, people):
    bernard = _client(people["bernard"])
    page = bernard.get(_meeting_url(noted)).content.decode()
    assert SECRET not in page
    # Bernard's own private notes are a separate, empty form.
    form = bernard.get(_meeting_url(noted)).context["private_note_form"]
    assert form.initial.get("text", "") == "" and form.instance.pk is None


@pytest.mark.parametrize("who", ["odile", "ines", "victor"])
def test_hr_and_outsiders_do_not_see_them(noted, people, pair, who):
    client = _client(people[who])
    assert client.get(_meeting_url(noted)).status_code == 404
    activity = client.get(reverse("pairs:activity", args=[pair.programme.slug]))
    assert SECRET not in activity.content.decode()
    assert (
        client.post(_note_url(noted), {"text": "x", "version": "0"}).status_code == 404
    )
    assert PrivateNote.objects.get().text == SECRET


def test_a_sponsor_does_not_see_them(noted, people, pair):
    pair.programme.sponsors.add(people["xavier"].user)
    client = _client(people["xavier"])
    assert client.get(_meeting_url(noted)).status_code == 404
    for url in ("/", reverse("pairs:list")):
        assert SECRET not in client.get(url, follow=True).content.decode()


def test_the_assistant_does_not_see_them(noted, people, pair):
    Assistant.objects.create(pair=pair, user=people["xavier"].user)
    client = _client(people["xavier"])
    assert client.get(_meeting_url(noted)).status_code == 404
    schedule = client.get(reverse("pairs:schedule", args=[pair.pk]))
    assert schedule.status_code == 200 and SECRET not in schedule.content.decode()


def test_they_are_in_the_authors_export_only(noted, people):
    from binome.privacy.export import export_json
    from binome.privacy.subject import Subject

    mine = export_json(Subject.for_person(people["camille"]))
    theirs = export_json(Subject.for_person(people["bernard"]))
    assert SECRET in mine
    assert SECRET not in theirs


def test_erasure_deletes_them(noted, people):
    from binome.privacy.registry import REGISTRY
    from binome.privacy.subject import Subject

    subject = Subject.for_person(people["camille"])
    erase = REGISTRY["pairs.privatenote"].erase
    assert erase is not None and erase(subject) == 1
    assert not PrivateNote.objects.exists()


def test_two_tabs_of_the_same_person_get_the_conflict(meeting, people):
    tab1, tab2 = _client(people["bernard"]), _client(people["bernard"])
    form1 = shown(tab1.get(_meeting_url(meeting)).context["private_note_form"])
    form2 = shown(tab2.get(_meeting_url(meeting)).context["private_note_form"])
    assert (
        tab1.post(_note_url(meeting), {**form1, "text": "Premier"}).status_code == 302
    )
    response = tab2.post(_note_url(meeting), {**form2, "text": "Second"})
    assert response.status_code == 409
    assert PrivateNote.objects.get().text == "Premier"
    data = conflict_form(response, text="both")
    assert tab2.post(_note_url(meeting), data).status_code == 302
    text = PrivateNote.objects.get().text
    assert "Premier" in text and "Second" in text


def test_only_the_pair_writes_private_notes(meeting, enrolments):
    with pytest.raises(Exception, match="Only the pair"):
        services.save_private_note(
            meeting=meeting, author=enrolments["ines"], text="x", version=0
        )
