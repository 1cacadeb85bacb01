import pytest
from django.urls import reverse

from binome.people.models import Site
from binome.programs import services
from binome.programs.models import Enrolment


@pytest.fixture
def volunteer(recruiting, people, departments):
    person = people["camille"]
    person.availability = []
    person.save()
    return services.volunteer(
        programme=recruiting, person=person, role="mentor", consent=True
    )


def _url(enrolment, step=None):
    if step:
        return reverse("programs:profile_step", args=[enrolment.pk, step])
    return reverse("programs:profile", args=[enrolment.pk])


def test_wizard_resumes_at_the_first_missing_step(login, volunteer, people, org):
    Site.objects.create(organisation=org, name="Lyon")
    client = login(people["camille"])
    # No site yet: the job step comes first.
    response = client.get(_url(volunteer))
    assert response["Location"] == _url(volunteer, "job")
    person = people["camille"]
    person.site = Site.objects.get()
    person.save()
    response = client.get(_url(volunteer), follow=True)
    assert response.redirect_chain == [(_url(volunteer, "availability"), 302)]
    assert response.context["step"] == "availability"
    assert "Étape 3 sur 4" in response.text


def test_wizard_resumes_at_the_interests_when_the_rest_is_done(
    login, volunteer, people, org
):
    """The required steps are done but the interests were never given: the
    wizard opens there, not back at the first step."""
    person = people["camille"]
    person.site = Site.objects.create(organisation=org, name="Lyon")
    person.availability = ["mon-am"]
    person.save()
    client = login(person)
    assert client.get(_url(volunteer))["Location"] == _url(volunteer, "interests")
    person.interests = ["jazz"]
    person.save()
    # All done: the wizard opens at its start, to review.
    assert client.get(_url(volunteer))["Location"] == _url(volunteer, "job")


def test_each_step_saves_and_moves_on(login, volunteer, people, org, departments):
    site = Site.objects.create(organisation=org, name="Lyon")
    client = login(people["camille"])
    response = client.post(
        _url(volunteer, "job"),
        {
            "job_title": "Data analyst",
            "department": departments["data"].pk,
            "site": site.pk,
            "level": 1,
            "hire_year": 2024,
        },
    )
    assert response["Location"] == _url(volunteer, "formats")
    response = client.post(
        _url(volunteer, "formats"), {"languages": ["fr", "es"], "accepts_remote": "on"}
    )
    assert response["Location"] == _url(volunteer, "availability")
    response = client.post(
        _url(volunteer, "availability"), {"availability": ["tue-am"]}
    )
    assert response["Location"] == _url(volunteer, "interests")
    response = client.post(
        _url(volunteer, "interests"), {"interests": "Jazz, vélo, jazz"}
    )
    assert response.status_code == 302
    person = people["camille"]
    person.refresh_from_db()
    assert person.languages == ["fr", "es"]
    assert (person.accepts_remote, person.accepts_onsite) == (True, False)
    assert person.availability == ["tue-am"]
    assert person.interests == ["jazz", "vélo"]
    assert person.is_profile_complete


def test_errors_are_shown_next_to_the_fields_in_french(login, volunteer, people):
    client = login(people["camille"])
    response = client.post(_url(volunteer, "formats"), {"languages": []})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["languages"] == ["Ce champ est obligatoire."]
    assert errors["accepts_remote"] == [
        "Acceptez au moins un format : à distance ou sur site."
    ]
    assert 'id="id_accepts_remote_error"' in response.text
    response = client.post(_url(volunteer, "availability"), {})
    assert "Choisissez au moins une demi-journée." in response.text


def test_unknown_step_is_404(login, volunteer, people):
    assert login(people["camille"]).get(_url(volunteer, "nope")).status_code == 404


@pytest.mark.parametrize("who", ["bernard", "odile", "ines"])
def test_nobody_else_reaches_the_profile(login, volunteer, people, who):
    assert login(people[who]).get(_url(volunteer)).status_code == 404


def test_withdrawn_enrolment_is_no_longer_reachable(login, volunteer, people):
    services.withdraw(enrolment=volunteer, erase=False)
    assert login(people["camille"]).get(_url(volunteer)).status_code == 404
    assert Enrolment.objects.get().status == "withdrawn"
