"""Figures a manager can trust (issue 19): exact for the programme's own
managers, under the small-group rule for sponsors and anything outside the
programme (including by subtraction), ratings and survey answers aggregated
for everyone, and one definition of a pair at risk on every page.

The pilot here is conftest.py's seven pairs and an eighth that keeps the
rhythm: 6 of 8 pairs keep it, 7 of 8 cross departments."""

import csv
import datetime
import io
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import translation

from binome.insights import indicators
from binome.insights.privacy import Audience
from binome.pairs.models import Charter, Meeting, Pair
from binome.programs.models import Enrolment, Programme
from conftest import DAY, _person

from .conftest import START, TODAY, at


def _enrol(programme, person, role):
    return Enrolment.objects.create(
        programme=programme,
        person=person,
        role=role,
        status=Enrolment.Status.ACCEPTED,
        consent_at=DAY,
        consent_version="test",
    )


@pytest.fixture
def eight(org, departments, pilot, dataset):
    """The eighth pair: Data → Finance, a session held every fortnight, its
    charter accepted."""
    mentor = _person(org, departments["data"], "Mentorname8", "Mlast8", 1)
    mentee = _person(org, departments["finance"], "Menteename8", "Elast8", 5)
    pair = Pair.objects.create(
        mentor=_enrol(pilot, mentor, "mentor"),
        mentee=_enrol(pilot, mentee, "mentee"),
        started_on=START,
    )
    for k in range(5):
        Meeting.objects.create(
            pair=pair,
            starts_at=at(START + datetime.timedelta(days=1 + 14 * k)),
            status="held",
            held_minutes=30,
        )
    Charter.objects.create(pair=pair, mentor_accepted_at=DAY, mentee_accepted_at=DAY)
    return [*dataset["pairs"], pair]


def _dashboard(client, pilot):
    response = client.get(reverse("insights:dashboard", args=[pilot.slug]))
    assert response.status_code == 200
    return response


# --- Exact for the managers, hidden for the sponsors --------------------------


def test_managers_see_exact_figures_that_sponsors_see_hidden(
    login, client, pilot, people, sponsor, eight
):
    manager = _dashboard(login(people["odile"]), pilot)
    board = manager.context["board"]
    assert board.audience == Audience.MANAGERS
    # 6 of 8 pairs keep the rhythm, 7 of 8 cross departments: exact.
    assert (board.rhythm.shown, board.rhythm.value) == (True, 75)
    assert (board.silos.crossing.shown, board.silos.crossing.value) == (True, 88)
    assert board.headline.pairs.value == 8
    # The funnel's small cells (the two invited mentees) and the department
    # table's small cells are exact too: the manager sees each pair anyway.
    assert str(board.funnel.cell("invited", "mentee")) == "10"
    assert str(board.silos.levels.total) == "8"
    assert not any(
        f.hidden for _l, cells, _t in board.silos.departments.body() for f in cells
    )
    # Progress (self-assessments, 3 people on crcn-5-1) and goals: exact.
    assert all(
        not row.baseline.hidden for rows in board.progress.values() for row in rows
    )
    assert all(not row.goals.hidden and not row.reached.hidden for row in board.kpis)
    html = manager.text
    assert "75 %" in html and "88 %" in html
    assert "Exact figures, for the programme" in html or "Chiffres exacts" in html

    client.force_login(sponsor)
    outside = _dashboard(client, pilot).context["board"]
    assert outside.audience == Audience.OUTSIDE
    assert outside.rhythm.hidden and outside.silos.crossing.hidden
    assert outside.at_risk is None and outside.at_risk_count is None


def test_ratings_and_survey_answers_stay_aggregated_for_the_managers(
    login, pilot, people, eight
):
    client = login(people["odile"])
    board = _dashboard(client, pilot).context["board"]
    # Exact where the manager may see each pair…
    assert board.rhythm.shown
    # …but ratings: 1 answer rated 1, 1 rated 3 (fewer than 5 people each);
    # 11 of 12 answers found useful (1 not: hidden); the survey's mentors
    # are 3 people.
    cells = {label: f for label, (f,), _t in board.ratings.distribution.body()}
    assert cells["1"].hidden and cells["3"].hidden
    assert board.ratings.useful.hidden
    by_role = {row.label: row for row in board.survey}
    mentors = by_role[str(translation.gettext("Mentors"))]
    assert mentors.people.hidden and mentors.satisfaction.hidden
    # The manager's own CSV says the same, and says why.
    response = client.get(
        reverse("insights:export_csv", args=[pilot.slug, "satisfaction"])
    )
    text = response.content.decode("utf-8-sig")
    assert "masqué" in text
    assert "moins de 5 personnes" in text
    # The managers' CSV of a table they may see person by person is exact.
    rhythm = client.get(
        reverse("insights:export_csv", args=[pilot.slug, "rythme"])
    ).content.decode("utf-8-sig")
    assert "75 %" in rhythm


def test_the_pdf_report_and_the_comparison_keep_the_rule_for_managers(
    login, pilot, people, eight
):
    # The report is made to be handed out, the comparison is outside any
    # one programme: both under the small-group rule, whoever asks.
    board = indicators.dashboard(pilot, today=TODAY, audience=Audience.OUTSIDE)
    assert board.rhythm.hidden
    client = login(people["odile"])
    response = client.get(reverse("insights:report_pdf", args=[pilot.slug]))
    assert response.status_code == 200


# --- By subtraction -------------------------------------------------------------


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.fixture
def wave(org, departments, people, sponsor):
    """18 pairs by top-level department (mentor → mentee): Finance → Finance
    6, Finance → RH 5, RH → Finance 5, RH → RH 2. The 2 is hidden; so must
    be anything that would give it away, the share across departments
    included."""
    programme = Programme.objects.create(
        organisation=org,
        name="Vague",
        slug="vague",
        status=Programme.Status.RUNNING,
        start_date=START,
        end_date=datetime.date(2026, 12, 18),
    )
    programme.managers.add(people["odile"].user)
    programme.sponsors.add(sponsor)
    spec = [
        ("finance", "finance", 6),
        ("finance", "rh", 5),
        ("rh", "finance", 5),
        ("rh", "rh", 2),
    ]
    number = itertools.count(1)
    for mentor_dept, mentee_dept, n in spec:
        for _i in range(n):
            k = next(number)
            mentor = _person(org, departments[mentor_dept], f"Wm{k}", f"Wm{k}", 1)
            mentee = _person(org, departments[mentee_dept], f"We{k}", f"We{k}", 5)
            Pair.objects.create(
                mentor=_enrol(programme, mentor, "mentor"),
                mentee=_enrol(programme, mentee, "mentee"),
                started_on=START,
            )
    return programme


def _silos_csv(client, programme):
    response = client.get(
        reverse("insights:export_csv", args=[programme.slug, "silos"])
    )
    rows = list(
        csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
    )
    table = rows[: rows.index([])]
    crossing = [row for row in rows if len(row) == 2][-1][1]
    return table, crossing


def test_a_sponsor_cannot_work_out_a_hidden_cell_by_subtraction(
    client, login, wave, sponsor, people
):
    client.force_login(sponsor)
    with translation.override("fr"):
        page = _dashboard(client, wave)
        table, crossing = _silos_csv(client, wave)
    board = page.context["board"]
    # What the sponsor reads: the headline's pairs (page), the table and its
    # margins (CSV), the share across departments (page and CSV).
    pairs = board.headline.pairs.value
    assert str(board.silos.crossing) == crossing
    header, body, footer = table[0], table[1:-1], table[-1]
    assert header[1:3] == ["Finance", "RH"]
    cells = [row[1:3] for row in body]
    row_totals = [row[3] for row in body]
    col_totals, total = footer[1:3], footer[3]
    hidden = [(i, j) for i in range(2) for j in range(2) if cells[i][j] == "masqué"]
    assert (1, 1) in hidden  # RH → RH: 2 pairs

    def fits(values: list[list[int]]) -> bool:
        sums = [
            (row_totals[0], values[0][0] + values[0][1]),
            (row_totals[1], values[1][0] + values[1][1]),
            (col_totals[0], values[0][0] + values[1][0]),
            (col_totals[1], values[0][1] + values[1][1]),
            (total, sum(map(sum, values))),
        ]
        if any(shown != "masqué" and _number(shown) != n for shown, n in sums):
            return False
        if sum(map(sum, values)) != pairs:
            return False
        if crossing != "masqué" and "—" not in crossing:
            across = values[0][1] + values[1][0]
            if round(100 * across / pairs) != _number(crossing):
                return False
        return all(
            cells[i][j] == "masqué" or int(cells[i][j]) == values[i][j]
            for i in range(2)
            for j in range(2)
        )

    possible = set()
    for guess in itertools.product(range(pairs + 1), repeat=len(hidden)):
        values = [[0 if c == "masqué" else int(c) for c in row] for row in cells]
        for (i, j), v in zip(hidden, guess, strict=True):
            values[i][j] = v
        if fits(values):
            possible.add(values[1][1])
    assert 2 in possible, (table, crossing, pairs)  # the truth fits
    assert len(possible) > 1, ("the hidden cell can be worked out", table, crossing)

    # The manager of the programme sees it all, exactly.
    manager = _dashboard(login(people["odile"]), wave).context["board"]
    assert (
        str(
            manager.silos.departments.cell(
                *[k for k, _l in manager.silos.departments.rows][1:2] * 2
            )
        )
        == "2"
    )
    assert manager.silos.crossing.value == 56


def test_a_table_never_relies_on_hiding_what_the_headline_gives():
    # One skill row whose total the headline publishes: hiding the total
    # here would protect nothing, so the parts are hidden instead.
    from binome.insights import privacy

    table = privacy.table(
        [("a", "A")],
        [("x", "X"), ("y", "Y")],
        {("a", "x"): 3, ("a", "y"): 0},
        col_totals=False,
        published={("row", "a"): 3},
    )
    assert table.row_totals is not None
    assert not table.row_totals["a"].hidden
    assert table.cell("a", "x").hidden and table.cell("a", "y").hidden
    # Without the headline, the total is what gets hidden.
    table = privacy.table(
        [("a", "A")],
        [("x", "X"), ("y", "Y")],
        {("a", "x"): 3, ("a", "y"): 0},
        col_totals=False,
    )
    assert table.row_totals is not None
    assert table.row_totals["a"].hidden


# --- One definition of a pair at risk -----------------------------------------


def test_the_activity_page_and_the_health_page_flag_the_same_pairs(
    login, pilot, people, eight
):
    client = login(people["odile"])
    health = client.get(reverse("programme_health", args=[pilot.slug])).text
    flagged_health = {int(pk) for pk in re.findall(r'#pair-(\d+)"', health)}
    activity = client.get(reverse("pairs:activity", args=[pilot.slug])).text
    rows = re.findall(r'<tr id="pair-(\d+)">(.*?)</tr>', activity, re.S)
    assert len(rows) == 8
    flagged_activity = {int(pk) for pk, row in rows if "danger" in row}
    # Pairs 1–7 have a charter not accepted (past the first fortnight), 6
    # and 7 fell behind, 7 rated a session poorly: all at risk but the
    # eighth, on both pages.
    assert flagged_activity == flagged_health
    assert flagged_activity == {p.pk for p in eight[:7]}
    # The dashboard counts the same pairs.
    board = _dashboard(client, pilot).context["board"]
    assert board.at_risk_count == 7
    assert {row.pair.pk for row in board.at_risk} == flagged_health
