import datetime

from django.urls import reverse
from icalendar import Calendar

from binome.pairs import services
from binome.pairs.models import ReminderPreference

from .conftest import paris


def _events(content: bytes):
    calendar = Calendar.from_ical(content)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return list(calendar.walk("VEVENT"))


def test_the_session_ics_parses_back_with_its_date_uid_and_link(
    camille, pair, charter, meeting, people
):
    services.update_charter(
        charter=charter,
        data={"video_link": "https://visio.example/binome"},
        by=people["camille"].user,
    )
    services.save_notes(meeting=meeting, data={"notes": "confidentiel"})
    response = camille.get(reverse("pairs:meeting_ics", args=[pair.pk, meeting.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    [event] = _events(response.content)
    assert event.decoded("DTSTART") == paris(2026, 9, 14, 10, 0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(
        minutes=30
    )
    assert str(event["UID"]) == f"{meeting.uid}@binome"
    assert str(event["LOCATION"]) == "https://visio.example/binome"
    assert "Camille Rivière" in str(event["SUMMARY"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert b"confidentiel" not in response.content


def test_a_moved_session_keeps_its_uid_with_a_higher_sequence(
    camille, pair, meeting, people
):
    services.move_meeting(
        meeting=meeting, starts_at=paris(2026, 11, 25, 9, 0), by=people["camille"].user
    )
    response = camille.get(reverse("pairs:meeting_ics", args=[pair.pk, meeting.pk]))
    [event] = _events(response.content)
    assert str(event["UID"]) == f"{meeting.uid}@binome"
    assert event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == paris(2026, 11, 25, 9, 0)


def test_the_private_feed_lists_the_person_s_sessions_without_login(
    client, pair, meetings, people
):
    services.cancel_meeting(meeting=meetings[1], by=people["camille"].user)
    token = ReminderPreference.for_user(people["bernard"].user).feed_token
    response = client.get(reverse("pairs:feed", args=[token]))
    assert response.status_code == 200
    events = _events(response.content)
    assert len(events) == len(meetings)
    statuses = [str(e["STATUS"]) for e in events]
    assert statuses.count("CANCELLED") == 1
    assert len({str(e["UID"]) for e in events}) == len(meetings)


def test_an_outsider_s_feed_is_empty(client, pair, meetings, people):
    token = ReminderPreference.for_user(people["ines"].user).feed_token
    assert _events(client.get(reverse("pairs:feed", args=[token])).content) == []


def test_a_revoked_feed_address_stops_working(login, people, pair, meetings):
    client = login(people["bernard"])
    page = client.get(reverse("pairs:preferences"))
    old = page.context["feed_url"]
    client.post(reverse("pairs:preferences"), {"revoke": "1"})
    new = client.get(reverse("pairs:preferences")).context["feed_url"]
    assert old != new
    client.logout()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_an_unknown_feed_token_is_404(client, db):
    assert client.get(reverse("pairs:feed", args=["nope"])).status_code == 404
