"""A small matched cohort shared by the tests of rounds, confirmations and
the cockpit: the same four people, the same skills, one engine run."""

from binome.matching import rounds
from binome.matching.models import MatchingRound
from binome.programs import services
from binome.programs.models import Enrolment, Programme
from binome.skills.models import Skill


def enrol_accepted(programme, person, role):
    """``person`` volunteers as ``role`` (with consent) and is accepted."""
    enrolment = services.volunteer(
        programme=programme, person=person, role=role, consent=True
    )
    enrolment.status = Enrolment.Status.ACCEPTED
    enrolment.save()
    return enrolment


def two_pair_cohort(programme: Programme, people) -> dict[str, Enrolment]:
    """Camille knows LinkedIn, Inès data visualisation; Bernard wants to learn
    LinkedIn, Victor data visualisation: the engine pairs Camille with Bernard
    and Inès with Victor."""
    skill = {s.code: s.pk for s in Skill.objects.all()}
    cohort = {
        "camille": enrol_accepted(programme, people["camille"], "mentor"),
        "ines": enrol_accepted(programme, people["ines"], "mentor"),
        "bernard": enrol_accepted(programme, people["bernard"], "mentee"),
        "victor": enrol_accepted(programme, people["victor"], "mentee"),
    }
    services.save_wishes(
        enrolment=cohort["bernard"], learn={skill["linkedin"]: 3}, teach=[]
    )
    services.save_wishes(
        enrolment=cohort["victor"], learn={skill["dataviz"]: 3}, teach=[]
    )
    services.save_self_assessment(
        person=people["camille"], levels={skill["linkedin"]: 4, skill["dataviz"]: 1}
    )
    services.save_self_assessment(
        person=people["ines"], levels={skill["linkedin"]: 1, skill["dataviz"]: 4}
    )
    return cohort


def run_round(programme: Programme, user) -> MatchingRound:
    """Start a round and run the engine now, as the worker would."""
    round_ = rounds.start_round(programme=programme, by=user)
    rounds.run_matching_round.call(round_.pk)
    round_.refresh_from_db()
    return round_
