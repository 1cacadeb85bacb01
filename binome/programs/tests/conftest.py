"""Fixtures shared by the programs tests."""

import pytest

from binome.people.models import Person
from binome.programs import services
from binome.programs.models import Enrolment
from binome.skills.models import Skill


@pytest.fixture
def cohort(recruiting, people, org):
    """Bernard (Finance) is a mentee; Camille and Inès (Data) and Xavier
    (Finance, who reports to Bernard through a non-participant) are mentors."""
    recruiting.coffee_enabled = True
    recruiting.save()
    middle = Person.objects.create(
        organisation=org,
        first_name="Marc",
        last_name="Milieu",
        level=3,
        manager=people["bernard"],
    )
    people["xavier"].manager = middle
    people["xavier"].save()
    skill = {s.code: s.pk for s in Skill.objects.all()}
    out = {}
    for name, role in [
        ("bernard", "mentee"),
        ("camille", "mentor"),
        ("ines", "mentor"),
        ("xavier", "mentor"),
    ]:
        enrolment = services.volunteer(
            programme=recruiting, person=people[name], role=role, consent=True
        )
        enrolment.status = Enrolment.Status.ACCEPTED
        enrolment.save()
        out[name] = enrolment
    services.save_wishes(
        enrolment=out["bernard"],
        learn={skill["linkedin"]: 3},
        teach=[skill["leadership"]],
    )
    services.save_self_assessment(
        person=people["camille"], levels={skill["linkedin"]: 4}
    )
    services.save_self_assessment(person=people["ines"], levels={skill["linkedin"]: 1})
    services.save_self_assessment(
        person=people["xavier"], levels={skill["linkedin"]: 4}
    )
    services.save_self_assessment(
        person=people["bernard"], levels={skill["linkedin"]: 0}
    )
    return out
