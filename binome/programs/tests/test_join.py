import pytest
from django.core import mail
from django.urls import reverse

from binome.people.models import Organisation, Person
from binome.programs.models import Enrolment, Programme


def _join_url(programme):
    return reverse("programs:join", args=[programme.invitation_token()])


def test_invitation_page_shows_the_consent_notice(login, recruiting, people):
    response = login(people["camille"]).get(_join_url(recruiting))
    assert response.status_code == 200
    html = response.text
    for heading in (
        "Ce qui est collecté",
        "Qui voit quoi",
        "Combien de temps",
        "Vos droits",
    ):
        assert heading in html
    assert "retirer à tout moment" in html


def test_the_optional_motivation_says_so_once(login, recruiting, people):
    """The field template adds « (facultatif) » to optional fields: a label
    must not say it again (« (facultatif) (facultatif) »)."""
    html = login(people["camille"]).get(_join_url(recruiting)).text
    assert "Pourquoi voulez-vous participer ?" in html
    assert "(facultatif) (facultatif)" not in html
    assert html.count("(facultatif)") == 1


def test_joining_needs_consent_and_says_so_next_to_the_field(login, recruiting, people):
    response = login(people["camille"]).post(
        _join_url(recruiting), {"role": "mentor", "motivation": "J'aime transmettre"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["consent"] == [
        "Merci de lire la notice et de donner votre consentement pour participer."
    ]
    assert 'id="id_consent_error"' in response.text
    assert not Enrolment.objects.exists()


def test_volunteer_with_consent_is_enrolled_and_told(login, recruiting, people):
    response = login(people["camille"]).post(
        _join_url(recruiting), {"role": "mentor", "consent": "on", "motivation": "Oui"}
    )
    enrolment = Enrolment.objects.get(person=people["camille"])
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:profile", args=[enrolment.pk]) or (
        response["Location"].startswith("/programmes/inscriptions/")
    )
    assert enrolment.status == Enrolment.Status.VOLUNTEERED
    assert enrolment.consent_at is not None and enrolment.consent_version
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["camille@test.example"]
    assert "Merci pour votre candidature" in mail.outbox[0].subject


def test_a_role_outside_the_rules_is_explained(login, recruiting, people):
    # Camille is a junior: the programme takes mentees from level 3.
    client = login(people["camille"])
    page = client.get(_join_url(recruiting))
    assert "Les mentorés sont de niveau 3 ou plus." in page.text
    response = client.post(_join_url(recruiting), {"role": "mentee", "consent": "on"})
    assert response.status_code == 200
    assert "Les mentorés sont de niveau 3 ou plus." in str(
        response.context["form"].errors
    )
    assert not Enrolment.objects.exists()


def test_forged_or_revoked_links_do_not_work(login, recruiting, people):
    client = login(people["camille"])
    assert (
        client.get(reverse("programs:join", args=["pas-un-jeton"])).status_code == 404
    )
    old = _join_url(recruiting)
    recruiting.revoke_invitations()
    assert client.get(old).status_code == 404
    assert client.get(_join_url(recruiting)).status_code == 200


def test_closed_programme_refuses_volunteers(login, recruiting, people):
    recruiting.move_to(Programme.Status.MATCHING)
    response = login(people["camille"]).get(_join_url(recruiting))
    assert response.status_code == 410


def test_people_of_another_organisation_get_404(client, recruiting, db):
    from binome.accounts.models import User

    other = Organisation.objects.create(name="Autre", slug="autre-org")
    user = User.objects.create_user(email="z@autre.example", password="x" * 12)
    Person.objects.create(organisation=other, user=user, first_name="Z", last_name="Z")
    client.force_login(user)
    assert client.get(_join_url(recruiting)).status_code == 404


def test_open_call_lists_and_accepts_volunteers(login, recruiting, people):
    client = login(people["bernard"])
    assert recruiting.name not in client.get(reverse("programs:list")).text
    recruiting.open_call = True
    recruiting.save()
    assert recruiting.name in client.get(reverse("programs:list")).text
    response = client.post(
        reverse("programs:volunteer", args=[recruiting.slug]),
        {"role": "mentee", "consent": "on"},
    )
    assert response.status_code == 302
    assert Enrolment.objects.get(person=people["bernard"]).role == "mentee"


def test_programme_without_open_call_is_not_reachable_by_slug(
    login, recruiting, people
):
    url = reverse("programs:volunteer", args=[recruiting.slug])
    assert login(people["bernard"]).get(url).status_code == 404


def test_volunteering_twice_is_refused_but_rejoining_after_withdrawal_works(
    login, recruiting, people
):
    from binome.programs import services

    client = login(people["camille"])
    client.post(_join_url(recruiting), {"role": "mentor", "consent": "on"})
    again = client.post(_join_url(recruiting), {"role": "mentor", "consent": "on"})
    assert "déjà inscrit" in again.text
    enrolment = Enrolment.objects.get()
    services.withdraw(enrolment=enrolment, erase=False)
    client.post(_join_url(recruiting), {"role": "mentor", "consent": "on"})
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.VOLUNTEERED
    assert enrolment.withdrawn_at is None
    assert Enrolment.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_visitor_sees_the_programme_and_how_to_get_in(client, recruiting):
    url = _join_url(recruiting)
    response = client.get(url)
    assert response.status_code == 200
    assert "Vous êtes invité·e à « Vague 2027 »" in response.text
    assert f"{reverse('accounts:login')}?next={url}" in response.text.replace(
        "%3A", ":"
    )
    assert "Je me porte volontaire" not in response.text
