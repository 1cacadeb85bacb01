"""Programme health against hand-computed values on a small fixed dataset."""

import datetime

import pytest
from django.urls import reverse

from binome.insights import health
from binome.pairs.models import Feedback, Meeting, Pair
from binome.programs.models import Enrolment

TODAY = datetime.date(2026, 11, 22)


def _at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)


@pytest.fixture
def second_pair(pilot, enrolments, people):
    xavier = Enrolment.objects.create(
        programme=pilot,
        person=people["xavier"],
        role="mentee",
        status="accepted",
        consent_at=_at(TODAY),
    )
    return Pair.objects.create(
        mentor=enrolments["ines"], mentee=xavier, started_on=datetime.date(2026, 9, 20)
    )


def test_funnel_counts_each_step_per_role(pilot, enrolments, people, pair):
    Enrolment.objects.create(programme=pilot, person=people["victor"], role="mentee")
    steps = {s.key: (s.mentors, s.mentees) for s in health.funnel(pilot)}
    # Camille and Inès (mentors), Bernard (mentee) accepted; Victor only invited.
    assert steps["invited"] == (2, 2)
    assert steps["enrolled"] == (2, 1)
    assert steps["cast"] == (2, 1)
    assert steps["matched"] == (1, 1)
    # No self-assessment or wishes yet: nobody's profile is complete.
    assert steps["complete"] == (0, 0)


def test_the_funnel_counts_a_complete_profile_and_misses_an_empty_list(
    pilot, enrolments, people, org
):
    """Complete: department, site, languages, availability, a format, a
    self-assessment and a wish. Inès has everything but her languages."""
    from binome.people.models import Site
    from binome.programs import services
    from binome.skills.models import Skill

    site = Site.objects.create(organisation=org, name="Lyon")
    skill = Skill.objects.order_by("pk")[0]
    for name in ("camille", "ines"):
        person = people[name]
        person.site = site
        person.languages = [] if name == "ines" else ["fr"]
        person.save()
        services.save_self_assessment(person=person, levels={skill.pk: 3})
        services.save_wishes(enrolment=enrolments[name], learn={skill.pk: 2}, teach=[])
    steps = {s.key: (s.mentors, s.mentees) for s in health.funnel(pilot)}
    assert steps["complete"] == (1, 0)
    people["ines"].languages = ["en"]
    people["ines"].save()
    steps = {s.key: (s.mentors, s.mentees) for s in health.funnel(pilot)}
    assert steps["complete"] == (2, 0)


def test_pairs_at_risk_with_their_reasons(pilot, pair, second_pair, enrolments):
    pair.started_on = datetime.date(2026, 9, 20)
    pair.save()
    # Camille and Bernard: held every fortnight, the last one rated poorly.
    for day in (20, 34, 48, 62):
        Meeting.objects.create(
            pair=pair,
            starts_at=_at(datetime.date(2026, 9, 20) + datetime.timedelta(day - 20)),
            status="held",
        )
    last = pair.meetings.order_by("-starts_at").first()
    Feedback.objects.create(
        meeting=last, author=enrolments["bernard"], rating=2, useful=True
    )
    # Inès and Xavier: one session in September, then nothing.
    Meeting.objects.create(
        pair=second_pair, starts_at=_at(datetime.date(2026, 9, 21)), status="held"
    )
    rows = {h.pair.pk: h for h in health.pair_health(pilot, today=TODAY)}
    # 63 days since the start with a 14-day cadence: 4 sessions planned.
    assert rows[pair.pk].expected == 4 and rows[pair.pk].held == 4
    assert rows[pair.pk].risks == ["feedback", "charter"]
    assert rows[second_pair.pk].risks == ["inactive", "cadence", "charter"]
    assert rows[second_pair.pk].last_held == datetime.date(2026, 9, 21)


def test_health_page_for_managers_only(login, pilot, pair, people, other_programme):
    url = reverse("programme_health", args=[pilot.slug])
    response = login(people["odile"]).get(url)
    assert response.status_code == 200
    assert "Invités ou volontaires" in response.text
    for who in ("camille", "bernard", "ines", "victor"):
        assert login(people[who]).get(url).status_code == 404


def test_feedback_text_never_reaches_the_health_page(
    login, pilot, pair, enrolments, people
):
    meeting = Meeting.objects.create(pair=pair, starts_at=_at(TODAY), status="held")
    Feedback.objects.create(
        meeting=meeting,
        author=enrolments["bernard"],
        rating=1,
        useful=False,
        comment="Texte très privé",
    )
    html = (
        login(people["odile"]).get(reverse("programme_health", args=[pilot.slug])).text
    )
    assert "Texte très privé" not in html
    assert "mal notée" in html or "pas jugée utile" in html


def test_recent_feedback_is_measured_from_the_day_asked(pilot, pair, enrolments):
    """« Recent » is the last two cadence periods before ``today``, whatever
    the wall clock says: the same rating is a risk on one day, not later."""
    pair.started_on = datetime.date(2026, 9, 20)
    pair.save()
    meeting = Meeting.objects.create(
        pair=pair, starts_at=_at(datetime.date(2026, 11, 20)), status="held"
    )
    Feedback.objects.create(
        meeting=meeting, author=enrolments["bernard"], rating=1, useful=False
    )
    window = 2 * pilot.cadence_days

    def risks(today: datetime.date) -> list[str]:
        return next(
            h.risks for h in health.pair_health(pilot, today=today) if h.pair == pair
        )

    assert "feedback" in risks(datetime.date(2026, 11, 20))
    last_day = datetime.date(2026, 11, 20) + datetime.timedelta(days=window - 1)
    assert "feedback" in risks(last_day)
    assert "feedback" not in risks(last_day + datetime.timedelta(days=1))


def test_each_risk_reads_in_the_readers_language():
    """The inactivity risk has a number in it: formatted when shown, not
    once at import in whatever language was active then."""
    from django.utils import translation

    from binome.insights.health import RISKS

    with translation.override("en"):
        assert str(RISKS["inactive"]) == "No session held for 30 days"
    with translation.override("fr"):
        assert str(RISKS["inactive"]) == "Aucune séance tenue depuis 30 jours"
