"""Confidential concerns (#18): raising one (form, confirmation, double
submit, bad input), who sees it (reporter, partner, other participants,
managers of this and of another programme, sponsor, the partner's export and
API), the audit log, the e-mails, the status flow, erasure and retention."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from binome.accounts.models import ApiToken, AuditEvent
from binome.pairs import concerns
from binome.pairs.models import Concern
from binome.privacy.export import export_json
from binome.privacy.subject import Subject

from .conftest import paris

SECRET = "PLANTED-CONCERN-SECRET il m'a parlé durement 😟"
AT = paris(2026, 10, 5, 9, 0)


def _post(client, pair, **data):
    fields = {
        "category": "respect",
        "text": SECRET,
        "wants_contact": "on",
        "token": uuid.uuid4().hex,
        **data,
    }
    fields = {k: v for k, v in fields.items() if v is not None}
    return client.post(reverse("pairs:concern_new", args=[pair.pk]), fields)


@pytest.fixture
def raised(pair, enrolments, people):
    """Bernard (the mentee) raised a concern about his pair with Camille."""
    with time_machine.travel(AT, tick=False):
        concern, created = concerns.raise_concern(
            pair=pair,
            reporter=enrolments["bernard"],
            category="respect",
            text=SECRET,
            wants_contact=True,
            token=uuid.uuid4().hex,
        )
    assert created
    mail.outbox.clear()
    return concern


# --- Raising a concern -----------------------------------------------------------


def test_the_form_confirms_before_sending_then_says_what_happens_next(
    pair, people, login, pilot
):
    client = login(people["bernard"])
    form = client.get(reverse("pairs:concern_new", args=[pair.pk]))
    assert form.status_code == 200
    assert "Seuls les responsables du programme" in form.text
    found = re.search(r'name="token" value="([0-9a-f]{32})"', form.text)
    assert found is not None
    token = found.group(1)

    preview = _post(client, pair, token=token)
    assert preview.status_code == 200
    assert "Envoyer ce signalement" in preview.text
    assert "il m&#x27;a parlé durement 😟" in preview.text
    assert not Concern.objects.exists()
    assert mail.outbox == []

    sent = _post(client, pair, token=token, confirm="1")
    concern = Concern.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == reverse("pairs:concern", args=[concern.pk])
    assert (concern.category, concern.text, concern.wants_contact) == (
        "respect",
        SECRET,
        True,
    )
    assert concern.reporter.person == people["bernard"]
    page = client.get(sent["Location"])
    assert "Reçu" in page.text
    assert "jours ouvrés" in page.text
    assert "Votre binôme n’en est pas informé" in page.text

    # The managers of the programme only, and without the text.
    (email,) = mail.outbox
    assert email.to == ["odile@test.example"]
    assert "PLANTED" not in email.body and "PLANTED" not in email.subject
    assert reverse("pairs:programme_concern", args=[pilot.slug, concern.pk]) in (
        email.body
    )

    (event,) = AuditEvent.objects.filter(action="concern_raised")
    assert event.actor == people["bernard"].user
    assert event.target == f"concern:{concern.pk}"
    assert event.details["category"] == "respect"
    assert "PLANTED" not in str(event.details)


def test_a_double_submit_sends_one_concern_and_one_email(pair, people, login):
    client = login(people["camille"])
    token = uuid.uuid4().hex
    first = _post(client, pair, token=token, confirm="1")
    second = _post(client, pair, token=token, confirm="1")
    assert first["Location"] == second["Location"]
    assert Concern.objects.count() == 1
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="concern_raised").count() == 1
    # The same text again with a fresh form, minutes later: the same concern.
    _post(client, pair, confirm="1")
    assert Concern.objects.count() == 1


def test_more_than_five_a_day_are_refused_with_a_message(pair, people, login):
    client = login(people["camille"])
    for n in range(concerns.MAX_PER_DAY):
        _post(client, pair, text=f"Souci numéro {n}", confirm="1")
    refused = _post(client, pair, text="Encore un", confirm="1")
    assert refused.status_code == 400
    assert "plusieurs signalements aujourd" in refused.text
    assert Concern.objects.count() == concerns.MAX_PER_DAY


@pytest.mark.parametrize(
    "data, error",
    [
        ({"text": ""}, "Décrivez ce qui s’est passé."),
        ({"text": "   \n  "}, "Décrivez ce qui s’est passé."),
        ({"text": "x" * 4001}, "4000 caractères au plus"),
        ({"category": None}, "Choisissez le sujet du signalement."),
        ({"category": "<b>autre</b>"}, "Sélectionnez un choix valide"),
        ({"token": "pas-un-jeton"}, "Le formulaire a expiré"),
    ],
)
def test_bad_input_is_refused_next_to_its_field(pair, people, login, data, error):
    response = _post(login(people["bernard"]), pair, confirm="1", **data)
    assert response.status_code == 400
    assert error in response.text.replace("&#x27;", "’").replace("'", "’")
    assert 'class="form-errors"' in response.text
    assert not Concern.objects.exists()
    assert mail.outbox == []


def test_html_and_emoji_are_kept_as_typed_and_shown_escaped(pair, people, login):
    client = login(people["bernard"])
    text = "<script>alert(1)</script> 🙂 « merci »"
    response = _post(client, pair, text=text, confirm="1")
    concern = Concern.objects.get()
    assert concern.text == text
    page = client.get(response["Location"])
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; 🙂 « merci »" in page.text


def test_outsiders_cannot_raise_a_concern_about_a_pair(pair, people, login):
    for who in ("ines", "odile", "xavier"):
        response = _post(login(people[who]), pair, confirm="1")
        assert response.status_code == 404, who
    assert not Concern.objects.exists()


# --- Who sees it -----------------------------------------------------------------


def test_the_partner_never_sees_it(raised, pair, people, login, pilot):
    client = login(people["camille"])
    pages = [
        reverse("pairs:workspace", args=[pair.pk]),
        reverse("pairs:list"),
        reverse("pairs:concerns"),
        reverse("pairs:schedule", args=[pair.pk]),
        reverse("pairs:charter", args=[pair.pk]),
        reverse("home"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "PLANTED" not in response.text, url
        assert "Suivre votre signalement" not in response.text, url
    assert client.get(reverse("pairs:concern", args=[raised.pk])).status_code == 404
    assert (
        client.get(
            reverse("pairs:programme_concern", args=[pilot.slug, raised.pk])
        ).status_code
        == 404
    )
    # The reporter's workspace links to it; the partner's does not.
    mine = login(people["bernard"]).get(reverse("pairs:workspace", args=[pair.pk]))
    assert "Suivre votre signalement" in mine.text


def test_the_partners_export_and_api_do_not_contain_it(raised, people, client):
    assert "PLANTED" not in export_json(Subject.for_user(people["camille"].user))
    assert "PLANTED" in export_json(Subject.for_user(people["bernard"].user))
    _token, clear = ApiToken.issue(
        owner=people["camille"].user, name="t", scopes=["read"], expires_at=None
    )
    for path in ("/api/v1/me", "/api/v1/programmes"):
        response = client.get(path, headers={"Authorization": f"Bearer {clear}"})
        assert response.status_code == 200
        assert "PLANTED" not in response.text
        assert "concern" not in response.text


def test_the_managers_see_it_others_get_404(
    raised, people, login, pilot, other_programme
):
    listing = reverse("pairs:programme_concerns", args=[pilot.slug])
    detail = reverse("pairs:programme_concern", args=[pilot.slug, raised.pk])
    odile = login(people["odile"])
    assert "Bernard Lemoine" in odile.get(listing).text
    assert "PLANTED" in odile.get(detail).text
    # Victor manages another programme: not this one's concerns, nor through his.
    victor = login(people["victor"])
    assert victor.get(listing).status_code == 404
    assert victor.get(detail).status_code == 404
    assert (
        victor.get(
            reverse("pairs:programme_concern", args=[other_programme.slug, raised.pk])
        ).status_code
        == 404
    )
    for who in ("ines", "xavier"):
        assert login(people[who]).get(listing).status_code == 404
        assert login(people[who]).get(detail).status_code == 404


def test_a_partner_who_also_manages_the_programme_sees_nothing(
    pair, enrolments, people, login, pilot
):
    # Camille (the mentor) co-manages the pilot; Bernard raises a concern.
    pilot.managers.add(people["camille"].user)
    concern, _created = concerns.raise_concern(
        pair=pair,
        reporter=enrolments["bernard"],
        category="conduct",
        text=SECRET,
        wants_contact=False,
        token=uuid.uuid4().hex,
    )
    (email,) = mail.outbox
    assert email.to == ["odile@test.example"]
    camille = login(people["camille"])
    listing = camille.get(reverse("pairs:programme_concerns", args=[pilot.slug]))
    assert listing.status_code == 200
    assert "Bernard Lemoine" not in listing.text
    detail = reverse("pairs:programme_concern", args=[pilot.slug, concern.pk])
    assert camille.get(detail).status_code == 404
    assert 'data-todo="concerns"' not in camille.get(reverse("home")).text
    assert "PLANTED" in login(people["odile"]).get(detail).text


def test_the_sponsor_sees_nothing(raised, people, login, pilot):
    pilot.sponsors.add(people["xavier"].user)
    client = login(people["xavier"])
    assert (
        client.get(reverse("pairs:programme_concerns", args=[pilot.slug])).status_code
        == 404
    )
    for url in (reverse("home"), reverse("insights:dashboard", args=[pilot.slug])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "PLANTED" not in response.text
        assert "signalement" not in response.text.lower()


def test_the_managers_home_lists_the_open_concerns(raised, people, login):
    home = login(people["odile"]).get(reverse("home"))
    assert 'data-todo="concerns"' in home.text
    assert "1 signalement confidentiel attend une réponse" in home.text
    assert "PLANTED" not in home.text


# --- The status flow ---------------------------------------------------------------


def test_a_manager_handles_then_closes_with_a_message(raised, people, login, pilot):
    odile = login(people["odile"])
    url = reverse("pairs:programme_concern", args=[pilot.slug, raised.pk])
    response = odile.post(url, {"status": "in_progress", "reply": "", "version": "0"})
    assert response.status_code == 302
    raised.refresh_from_db()
    assert raised.status == "in_progress"
    (email,) = mail.outbox
    assert email.to == ["bernard@test.example"]
    assert reverse("pairs:concern", args=[raised.pk]) in email.body

    # Closing needs a word to the reporter.
    refused = odile.post(url, {"status": "closed", "reply": " ", "version": "1"})
    assert refused.status_code == 400
    assert "avant de clore" in refused.text
    raised.refresh_from_db()
    assert raised.status == "in_progress"

    odile.post(
        url,
        {
            "status": "closed",
            "reply": "Nous avons parlé à <b>chacun</b>.",
            "version": "1",
        },
    )
    raised.refresh_from_db()
    assert raised.status == "closed"
    assert raised.closed_at is not None
    assert raised.handled_by == people["odile"].user
    assert "chacun" not in mail.outbox[-1].body  # the message stays in the app
    page = login(people["bernard"]).get(reverse("pairs:concern", args=[raised.pk]))
    assert "Clôturé" in page.text
    assert "Nous avons parlé à &lt;b&gt;chacun&lt;/b&gt;." in page.text
    actions = list(
        AuditEvent.objects.filter(action="concern_handled").values_list(
            "details__status", flat=True
        )
    )
    assert sorted(actions) == ["closed", "in_progress"]
    # The partner was told nothing at any point.
    assert all("camille@test.example" not in m.to for m in mail.outbox)


def test_two_managers_answering_at_once_do_not_overwrite(raised, people, login, pilot):
    pilot.managers.add(people["victor"].user)
    url = reverse("pairs:programme_concern", args=[pilot.slug, raised.pk])
    login(people["odile"]).post(
        url, {"status": "in_progress", "reply": "Je m'en occupe.", "version": "0"}
    )
    late = login(people["victor"]).post(
        url, {"status": "closed", "reply": "Vu.", "version": "0"}
    )
    assert late.status_code == 400
    assert "entre-temps" in late.text
    assert "Je m&#x27;en occupe." in late.text
    raised.refresh_from_db()
    assert (raised.status, raised.reply) == ("in_progress", "Je m'en occupe.")


# --- Privacy ---------------------------------------------------------------------


def test_erasing_the_reporter_removes_the_texts_keeps_the_count(raised, people):
    from binome.privacy.erasure import erase_person

    erase_person(Subject.for_user(people["bernard"].user))
    raised.refresh_from_db()
    assert (raised.text, raised.reply, raised.wants_contact) == ("", "", False)
    assert Concern.objects.count() == 1


def test_erasing_the_partner_redacts_their_name_in_the_concern(
    pair, enrolments, people
):
    concern, _created = concerns.raise_concern(
        pair=pair,
        reporter=enrolments["bernard"],
        category="conduct",
        text="Camille Rivière a partagé mes notes.",
        wants_contact=False,
        token=uuid.uuid4().hex,
    )
    from binome.privacy.erasure import erase_person

    erase_person(Subject.for_user(people["camille"].user))
    concern.refresh_from_db()
    assert "Camille" not in concern.text and "Rivière" not in concern.text
    assert "a partagé mes notes" in concern.text


def test_the_texts_go_with_the_closed_programmes_texts(raised, pilot, settings):
    from binome.privacy import retention
    from binome.programs.models import Programme

    Programme.objects.filter(pk=pilot.pk).update(status=Programme.Status.CLOSED)
    Concern.objects.filter(pk=raised.pk).update(reply="Réponse")
    settings.PRIVACY_RETENTION_DAYS = {"closed_programmes": 30}
    with time_machine.travel(datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC)):
        retention.apply_retention()
    raised.refresh_from_db()
    assert (raised.text, raised.reply) == ("", "")
    assert raised.category == "respect"
