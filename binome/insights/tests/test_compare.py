"""The pilot-versus-scale-up verdict (compare.py), branch by branch.

Most tests build two small dashboards by hand, figure by figure, so that each
one sits just on the side of a threshold that the test is about; two run on
the fixed programme of conftest.py, whose figures test_indicators.py checks
by hand."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from binome.insights import compare, indicators, privacy
from binome.insights.indicators import (
    DIRECTIONS,
    FUNNEL_STEPS,
    ROLES,
    Dashboard,
    Headline,
    KpiRow,
    ProgressRow,
    Ratings,
    Silos,
    SurveyRow,
)
from binome.insights.privacy import Figure
from binome.programs.models import Programme

from .conftest import TODAY

# The figures with a bar, and a value of each that meets it.
MEETS = {
    "rhythm": 80,  # % of pairs, bar 70
    "digital": 0.5,  # average change, bar 0.3
    "leadership": 0.5,  # bar 0.3
    "kpis": 60,  # % of goals, bar 50
    "rating": 4.2,  # bar 4
    "useful": 90,  # %, bar 80
    "recommend": 90,  # %, bar 80
}
PEOPLE = 20  # behind every figure: enough to publish it


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _percent(value: float | None) -> Figure:
    if value is None:
        return Figure(None, 0, suffix=" %")
    return Figure(value, PEOPLE, suffix=" %")


def _mean(value: float | None) -> Figure:
    if value is None:
        return Figure(None, 0, decimals=1)
    return Figure(value, PEOPLE, decimals=1)


def _area(label: str, change: Figure) -> ProgressRow:
    empty = Figure(None, 0, decimals=1)
    return ProgressRow(
        key=("area", 1),
        label=label,
        baseline=empty,
        midway=empty,
        final=empty,
        change=change,
        spread=empty,
        improved=Figure(None, 0, suffix=" %"),
        is_area=True,
    )


def board(
    name: str,
    crossing: float | None = 50,
    status: str | None = None,
    **figures: float | None,
) -> Dashboard:
    """A dashboard whose figures with a bar are ``MEETS`` overridden by
    ``figures`` (None: not published)."""
    values = {**MEETS, **figures}
    funnel = privacy.table(
        [(key, str(label)) for key, label in FUNNEL_STEPS],
        [(key, str(label)) for key, label in ROLES],
        {(step, role): 10 for step, _l in FUNNEL_STEPS for role, _r in ROLES},
        col_totals=False,
    )
    no_table: privacy.Table[Any, Any] = privacy.table([], [], {})
    survey_empty = Figure(None, 0, decimals=1)
    return Dashboard(
        programme=Programme(
            name=name, slug=name.lower(), status=status or Programme.Status.RUNNING
        ),
        today=TODAY,
        periods=[],
        headline=Headline(
            pairs=Figure(PEOPLE, PEOPLE),
            sessions_held=Figure(0, 0),
            minutes_held=Figure(0, 0),
            people=Figure(2 * PEOPLE, 2 * PEOPLE),
        ),
        funnel=funnel,
        active_pairs=[],
        cadence=no_table,
        rhythm=_percent(values["rhythm"]),
        progress={
            "mentee": [_area("Digital", _mean(values["digital"]))],
            "mentor": [_area("Leadership", _mean(values["leadership"]))],
        },
        kpis=[
            KpiRow(
                label="All goals",
                goals=Figure(PEOPLE, PEOPLE),
                reached=_percent(values["kpis"]),
            )
        ],
        ratings=Ratings(
            distribution=no_table,
            average=_mean(values["rating"]),
            useful=_percent(values["useful"]),
        ),
        survey=[
            SurveyRow(
                label="Everyone",
                people=Figure(PEOPLE, PEOPLE),
                confidence_before=survey_empty,
                confidence_after=survey_empty,
                satisfaction=survey_empty,
                recommend=_percent(values["recommend"]),
            )
        ],
        silos=Silos(departments=no_table, levels=no_table, crossing=_percent(crossing)),
    )


def verdicts(result: compare.Comparison) -> dict[str, str]:
    return {line.key: line.verdict for line in result.lines}


def test_go_when_the_scale_up_meets_every_target():
    result = compare.compare(board("Pilot"), board("Wave"))
    assert result.decision == "go"
    assert result.summary[0] == "Go: Wave meets all 7 targets."
    # Same figures on both sides: everything is similar, nothing to improve.
    assert set(verdicts(result).values()) == {"similar"}
    assert len(result.summary) == 1


def test_a_figure_exactly_on_its_bar_meets_it():
    result = compare.compare(board("Pilot"), board("Wave", rhythm=70, rating=4))
    assert result.decision == "go"


def test_caution_when_a_single_target_is_missed():
    result = compare.compare(board("Pilot"), board("Wave", rating=3.9))
    assert result.decision == "caution"
    assert result.summary[0] == "Go, with care: Wave misses 1 of its 7 targets."
    assert "To improve: Average session rating (3.9, target 4)." in result.summary


def test_caution_when_fewer_targets_are_missed_than_met():
    result = compare.compare(
        board("Pilot"), board("Wave", rhythm=60, useful=70, recommend=70)
    )
    assert result.decision == "caution"
    assert result.summary[0] == "Go, with care: Wave misses 3 of its 7 targets."


def test_no_go_when_as_many_targets_are_missed_as_met():
    # Four figures with a bar are published: two met, two missed.
    result = compare.compare(
        board("Pilot"),
        board("Wave", rhythm=60, kpis=40, leadership=None, useful=None, recommend=None),
    )
    assert result.decision == "no-go"
    assert result.summary[0] == "No-go for now: Wave misses 2 of its 7 targets."
    assert result.summary[1] == "3 of its targets could not be checked."
    assert "To improve: Goals reached (40 %, target 50 %)." in result.summary


def test_no_go_when_most_targets_are_missed():
    result = compare.compare(
        board("Pilot"),
        board("Wave", rhythm=10, digital=0.1, leadership=0.0, kpis=20, rating=2.5),
    )
    assert result.decision == "no-go"
    assert result.summary[0] == "No-go for now: Wave misses 5 of its 7 targets."


def test_unknown_when_fewer_than_three_figures_with_a_bar_are_published():
    hidden = dict.fromkeys(["rhythm", "digital", "leadership", "kpis", "rating"])
    result = compare.compare(board("Pilot", **hidden), board("Wave", **hidden))
    assert result.decision == "unknown"
    assert result.summary[0].startswith("Not enough figures to decide yet")


def test_the_pilot_is_judged_while_the_scale_up_has_too_little_data():
    # The wave publishes two figures with a bar (both poor); the pilot all
    # seven, one missed: the decision reads the pilot.
    scarce = dict.fromkeys(["rhythm", "digital", "leadership", "kpis", "useful"])
    result = compare.compare(
        board("Pilot", rating=3.5), board("Wave", **scarce, rating=1, recommend=10)
    )
    assert result.decision == "caution"
    assert result.summary[0] == "Go, with care: Pilot misses 1 of its 7 targets."
    assert "To improve: Average session rating (3.5, target 4)." in result.summary


def test_a_hidden_figure_is_unknown_never_guessed():
    wave = board("Wave")
    wave.rhythm = Figure(40, 4, hidden=True, suffix=" %")  # < 5 pairs behind it
    result = compare.compare(board("Pilot"), wave)
    assert verdicts(result)["rhythm"] == "unknown"
    # Not counted as missed, nor as met: the six other targets are met, and
    # the verdict never says « every target ».
    assert result.decision == "caution"
    assert result.summary[0] == (
        "Go, with care: Wave meets the 6 targets it could be checked against, "
        "but 1 of its 7 targets could not be checked."
    )
    assert (
        "Could not be checked: Pairs keeping the rhythm (hidden to protect "
        "people: fewer than 5 behind it)." in result.summary
    )
    line = {line.key: line for line in result.lines}["rhythm"]
    assert line.first_check is not None and line.second_check is not None
    assert (line.second_check.status, line.second_check.why) == ("unknown", "hidden")
    assert line.first_check.status == "met"


def test_better_worse_or_similar_within_each_tolerance():
    result = compare.compare(
        board("Pilot", rhythm=75, rating=4.2, useful=85, crossing=50),
        # rhythm +5 (tolerance 5): similar; rating +0.3 (0.2): better;
        # useful −6 (5): worse; crossing +4 (5): similar.
        board("Wave", rhythm=80, rating=4.5, useful=79, crossing=54),
    )
    lines = verdicts(result)
    assert (lines["rhythm"], lines["rating"], lines["useful"], lines["silos"]) == (
        "similar",
        "better",
        "worse",
        "similar",
    )
    assert "Wave does better than Pilot on: Average session rating." in result.summary
    assert "Wave does less well than Pilot on: Sessions found useful." in (
        result.summary
    )


def test_a_wave_that_has_not_started_is_not_said_to_do_less_well():
    result = compare.compare(
        board("Pilot", rhythm=75, useful=85),
        board("Wave", rhythm=None, useful=60, status=Programme.Status.RECRUITING),
    )
    assert not any("does less well" in line for line in result.summary)
    assert not any("does better" in line for line in result.summary)
    assert (
        "Wave has not started yet (Recruiting): the two programmes' figures are "
        "not compared." in result.summary
    )


def test_the_change_of_a_direction_weighs_its_areas_by_their_people():
    wave = board("Wave")
    small = _area("Data", Figure(0.2, 10, decimals=1))
    large = _area("Security", Figure(0.6, 30, decimals=1))
    wave.progress["mentee"] = [small, large]
    line = {line.key: line for line in compare.compare(board("Pilot"), wave).lines}
    # (0.2 × 10 + 0.6 × 30) / 40 = 0.5, not the first area's 0.2.
    assert line["digital"].second.value == 0.5
    assert line["digital"].second.n == 40


@pytest.mark.usefixtures("dataset")
def test_fixed_programme_is_judged_on_its_published_figures(pilot, org):
    # The pilot of conftest.py publishes three figures with a bar: the change
    # in digital (0.8) and leadership skills (1.2), and the rating (3.8). Its
    # shares (rhythm 5 of 7, goals 4 of 6, useful 11 of 12, recommend 8 of 9)
    # would give counts under 5 away: hidden, so not judged.
    empty = Programme.objects.create(organisation=org, name="Vague", slug="vague-c")
    pilot_board = indicators.dashboard(pilot, today=TODAY)
    empty_board = indicators.dashboard(empty, today=TODAY)
    assert set(DIRECTIONS) == set(pilot_board.progress)

    # The scale-up has results: it is the one judged.
    result = compare.compare(empty_board, pilot_board)
    assert result.decision == "caution"
    assert result.summary[0] == "Go, with care: Pilote misses 1 of its 7 targets."
    assert "To improve: Average session rating (3.8, target 4)." in result.summary
    # Nothing to compare with yet, but 7 pairs against none.
    lines = verdicts(result)
    assert lines.pop("pairs") == "better"
    assert set(lines.values()) == {"unknown"}

    # The other way round, the empty wave has too little data: the pilot is
    # judged, with the same verdict.
    result = compare.compare(pilot_board, empty_board)
    assert result.decision == "caution"
    assert result.summary[0] == "Go, with care: Pilote misses 1 of its 7 targets."


def test_the_go_no_go_counts_the_targets_it_could_not_check_and_says_why():
    # The pilot's case: 4 targets met, 3 unknown (2 hidden for privacy, the
    # closing survey not applicable before the end). The old verdict read
    # « meets every target (4 indicators) ».
    wave = board("Wave", recommend=None)
    wave.programme.end_date = TODAY + datetime.timedelta(days=20)
    wave.rhythm = Figure(None, 0, hidden=True, suffix=" %")
    wave.ratings.useful = Figure(None, 0, hidden=True, suffix=" %")
    result = compare.compare(board("Pilot"), wave)
    assert result.decision == "caution"
    assert "every target" not in " ".join(result.summary)
    assert "all 7" not in result.summary[0]
    assert result.summary[0] == (
        "Go, with care: Wave meets the 4 targets it could be checked against, "
        "but 3 of its 7 targets could not be checked."
    )
    checks = {
        line.key: (line.second_check.status, line.second_check.why)
        for line in result.lines
        if line.second_check is not None
    }
    assert checks == {
        "rhythm": ("unknown", "hidden"),
        "digital": ("met", ""),
        "leadership": ("met", ""),
        "kpis": ("met", ""),
        "rating": ("met", ""),
        "useful": ("unknown", "hidden"),
        "recommend": ("unknown", "not-applicable"),
    }
    assert (
        "Could not be checked: Would recommend the programme (not applicable "
        "yet: the programme has not ended)." in result.summary
    )
    # Indicators without a target are not targets.
    assert {line.key for line in result.lines if line.second_check is None} == {
        "pairs",
        "matched",
        "silos",
    }
    # Once the programme has ended, a survey with no answer is « no data ».
    wave.programme.end_date = TODAY
    result = compare.compare(board("Pilot"), wave)
    line = {line.key: line for line in result.lines}["recommend"]
    assert line.second_check is not None
    assert line.second_check.why == "no-data"
    assert (
        "Could not be checked: Would recommend the programme (no data yet)."
        in result.summary
    )


def test_a_missed_target_with_unknown_ones_counts_both():
    wave = board("Wave", rating=3.5)
    wave.rhythm = Figure(None, 0, hidden=True, suffix=" %")
    result = compare.compare(board("Pilot"), wave)
    assert result.decision == "caution"
    assert result.summary[:2] == [
        "Go, with care: Wave misses 1 of its 7 targets.",
        "1 of its targets could not be checked.",
    ]


def test_the_compare_page_lists_each_target_with_its_status(
    client, pilot, sponsor, org
):
    clone = Programme.objects.create(
        organisation=org, name="Vague 2", slug="vague-2", cloned_from=pilot
    )
    clone.sponsors.add(sponsor)
    client.force_login(sponsor)
    with translation.override("fr"):
        response = client.get(reverse("insights:compare"))
    html = response.text
    assert response.status_code == 200
    row = html.split('id="target-rhythm"', 1)[1].split("</tr>", 1)[0]
    assert "inconnue" in row or "inconnu" in row
    assert "toutes ses cibles" not in html
