"""A small fixed programme whose every indicator is computed by hand in the
tests (see test_indicators.py for the arithmetic).

Seven pairs start on 14 September 2026 in the pilot (14-day cadence; today is
22 November). Mentors M1–M5 work in Data (under the DSI), M6–M7 in HR;
mentees E1–E6 in Finance, E7 in HR. Pairs 1–5 held a session every
fortnight; pairs 6–7 held two, then missed three. Every pair has a session
planned on 24 November.
"""

import datetime
from decimal import Decimal

import pytest

from binome.accounts.models import User
from binome.pairs.models import (
    Charter,
    ClosingSurvey,
    Feedback,
    Kpi,
    Meeting,
    Pair,
)
from binome.programs.models import Enrolment, Goal
from binome.skills.models import Assessment, AssessmentItem, Skill
from conftest import DAY, _person

TODAY = datetime.date(2026, 11, 22)
START = datetime.date(2026, 9, 14)
SECRET = "SECRET-CONTENT-7f3a"


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def _assess(person, phase, levels, day):
    assessment = Assessment.objects.create(
        person=person, phase=phase, assessed_on=day, assessor=None
    )
    for code, level in levels.items():
        AssessmentItem.objects.create(
            assessment=assessment, skill=Skill.objects.get(code=code), level=level
        )


@pytest.fixture
def sponsor(pilot):
    user = User.objects.create_user(
        email="sophie@test.example",
        password="mot-de-passe-solide",
        first_name="Sophie",
        last_name="Garnier",
    )
    pilot.sponsors.add(user)
    return user


@pytest.fixture
def dataset(org, departments, pilot, people):
    def enrol(person, role):
        return Enrolment.objects.create(
            programme=pilot,
            person=person,
            role=role,
            status=Enrolment.Status.ACCEPTED,
            consent_at=DAY,
            consent_version="test",
        )

    mentors, mentees, pairs = [], [], []
    for i in range(1, 8):
        mentor = _person(
            org,
            departments["data"] if i <= 5 else departments["rh"],
            f"Mentorname{i}",
            f"Mlast{i}",
            1 if i <= 5 else 2,
        )
        mentee = _person(
            org,
            departments["finance"] if i <= 6 else departments["rh"],
            f"Menteename{i}",
            f"Elast{i}",
            5 if i <= 5 else 4,
        )
        mentors.append(mentor)
        mentees.append(mentee)
        pair = Pair.objects.create(
            mentor=enrol(mentor, "mentor"),
            mentee=enrol(mentee, "mentee"),
            started_on=START,
        )
        pairs.append(pair)
    # Two more mentees were invited and never answered.
    for i in (8, 9):
        Enrolment.objects.create(
            programme=pilot,
            person=_person(org, departments["rh"], f"Invited{i}", "X", 4),
            role="mentee",
        )

    # Sessions: every fortnight from 15 September.
    days = [START + datetime.timedelta(days=1 + 14 * k) for k in range(6)]
    for number, pair in enumerate(pairs, start=1):
        for k, day in enumerate(days[:5]):
            held = number <= 5 or k < 2
            Meeting.objects.create(
                pair=pair,
                starts_at=at(day),
                status="held" if held else "missed",
                held_minutes=30 if held else None,
                notes=SECRET,
                mentee_learned=SECRET,
            )
        Meeting.objects.create(pair=pair, starts_at=at(days[5]), status="planned")

    # Ratings of each pair's first session: mentees 5,5,4,4,4,3,1 (the last
    # not useful), mentors M1–M5 all 4.
    for number, (pair, rating) in enumerate(
        zip(pairs, [5, 5, 4, 4, 4, 3, 1], strict=True), start=1
    ):
        first = pair.meetings.order_by("starts_at").first()
        assert first is not None
        Feedback.objects.create(
            meeting=first,
            author=pair.mentee,
            rating=rating,
            useful=number != 7,
            comment=SECRET,
        )
        if number <= 5:
            Feedback.objects.create(
                meeting=first, author=pair.mentor, rating=4, useful=True
            )

    # Self-assessments. Mentees' digital skills: crcn-2-1 and crcn-2-3 (same
    # area), crcn-5-1 (another area, 3 people only).
    for i, mentee in enumerate(mentees[:6]):
        levels = {"crcn-2-1": 1, "crcn-2-3": 2}
        if i < 3:
            levels["crcn-5-1"] = 2
        _assess(mentee, "baseline", levels, datetime.date(2026, 9, 1))
    for mentee, a, b in zip(mentees[:5], [2, 2, 3, 1, 2], [2, 3, 3, 2, 3], strict=True):
        _assess(
            mentee, "midway", {"crcn-2-1": a, "crcn-2-3": b}, datetime.date(2026, 11, 2)
        )
    # Mentors' leadership skill: negotiation, baseline then final.
    for mentor, a, b in zip(mentors[:5], [1, 1, 2, 2, 2], [2, 3, 2, 3, 4], strict=True):
        _assess(mentor, "baseline", {"negotiation": a}, datetime.date(2026, 9, 1))
        _assess(mentor, "final", {"negotiation": b}, datetime.date(2026, 11, 20))

    # KPIs: pairs 1–5 have a goal on crcn-2-1 (reached by pairs 1–3), pair 6 a
    # goal linked to no skill (reached).
    skill = Skill.objects.get(code="crcn-2-1")
    for number, pair in enumerate(pairs[:6], start=1):
        charter = Charter.objects.create(pair=pair)
        goal = None
        if number <= 5:
            goal = Goal.objects.create(
                enrolment=pair.mentee, title="But", kpi="Cible", skill=skill
            )
        Kpi.objects.create(
            charter=charter,
            goal=goal,
            direction="mentee",
            title="But",
            kpi="Cible",
            target_value=Decimal(4) if number in (3, 4) else None,
            current_value={3: Decimal(4), 4: Decimal(2)}.get(number),
            done=number in (1, 2, 6),
        )

    # Closing survey: mentees E1–E6 and mentors M1–M3.
    for pair, before, after, satisfaction, recommend in zip(
        pairs[:6],
        [2, 2, 3, 2, 1, 2],
        [4, 4, 4, 3, 3, 4],
        [5, 5, 5, 4, 5, 5],
        [True, True, True, True, True, False],
        strict=True,
    ):
        ClosingSurvey.objects.create(
            pair=pair,
            author=pair.mentee,
            confidence_before=before,
            confidence_after=after,
            satisfaction=satisfaction,
            would_recommend=recommend,
            comment=SECRET,
        )
    for pair, after, satisfaction in zip(pairs[:3], [4, 4, 5], [5, 5, 4], strict=True):
        ClosingSurvey.objects.create(
            pair=pair,
            author=pair.mentor,
            confidence_before=3,
            confidence_after=after,
            satisfaction=satisfaction,
            would_recommend=True,
        )
    return {"pairs": pairs, "mentors": mentors, "mentees": mentees}
