"""No lost update: two people save the same thing from the same version; the
second gets the conflict screen, nothing of the first's text is lost, and the
second's choice (keep mine, take the other, keep both) is saved."""

import html
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from binome.pairs import concurrency, services
from binome.pairs.models import AgendaItem, Kpi, Meeting

FIRST = "Camille : un prompt, c'est rôle, contexte, format."
SECOND = "Bernard : penser à relire le P&L du trimestre."


class _ConflictForm(HTMLParser):
    """What a browser posts from the conflict screen: the hidden fields and the
    radio buttons checked by default (or as chosen)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.data: dict[str, str] = {}
        self.radios: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "conflict" in (a.get("class") or "").split():
            self.inside = True
        if not self.inside or tag != "input":
            return
        if a.get("type") == "hidden":
            self.data[a["name"]] = a.get("value", "")
        elif a.get("type") == "radio":
            self.radios.setdefault(a["name"], []).append(a["value"])
            if "checked" in a:
                self.data[a["name"]] = a["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def conflict_form(response, **choices):
    parser = _ConflictForm()
    parser.feed(response.content.decode())
    assert parser.data, "no conflict screen in the page"
    for name, choice in choices.items():
        assert choice in parser.radios[f"resolve-{name}"], (name, parser.radios)
        parser.data[f"resolve-{name}"] = choice
    return parser.data


def shown(form):
    """What a browser posts from an unchanged form: every field's value."""
    data = {}
    for field in form:
        value = field.value()
        if value is True:
            data[field.html_name] = "on"
        elif value is not None and value is not False:
            data[field.html_name] = str(value)
    return data


@pytest.fixture
def two(client, people, meeting):
    """Camille (mentor) and Bernard (mentee), each in their own browser."""
    from django.test import Client

    camille, bernard = Client(), Client()
    camille.force_login(people["camille"].user)
    bernard.force_login(people["bernard"].user)
    return camille, bernard


def _notes_url(meeting):
    return reverse("pairs:notes", args=[meeting.pair_id, meeting.pk])


def _load_notes(client, meeting):
    page = client.get(reverse("pairs:meeting", args=[meeting.pair_id, meeting.pk]))
    assert page.status_code == 200
    return shown(page.context["notes_form"])


# --- Shared notes -----------------------------------------------------------


def test_the_second_writer_gets_the_conflict_and_the_first_text_stays(two, meeting):
    camille, bernard = two
    mine, theirs = _load_notes(camille, meeting), _load_notes(bernard, meeting)
    assert (
        camille.post(_notes_url(meeting), {**mine, "notes": FIRST}).status_code == 302
    )

    response = bernard.post(_notes_url(meeting), {**theirs, "notes": SECOND})
    assert response.status_code == 409
    meeting.refresh_from_db()
    assert meeting.notes == FIRST  # nothing overwritten
    page = response.content.decode()
    assert "Notes enregistrées" not in page
    assert "un a enregistré entre-temps." in page
    assert escape(FIRST) in page and escape(SECOND) in page
    assert '<del><span class="visually-hidden">' in page  # the word diff


@pytest.mark.parametrize(
    ("choice", "expected"),
    [("mine", [SECOND]), ("theirs", [FIRST]), ("both", [FIRST, SECOND])],
)
def test_the_second_writer_keeps_theirs_the_other_or_both(
    two, meeting, choice, expected
):
    camille, bernard = two
    mine, theirs = _load_notes(camille, meeting), _load_notes(bernard, meeting)
    camille.post(_notes_url(meeting), {**mine, "notes": FIRST})
    conflict = bernard.post(_notes_url(meeting), {**theirs, "notes": SECOND})

    data = conflict_form(conflict, notes=choice)
    assert bernard.post(_notes_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    for text in expected:
        assert text in meeting.notes
    assert (FIRST in meeting.notes) == (FIRST in expected)
    assert (SECOND in meeting.notes) == (SECOND in expected)
    if choice == "both":
        assert meeting.notes.index(FIRST) < meeting.notes.index("———")
        assert "Bernard Lemoine" in meeting.notes  # the separator names him
    assert meeting.version == 2


def test_keep_both_is_preselected_when_both_changed_the_same_text(two, meeting):
    camille, bernard = two
    mine, theirs = _load_notes(camille, meeting), _load_notes(bernard, meeting)
    camille.post(_notes_url(meeting), {**mine, "notes": FIRST})
    conflict = bernard.post(_notes_url(meeting), {**theirs, "notes": SECOND})
    assert conflict_form(conflict)["resolve-notes"] == "both"


def test_learnings_changed_on_each_side_are_both_kept_by_default(two, meeting):
    camille, bernard = two
    mine, theirs = _load_notes(camille, meeting), _load_notes(bernard, meeting)
    camille.post(_notes_url(meeting), {**mine, "mentor_learned": "Lire un P&L"})
    conflict = bernard.post(
        _notes_url(meeting), {**theirs, "mentee_learned": "Structurer un prompt"}
    )
    assert conflict.status_code == 409
    meeting.refresh_from_db()
    assert (meeting.mentor_learned, meeting.mentee_learned) == ("Lire un P&L", "")
    data = conflict_form(conflict)
    # Bernard did not touch the mentor's learning: Camille's is preselected.
    assert data["resolve-mentor_learned"] == "theirs"
    assert data["resolve-mentee_learned"] == "mine"
    assert bernard.post(_notes_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.mentor_learned == "Lire un P&L"
    assert meeting.mentee_learned == "Structurer un prompt"


def test_a_third_save_during_the_choice_shows_the_conflict_again(two, meeting):
    camille, bernard = two
    mine, theirs = _load_notes(camille, meeting), _load_notes(bernard, meeting)
    camille.post(_notes_url(meeting), {**mine, "notes": FIRST})
    conflict = bernard.post(_notes_url(meeting), {**theirs, "notes": SECOND})
    again = _load_notes(camille, meeting)
    camille.post(_notes_url(meeting), {**again, "notes": FIRST + " Et encore."})

    second = bernard.post(_notes_url(meeting), conflict_form(conflict, notes="mine"))
    assert second.status_code == 409
    meeting.refresh_from_db()
    assert meeting.notes == FIRST + " Et encore."
    data = conflict_form(second, notes="both")
    assert bernard.post(_notes_url(meeting), data).status_code == 302
    meeting.refresh_from_db()
    assert FIRST + " Et encore." in meeting.notes and SECOND in meeting.notes


def test_saving_without_a_version_is_refused_with_a_message(two, meeting):
    camille, _bernard = two
    response = camille.post(_notes_url(meeting), {"notes": FIRST})
    assert response.status_code == 400
    assert "rechargez-la" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.notes == ""


# --- The mechanism itself ---------------------------------------------------


def test_a_stale_version_raises_conflict_and_writes_nothing(meeting):
    services.save_notes(meeting=meeting, data={"notes": FIRST}, version=0)
    stale = Meeting.objects.get(pk=meeting.pk)
    stale.version = 0
    with pytest.raises(concurrency.Conflict) as raised:
        services.save_notes(meeting=stale, data={"notes": SECOND}, version=0)
    assert isinstance(raised.value.current, Meeting)
    assert raised.value.current.notes == FIRST
    meeting.refresh_from_db()
    assert (meeting.notes, meeting.version) == (FIRST, 1)


def test_the_version_is_taken_by_one_conditional_update(meeting):
    with CaptureQueriesContext(connection) as queries:
        services.save_notes(meeting=meeting, data={"notes": FIRST}, version=0)
    updates = [q["sql"] for q in queries if q["sql"].startswith("UPDATE")]
    assert '"version" = 0' in updates[0] or '"version" = %s' in updates[0]
    assert "WHERE" in updates[0] and '"version"' in updates[0].split("WHERE")[1]


def test_claim_without_a_version_still_moves_it_on(meeting):
    # Code that is not a form (the demo, a command) does not check, but open
    # forms must still see that the text changed.
    with transaction.atomic():
        concurrency.claim(meeting, expected=None)
    assert meeting.version == 1
    with transaction.atomic(), pytest.raises(concurrency.Conflict):
        concurrency.claim(meeting, expected=0)


def test_word_diff_and_combine():
    assert concurrency.word_diff("un deux trois", "un quatre trois") == [
        ("same", "un "),
        ("del", "deux"),
        ("ins", "quatre"),
        ("same", " trois"),
    ]
    both = concurrency.combine("A", "B", author="Bernard")
    assert both.startswith("A\n\n———") and both.endswith("———\n\nB")
    assert concurrency.combine("", "B", author="x") == "B"
    assert concurrency.canonical(Decimal("12.00")) == concurrency.canonical(Decimal(12))


# --- Charter ----------------------------------------------------------------


def test_charter_conflict_keeps_the_first_edit(two, pair, charter):
    camille, bernard = two
    url = reverse("pairs:charter", args=[pair.pk])
    mine = shown(camille.get(url).context["form"])
    theirs = shown(bernard.get(url).context["form"])
    first = {**mine, "mentee_objectives": "Publier sur LinkedIn", "cadence_days": "7"}
    preview = camille.post(url, first)  # what changes, before the partner is told
    assert preview.status_code == 200 and preview.context["preview"]
    confirmed = {**first, "confirm": preview.context["confirm"]}
    assert camille.post(url, confirmed).status_code == 302
    response = bernard.post(url, {**theirs, "mentee_objectives": "Animer une réunion"})
    assert response.status_code == 409
    charter.refresh_from_db()
    assert charter.mentee_objectives == "Publier sur LinkedIn"
    data = conflict_form(response)
    # The cadence was changed by Camille only: hers is preselected.
    assert data["resolve-cadence_days"] == "theirs"
    assert data["resolve-mentee_objectives"] == "both"
    assert bernard.post(url, data).status_code == 302
    charter.refresh_from_db()
    assert charter.cadence_days == 7
    assert "Publier sur LinkedIn" in charter.mentee_objectives
    assert "Animer une réunion" in charter.mentee_objectives


# --- KPIs -------------------------------------------------------------------


@pytest.fixture
def kpi(charter):
    return Kpi.objects.create(
        charter=charter,
        direction="mentee",
        title="Posts",
        kpi="4 posts",
        target_value=Decimal(4),
    )


def _kpi_post(kpi, value, version, **extra):
    return {"current_value": value, "version": str(version), **extra}


@pytest.mark.parametrize("htmx", [False, True])
def test_kpi_progress_conflict(two, pair, kpi, htmx):
    camille, bernard = two
    url = reverse("pairs:kpi_progress", args=[pair.pk, kpi.pk])
    headers = {"HX-Request": "true"} if htmx else {}
    assert camille.post(url, _kpi_post(kpi, "3", 0)).status_code == 302
    response = bernard.post(url, _kpi_post(kpi, "1", 0), headers=headers)
    assert response.status_code == (200 if htmx else 409)
    page = response.content.decode()
    assert 'class="conflict"' in page
    assert (f'hx-target="#kpi-{kpi.pk}"' in page) == htmx
    kpi.refresh_from_db()
    assert kpi.current_value == 3
    data = conflict_form(response, current_value="mine")
    assert "resolve-done" not in data  # both left it unchecked
    assert bernard.post(url, data, headers=headers).status_code in (200, 302)
    kpi.refresh_from_db()
    assert kpi.current_value == 1 and kpi.version == 2


def test_the_progress_page_carries_the_kpi_version(two, pair, kpi, people):
    camille, _bernard = two
    services.update_kpi(
        kpi=kpi, data={"current_value": 2}, by=people["camille"].user, version=0
    )
    page = camille.get(reverse("pairs:progress", args=[pair.pk])).content.decode()
    assert 'name="version" value="1"' in page


# --- Agenda items -----------------------------------------------------------


@pytest.fixture
def agenda(meeting, people):
    bernard, camille = people["bernard"].user, people["camille"].user
    return [
        services.add_agenda_item(
            meeting=meeting, by=bernard, text="Mon CV", kind="topic"
        ),
        services.add_agenda_item(
            meeting=meeting, by=camille, text="Les prompts", kind="topic"
        ),
        services.add_agenda_item(
            meeting=meeting, by=bernard, text="LinkedIn ?", kind="question"
        ),
    ]


def _agenda_url(name, item):
    return reverse(
        f"pairs:{name}", args=[item.meeting.pair_id, item.meeting_id, item.pk]
    )


def _order(meeting):
    return list(
        AgendaItem.objects.filter(meeting=meeting).values_list("text", flat=True)
    )


def test_new_items_go_at_the_end(agenda, meeting):
    assert _order(meeting) == ["Mon CV", "Les prompts", "LinkedIn ?"]


def test_the_author_edits_an_item(two, agenda):
    _camille, bernard = two
    item = agenda[0]
    form = bernard.get(_agenda_url("agenda_edit", item)).context["form"]
    data = {**shown(form), "text": "Mon CV, version 2026"}
    response = bernard.post(_agenda_url("agenda_edit", item), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.version) == ("Mon CV, version 2026", 1)


def test_an_agenda_edit_from_a_stale_tab_gets_the_conflict(client, two, agenda, people):
    _camille, bernard = two
    other_tab = client
    other_tab.force_login(people["bernard"].user)
    item = agenda[0]
    url = _agenda_url("agenda_edit", item)
    one = shown(bernard.get(url).context["form"])
    two_ = shown(other_tab.get(url).context["form"])
    bernard.post(url, {**one, "text": "Mon CV en une page"})
    response = other_tab.post(url, {**two_, "text": "Mon CV et ma lettre"})
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.text == "Mon CV en une page"
    # 300 characters at most: both texts still fit here, so « both » is offered.
    data = conflict_form(response, text="both")
    assert other_tab.post(url, data).status_code == 302
    item.refresh_from_db()
    assert "Mon CV en une page" in item.text and "Mon CV et ma lettre" in item.text


def test_the_author_moves_items_up_and_down_without_javascript(two, agenda, meeting):
    _camille, bernard = two
    last = agenda[2]
    response = bernard.post(_agenda_url("agenda_move", last), {"direction": "up"})
    assert response.status_code == 302
    assert _order(meeting) == ["Mon CV", "LinkedIn ?", "Les prompts"]
    bernard.post(_agenda_url("agenda_move", agenda[0]), {"direction": "down"})
    assert _order(meeting) == ["LinkedIn ?", "Mon CV", "Les prompts"]
    # At the top already: nothing moves.
    bernard.post(_agenda_url("agenda_move", last), {"direction": "up"})
    assert _order(meeting) == ["LinkedIn ?", "Mon CV", "Les prompts"]


def test_moving_with_htmx_answers_the_agenda_fragment(two, agenda, meeting):
    _camille, bernard = two
    response = bernard.post(
        _agenda_url("agenda_move", agenda[2]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<section id="agenda"')
    assert page.index("LinkedIn ?") < page.index("Les prompts")


def test_the_author_deletes_an_item(two, agenda, meeting):
    _camille, bernard = two
    response = bernard.post(_agenda_url("agenda_delete", agenda[0]))
    assert response.status_code == 302
    assert _order(meeting) == ["Les prompts", "LinkedIn ?"]


def test_only_the_author_sees_the_edit_buttons(two, agenda, meeting):
    camille, _bernard = two
    page = camille.get(
        reverse("pairs:meeting", args=[meeting.pair_id, meeting.pk])
    ).content.decode()
    assert _agenda_url("agenda_edit", agenda[1]) in page
    assert _agenda_url("agenda_edit", agenda[0]) not in page


@pytest.mark.parametrize("name", ["agenda_edit", "agenda_move", "agenda_delete"])
def test_the_partner_gets_403_and_changes_nothing(two, agenda, meeting, name):
    camille, _bernard = two
    item = agenda[0]  # Bernard's
    data = {"text": "Pirate", "kind": "topic", "version": "0", "direction": "down"}
    assert camille.post(_agenda_url(name, item), data).status_code == 403
    if name == "agenda_edit":
        response = camille.get(_agenda_url(name, item))
        assert response.status_code == 403
        # The site's own page, in French, with a way back (not a bare 403).
        page = html.unescape(response.content.decode())
        assert "Action non autorisée" in page and "équipe RH" in page
        assert 'href="/"' in page
    item.refresh_from_db()
    assert item.text == "Mon CV"
    assert _order(meeting) == ["Mon CV", "Les prompts", "LinkedIn ?"]


@pytest.mark.parametrize("who", ["ines", "odile"])
@pytest.mark.parametrize("name", ["agenda_edit", "agenda_move", "agenda_delete"])
def test_outsiders_and_hr_get_404(client, people, agenda, meeting, who, name):
    client.force_login(people[who].user)
    assert client.post(_agenda_url(name, agenda[0]), {}).status_code == 404
    assert _order(meeting) == ["Mon CV", "Les prompts", "LinkedIn ?"]


def test_a_held_session_agenda_is_no_longer_changed(two, agenda, meeting):
    _camille, bernard = two
    Meeting.objects.filter(pk=meeting.pk).update(status="held", held_minutes=30)
    response = bernard.post(_agenda_url("agenda_delete", agenda[0]))
    assert response.status_code == 404
    assert AgendaItem.objects.filter(pk=agenda[0].pk).exists()
