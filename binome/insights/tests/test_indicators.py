"""Each indicator against values computed by hand on the fixed dataset of
conftest.py (7 pairs; today is 22 November 2026)."""

import pytest
from django.utils import translation

from binome.insights import indicators
from binome.insights.privacy import Audience
from binome.skills.models import Skill, SkillArea

from .conftest import TODAY

pytestmark = pytest.mark.usefixtures("dataset")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def values(figures):
    return [None if f.hidden else f.value for f in figures]


def test_funnel_per_role(pilot):
    table = indicators.funnel(pilot)
    rows = {key: values(table.body()[i][1]) for i, (key, _l) in enumerate(table.rows)}
    # 7 mentors and 7 mentees accepted and paired; 2 mentees only invited.
    assert rows["invited"] == [7, 9]
    assert rows["enrolled"] == [7, 7]
    assert rows["cast"] == [7, 7]
    assert rows["matched"] == [7, 7]
    # Nobody has a site in the test cast, so no profile is complete.
    assert rows["complete"] == [0, 0]
    assert table.row_totals is not None
    assert table.row_totals["invited"].value == 16


def test_funnel_agrees_with_the_health_page(pilot):
    from binome.insights import health

    steps = {s.key: [s.mentors, s.mentees] for s in health.funnel(pilot)}
    table = indicators.funnel(pilot)
    assert {
        key: values(table.body()[i][1]) for i, (key, _l) in enumerate(table.rows)
    } == steps


def test_active_pairs_per_fortnight(pilot):
    periods = indicators.fortnights(pilot, TODAY)
    # 14 Sept → 18 Dec: fortnights starting 14/9, 28/9, 12/10, 26/10, 9/11,
    # 23/11 and 7/12; five have started by 22 November.
    assert [p.start.isoformat() for p in periods][:2] == ["2026-09-14", "2026-09-28"]
    assert len(periods) == 7
    series = indicators.active_pairs(pilot, periods, TODAY)
    assert [f.value for _p, f in series] == [7, 7, 7, 7, 7]


def test_sessions_per_fortnight_hide_what_fewer_than_five_pairs_did(pilot):
    periods = indicators.fortnights(pilot, TODAY)
    table = indicators.cadence(pilot, periods)
    held, planned, missed = (
        [table.cell(p.index, s) for p in periods] for s in ("held", "planned", "missed")
    )
    assert values(held) == [7, 7, 5, 5, 5, 0, 0]
    assert values(planned) == [0, 0, 0, 0, 0, 7, 0]
    # Pairs 6 and 7 missed three sessions: 2 pairs each time, hidden, and so
    # is the column total (it would give them away).
    assert values(missed) == [0, 0, None, None, None, 0, 0]
    assert table.col_totals is not None
    assert table.col_totals["held"].value == 29
    assert table.col_totals["planned"].value == 7
    assert table.col_totals["missed"].hidden


def test_share_of_pairs_keeping_the_rhythm(pilot):
    # 69 days since 14 September: 4 sessions planned, 3 needed. Pairs 6–7
    # held 2: 5 of 7 pairs keep the rhythm.
    rhythm = indicators.rhythm(pilot, TODAY)
    assert rhythm.value == 71
    # Published, it would tell that 2 pairs fell behind.
    assert rhythm.hidden


def test_progress_per_skill_and_area_for_mentees(pilot):
    rows = {r.key: r for r in indicators.progress(pilot, "mentee")}
    s1, s2, s3 = (
        Skill.objects.get(code=c) for c in ("crcn-2-1", "crcn-2-3", "crcn-5-1")
    )
    first = rows[("skill", s1.pk)]
    assert (first.baseline.value, first.midway.value, first.final.value) == (
        1.0,
        2.0,
        None,
    )
    # Deltas 1, 1, 2, 0, 1: mean 1.0, standard deviation √0.4 ≈ 0.6, 4 of 5.
    assert (first.change.value, first.spread.value, first.improved.value) == (
        1.0,
        0.6,
        80,
    )
    second = rows[("skill", s2.pk)]
    assert (second.baseline.value, second.midway.value) == (2.0, 2.6)
    # Deltas 0, 1, 1, 0, 1: mean 0.6, standard deviation √0.24 ≈ 0.5.
    assert (second.change.value, second.spread.value, second.improved.value) == (
        0.6,
        0.5,
        60,
    )
    # 4 of 5 and 3 of 5 improved: 1 and 2 did not, so both shares are hidden.
    assert first.improved.hidden and second.improved.hidden
    area = rows[("area", s1.area_id)]
    assert (area.baseline.value, area.midway.value) == (1.5, 2.3)
    # The ten deltas: mean 0.8, standard deviation √0.36 = 0.6, 7 of 10.
    assert (area.change.value, area.spread.value, area.improved.value) == (
        0.8,
        0.6,
        70,
    )
    # crcn-5-1 was assessed by 3 people: hidden, and so is its area.
    assert rows[("skill", s3.pk)].baseline.hidden
    assert rows[("area", s3.area_id)].baseline.hidden


def test_progress_of_mentors_on_leadership(pilot):
    rows = {r.key: r for r in indicators.progress(pilot, "mentor")}
    skill = Skill.objects.get(code="negotiation")
    row = rows[("skill", skill.pk)]
    assert skill.area.kind == SkillArea.Kind.LEADERSHIP
    assert (row.baseline.value, row.final.value) == (1.6, 2.8)
    # Deltas 1, 2, 0, 1, 2: mean 1.2, standard deviation √0.56 ≈ 0.7.
    assert (row.change.value, row.spread.value, row.improved.value) == (1.2, 0.7, 80)


def test_a_skill_not_rated_counts_in_no_average(pilot):
    """The five mentors leave public speaking « not rated » at the start and
    rate it 3 at the end: no baseline mean, no change, and the area's figures
    stay those of negotiation alone (a not-rated counted as 0 or 1 would
    pull the area's baseline mean down and invent a change)."""
    from binome.skills.models import Assessment, AssessmentItem

    speaking = Skill.objects.get(code="public-speaking")
    for phase, level in (("baseline", None), ("final", 3)):
        for assessment in Assessment.objects.filter(
            phase=phase, items__skill__code="negotiation"
        ):
            AssessmentItem.objects.create(
                assessment=assessment, skill=speaking, level=level
            )
    rows = {r.key: r for r in indicators.progress(pilot, "mentor")}
    row = rows[("skill", speaking.pk)]
    assert row.baseline.value is None and row.final.value == 3.0
    assert row.change.value is None
    area = rows[("area", speaking.area_id)]
    # Baseline: negotiation only (1.6); at the end (2.8 + 3) / 2 = 2.9.
    assert (area.baseline.value, area.final.value) == (1.6, 2.9)
    assert (area.change.value, area.improved.value) == (1.2, 80)


def test_goals_reached_by_skill_hide_a_skill_that_subtraction_would_reveal(pilot):
    rows = {r.label: r for r in indicators.kpis(pilot)}
    # 5 goals on crcn-2-1 (3 reached) and 1 goal linked to no skill. The
    # lone goal is hidden; since the total is shown, crcn-2-1 is hidden too.
    skill = Skill.objects.get(code="crcn-2-1")
    assert rows[skill.name].reached.hidden
    assert rows["Goals not linked to a skill"].reached.hidden
    everything = rows["All goals"]
    assert (everything.goals.value, everything.reached.value) == (6, 67)
    # 4 of 6 reached: the 2 not reached would be given away.
    assert not everything.goals.hidden and everything.reached.hidden


def test_session_ratings(pilot):
    ratings = indicators.ratings(pilot)
    # 12 answers from 12 people: 46 / 12 ≈ 3.8; 11 of 12 found it useful.
    assert ratings.average.value == 3.8
    assert ratings.useful.value == 92
    assert ratings.useful.hidden  # the one answer « not useful »
    # 4 was given by 8 people, but 5, 3 and 1 by 4 people in all, which the
    # total would reveal: every rating is hidden, the total stays.
    assert all(f.hidden for f in ratings.distribution.cells.values() if f.value)
    assert ratings.distribution.col_totals is not None
    assert ratings.distribution.col_totals["n"].value == 12


def test_closing_survey_hides_a_small_role_and_its_complement(pilot):
    rows = indicators.survey(pilot)
    mentees, mentors, everyone = rows
    assert mentors.people.hidden and mentees.satisfaction.hidden
    # Everyone: 9 people; confidence 21/9 ≈ 2.3 → 35/9 ≈ 3.9; satisfaction
    # 43/9 ≈ 4.8; 8 of 9 would recommend.
    assert everyone.people.value == 9
    assert everyone.confidence_before.value == 2.3
    assert everyone.confidence_after.value == 3.9
    assert everyone.satisfaction.value == 4.8
    assert everyone.recommend.value == 89
    assert everyone.recommend.hidden  # the one who would not


def test_silo_matrix_and_mix_of_levels(pilot, departments):
    silos = indicators.silos(pilot)
    table = silos.departments
    dsi, finance, rh = (departments[k].pk for k in ("dsi", "finance", "rh"))
    # Pairs by the mentor's top-level department (rows) and the mentee's:
    # DSI→Finance 5, RH→Finance 1, RH→RH 1. The small cells hide the others
    # through the margins; only the total of 7 remains.
    assert table.cell(dsi, finance).value == 5 and table.cell(dsi, finance).hidden
    assert table.cell(rh, rh).hidden and table.cell(rh, finance).hidden
    assert table.cell(dsi, rh).value == 0 and not table.cell(dsi, rh).hidden
    assert table.total is not None
    assert table.total.value == 7 and not table.total.hidden
    # 6 of 7 pairs cross silos.
    assert silos.crossing.value == 86
    assert silos.crossing.hidden  # the one pair within a silo
    # Levels: 5 juniors with executives, 2 confirmed with senior managers.
    assert silos.levels.cell(1, 5).value == 5
    assert silos.levels.cell(2, 4).hidden


def test_headline(pilot):
    headline = indicators.headline(pilot)
    assert headline.pairs.value == 7
    assert headline.people.value == 14
    assert headline.sessions_held.value == 29
    assert headline.minutes_held.value == 29 * 30


def test_a_dashboard_dated_before_any_pair_started_still_counts_the_sessions(pilot):
    # No pair had started by then (rhythm: no pair to judge); the sessions
    # held are counted all the same (they once showed 0).
    import datetime

    board = indicators.dashboard(pilot, today=datetime.date(2026, 9, 1))
    assert board.headline.sessions_held.value == 29
    assert board.headline.minutes_held.value == 29 * 30
    assert board.cadence.col_totals is not None
    assert board.cadence.col_totals["held"].value == 29
    assert board.rhythm.value is None


def test_pairs_at_risk_only_with_names(pilot):
    assert indicators.dashboard(pilot, today=TODAY).at_risk is None
    at_risk = indicators.dashboard(
        pilot, today=TODAY, audience=Audience.MANAGERS
    ).at_risk
    assert at_risk is not None
    assert {
        h.pair.mentor.person.first_name for h in at_risk if "cadence" in h.risks
    } == {
        "Mentorname6",
        "Mentorname7",
    }
