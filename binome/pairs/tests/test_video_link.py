"""« Rejoindre la visio »: the charter's video link on each planned session,
on the workspace's next session and in the calendar file; web addresses
only."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from binome.pairs.forms import CharterForm
from binome.pairs.models import Charter

VISIO = "https://visio.example/binome-42"


@pytest.fixture
def with_link(charter):
    Charter.objects.filter(pk=charter.pk).update(video_link=VISIO)
    charter.refresh_from_db()
    return charter


def _link_html(link=VISIO):
    return f'href="{link}" target="_blank" rel="noopener noreferrer"'


def test_each_planned_session_page_has_the_join_link(
    camille, pair, with_link, meetings
):
    for meeting in meetings[:2]:
        page = camille.get(
            reverse("pairs:meeting", args=[pair.pk, meeting.pk])
        ).content.decode()
        assert _link_html() in page
        assert "Rejoindre la visio" in page


def test_the_link_reads_join_the_video_call_in_english(
    camille, pair, with_link, meeting
):
    camille.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = camille.get(
        reverse("pairs:meeting", args=[pair.pk, meeting.pk])
    ).content.decode()
    assert "Join the video call" in page


def test_no_link_without_a_video_link(camille, pair, charter, meeting):
    page = camille.get(
        reverse("pairs:meeting", args=[pair.pk, meeting.pk])
    ).content.decode()
    assert "Rejoindre la visio" not in page


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://visio.example/x", "data:text/html,x"]
)
def test_a_link_that_is_not_a_web_address_is_never_rendered(
    camille, pair, charter, meeting, link
):
    Charter.objects.filter(pk=charter.pk).update(video_link=link)
    page = camille.get(
        reverse("pairs:meeting", args=[pair.pk, meeting.pk])
    ).content.decode()
    assert "Rejoindre la visio" not in page
    assert link not in page
    ics = camille.get(reverse("pairs:meeting_ics", args=[pair.pk, meeting.pk]))
    assert link.encode() not in ics.content


def test_the_charter_form_refuses_a_link_that_is_not_http(charter):
    data = {name: getattr(charter, name) for name in Charter.EDITABLE_FIELDS}
    form = CharterForm(
        {**data, "video_link": "ftp://visio.example/x"}, instance=charter
    )
    assert not form.is_valid()
    assert form.errors["video_link"] == [
        "Indiquez l'adresse web de la visio (https://…)."
    ]


def test_the_workspace_shows_the_link_on_the_next_session_only(
    camille, pair, with_link, meetings
):
    page = camille.get(reverse("pairs:workspace", args=[pair.pk])).content.decode()
    assert page.count(_link_html()) == 1


def test_the_calendar_file_has_the_link_as_location_and_url(
    camille, pair, with_link, meeting
):
    response = camille.get(reverse("pairs:meeting_ics", args=[pair.pk, meeting.pk]))
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["LOCATION"]) == VISIO
    assert str(event["URL"]) == VISIO
    assert f"Rejoindre la visio : {VISIO}" in str(event["DESCRIPTION"])
