"""HR rewords any e-mail in the administration, per language; a text that
would not compile, or reads what the e-mail does not carry, is refused."""

import pytest
from django.template import TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from binome.accounts import emailtexts
from binome.accounts.models import EmailText, User
from binome.accounts.notifications import notify, render_email
from binome.programs.models import PreparationStep

ADD_URL = "/admin/accounts/emailtext/add/"


@pytest.fixture
def hr_admin(client, db):
    user = User.objects.create_superuser(email="rh@test.example", password="x")
    client.force_login(user)
    return client


def _french_override(**fields):
    return EmailText.objects.create(
        template="enrolment_accepted",
        language="fr",
        subject="Bienvenue dans {{ programme }} !",
        body="Bonjour {{ name }},\n<b>C'est parti</b> : {{ url }}",
        **fields,
    )


def test_an_override_changes_the_email_in_its_language_only(smtp_server, people):
    _french_override()
    bernard = people["bernard"].user
    bernard.language = "en"
    bernard.save()
    context = {"programme": "Pilote & co", "name": "Camille", "url": "http://x/"}
    notify("enrolment_accepted", [people["camille"].user, bernard], context)

    (french,) = smtp_server.to("camille@test.example")
    assert french["Subject"] == "Bienvenue dans Pilote & co !"
    # Plain text: nothing is escaped.
    body = smtp_server.body(french).replace("\r\n", "\n")
    assert body == "Bonjour Camille,\n<b>C'est parti</b> : http://x/\n"
    (english,) = smtp_server.to("bernard@test.example")
    assert english["Subject"] == "Your participation in « Pilote & co » is confirmed"
    assert "Bienvenue" not in smtp_server.body(english)


def test_an_inactive_override_sends_the_default_text(db):
    _french_override(is_active=False)
    subject, _body = render_email("enrolment_accepted", {"programme": "P"}, "fr")
    assert subject == "Votre participation à « P » est confirmée"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("{% load static %}{% static 'x' %}", "load"),
        ('{% include "emails/invitation.txt" %}', "include"),
        ('{% extends "base.html" %}', "extends"),
        ("{% debug %}", "debug"),
        ("{% if name %}Bonjour", "endif"),
        ("Bonjour {{ name }}, mot de passe : {{ password }} {{ url }}", "password"),
        ("{{ user.email }} {{ url }}", "user"),
        ("Bonjour {{ name }}, bienvenue.", "{{ url }}"),
    ],
)
def test_a_broken_override_is_refused_in_the_admin_form(hr_admin, body, error):
    response = hr_admin.post(
        ADD_URL,
        {
            "template": "enrolment_accepted",
            "language": "fr",
            "subject": "Bienvenue",
            "body": body,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert error in " ".join(errors)
    assert not EmailText.objects.exists()


def test_an_unknown_variable_error_lists_the_ones_available(hr_admin):
    response = hr_admin.post(
        ADD_URL,
        {
            "template": "enrolment_accepted",
            "language": "fr",
            "subject": "{{ prenom }}",
            "body": "x",
        },
    )
    html = response.text
    assert "Variable(s) inconnue(s)" in html and "prenom" in html
    assert "name, programme, url" in html


def test_a_valid_override_is_saved_and_listed(hr_admin):
    for attempt in range(2):  # a double submit is refused by the constraint
        response = hr_admin.post(
            ADD_URL,
            {
                "template": "pair_published",
                "language": "en",
                "subject": "🎉 Your pair in {{ programme }}",
                "body": "{% if role == 'mentor' %}Mentor{% else %}Mentee{% endif %}"
                " {{ url }}",
                "is_active": "on",
            },
        )
        assert response.status_code == (302 if attempt == 0 else 200)
    assert EmailText.objects.get().subject == "🎉 Your pair in {{ programme }}"
    listing = hr_admin.get("/admin/accounts/emailtext/?q=pair").text
    assert "pair_published" in listing


def test_the_add_page_starts_from_the_default_text_and_shows_the_variables(
    hr_admin,
):
    html = hr_admin.get(ADD_URL).text
    assert "?template=pair_published&amp;language=fr" in html
    html = hr_admin.get(ADD_URL + "?template=pair_published&language=fr").text
    assert "Vous accompagnerez {{ partner }} dans « {{ programme }} »" in html
    assert "{{ role }}" in html and "{{ url }}" in html
    assert "rien qui charge ou inclue" in html  # what is not allowed


def test_the_admin_says_its_own_word_not_evolution_in_french(hr_admin):
    """Our catalogue translated "Change" (a column of the progress page) as
    « Évolution », which beat the admin's own « Modification » on every
    change link; the column now has its own context."""
    _french_override()
    hr_admin.post(reverse("set_language"), {"language": "fr", "next": "/"})
    step = PreparationStep.objects.all()[0]
    for url in ("/admin/", f"/admin/programs/preparationstep/{step.pk}/change/"):
        html = hr_admin.get(url).text
        assert "Évolution" not in html
    assert 'class="changelink"' in hr_admin.get("/admin/").text
    assert ">Modification<" in hr_admin.get("/admin/").text


def test_the_progress_table_still_says_evolution():
    change = "Change"  # not a literal: makemessages must not collect it here
    with translation.override("fr"):
        assert translation.pgettext("skill level", change) == "Évolution"
        assert translation.gettext(change) != "Évolution"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("count", [1, 2])
def test_the_default_written_for_hr_sends_the_same_email(db, language, count):
    context = {
        "name": "Camille",
        "count": count,
        "actions": [
            {
                "action": "Écrire <un> post & le publier",
                "partner": "Bernard",
                "due_date": "2026-12-01",
                "url": "http://x/1",
            }
        ],
    }
    default = emailtexts.editable_default("pair_actions_due", language)
    assert default is not None
    subject, body = default
    EmailText.objects.create(
        template="pair_actions_due", language=language, subject=subject, body=body
    )
    overridden = render_email("pair_actions_due", context, language)
    with translation.override(language):
        from_file = render_to_string("emails/pair_actions_due.txt", context)
    assert overridden[1] == from_file.strip() + "\n"


def test_every_emails_default_can_be_reworded(db):
    names = emailtexts.available_templates()
    assert {"invitation", "pair_published", "password_reset"} <= set(names)
    for name in names:
        for language in ("fr", "en"):
            default = emailtexts.editable_default(name, language)
            if default is None:  # « {% translate … as label %} »: source shown
                assert name.startswith("correction_")
                continue
            emailtexts.validate(name, *default)


@pytest.mark.parametrize(
    "source",
    ["{% load i18n %}", "{% url 'home' %}", "{% csrf_token %}", "{% now 'Y' %}"],
)
def test_the_restricted_engine_knows_no_other_tags(source):
    with pytest.raises(TemplateSyntaxError):
        emailtexts.compile_text(source)


def test_an_override_must_keep_the_managers_words(hr_admin):
    """A nudge's text without {{ message }} would drop what the manager wrote."""
    data = {
        "template": "pair_nudge",
        "language": "fr",
        "subject": "Des nouvelles ?",
        "body": "Bonjour {{ name }}, comment allez-vous ?",
        "is_active": "on",
    }
    response = hr_admin.post(ADD_URL, data)
    assert response.status_code == 200
    assert "{{ message }}" in " ".join(
        response.context["adminform"].form.errors["body"]
    )
    assert not EmailText.objects.exists()
    data["body"] += "\n{{ message }}\n{{ url }}"
    assert hr_admin.post(ADD_URL, data).status_code == 302
