"""The import pages: the template to download, the preview's warnings and
encoding, and a confirmation that writes everything or nothing, once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse

from binome.accounts import audit
from binome.accounts.models import AuditEvent
from binome.people.models import Department, Person, Site
from binome.programs import imports
from binome.programs.models import Enrolment, PeopleImport

from .test_import import CSV


def _post_file(client, content, name="rh.csv"):
    response = client.post(
        reverse("programs:import", args=["vague"]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )
    assert response.status_code == 302, response.content
    return response["Location"]


def _nothing_written(before):
    assert Person.objects.count() == before
    assert not Department.objects.filter(name="Achats").exists()
    assert not Site.objects.filter(name="Nantes").exists()
    assert not Enrolment.objects.exists()
    assert PeopleImport.objects.get().applied_at is None
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).exists()


@pytest.mark.parametrize(
    ("file_format", "content_type"),
    [
        ("csv", "text/csv; charset=utf-8"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ],
)
def test_the_template_is_downloaded_from_the_import_page(
    login, recruiting, people, file_format, content_type
):
    client = login(people["odile"])
    page = client.get(reverse("programs:import", args=["vague"]))
    url = reverse("programs:import_template", args=["vague", file_format])
    assert f'href="{url}"' in page.text
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="modele-import-binome.{file_format}"'
    )
    assert response.content == imports.template_file(file_format)


def test_an_unknown_template_format_is_404(login, recruiting, people):
    client = login(people["odile"])
    url = reverse("programs:import_template", args=["vague", "pdf"])
    assert client.get(url).status_code == 404


def test_the_preview_says_the_encoding_and_shows_warnings_apart(
    login, recruiting, people
):
    text = (
        "matricule;prénom;nom;e-mail;langues\n"
        "W1;Léa;Martin;;fr|klingon\n"
        "W2;Zoé;Roux;pas-un-mail;fr\n"
    )
    client = login(people["odile"])
    preview = client.get(_post_file(client, text.encode("cp1252")))
    html = preview.text
    assert "Encodage lu : Windows-1252" in html
    warned = html.index("Lignes importées avec un avertissement")
    rejected = html.index("Lignes rejetées")
    # Said in words, not only in colour, each in its own table.
    assert (
        "<strong>Avertissement :</strong> pas d&#x27;adresse e-mail : cette personne "
        "pourra être appariée mais pas invitée ; langue inconnue « klingon », ignorée"
    ) in html[warned:]
    assert "Rejetée :</strong> « pas-un-mail » n&#x27;est pas" in html[rejected:warned]
    assert "Avec avertissement</dt><dd>1</dd>" in html


def test_a_failure_during_the_confirmation_writes_nothing_and_says_so(
    login, recruiting, people, monkeypatch
):
    def refuse(*args, **kwargs):
        raise IntegrityError("enrolment_unique_role")

    before = Person.objects.count()
    client = login(people["odile"])
    url = _post_file(client, CSV.encode())
    # The last write of the import fails: everything before it is undone.
    monkeypatch.setattr(Enrolment.objects, "bulk_create", refuse)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain == [(url, 302)]
    assert "rien n&#x27;a donc été importé" in response.text
    assert "Confirmer l'import" in response.text  # it can be tried again
    _nothing_written(before)


def test_an_unexpected_error_is_no_500_and_writes_nothing(
    login, recruiting, people, monkeypatch, caplog
):
    def crash(*args, **kwargs):
        raise RuntimeError("the audit log is down")

    before = Person.objects.count()
    client = login(people["odile"])
    url = _post_file(client, CSV.encode())
    monkeypatch.setattr(audit, "record", crash)
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "L&#x27;import a échoué et rien n&#x27;a été importé" in response.text
    assert "import %s failed" in [r.msg for r in caplog.records]
    _nothing_written(before)


def test_confirming_twice_imports_once_and_says_it_kindly(login, recruiting, people):
    client = login(people["odile"])
    url = _post_file(client, CSV.encode())
    first = client.post(url)
    assert first["Location"] == reverse("programs:invitations", args=["vague"])
    counts = (Person.objects.count(), Enrolment.objects.count())
    second = client.post(url, follow=True)
    assert second.redirect_chain == [(url, 302)]
    assert (Person.objects.count(), Enrolment.objects.count()) == counts
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1
    html = second.text
    assert '<li class="message info">Ce fichier a déjà été importé.</li>' in html
    assert "Voir les volontaires" in html and "Confirmer l'import" not in html
