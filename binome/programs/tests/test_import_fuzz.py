"""No file, however broken, breaks the import.

The preview reads any bytes into a plan; the confirmation then either
writes exactly that plan or refuses with a ValidationError, and it refuses
only when the preview already said the file could not be read: whatever
the preview accepted, the database accepts. Through the pages, no answer
is a 5xx. Each example runs in a savepoint that is rolled back, so the
examples do not see each other's writes.
"""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings

from binome.people.models import Person
from binome.programs import imports

from .import_files import files

# Loops in the file and through K1 and K2, a refused manager, rows sharing
# an address or an employee ID.
LOOPS = (
    "matricule;prénom;nom;e-mail;matricule manager\n"
    "A1;Ana;Lopez;;A2\nA2;Léa;Roux;;A1\nK1;K;Un;;K2\nA3;Zoé;Roux;pas-un-mail;\n"
    "A4;Ève;Roux;ana@test.example;A3\nA5;Ana;Roux;ANA@test.example;K2\n"
    "A6;Léa;Lopez;bob@test.example;\nA7;Zoé;Lopez;Bob@test.example;\n"
    "A8;Ève;Lopez;;\nA8;Ève;Lopez;;\n"
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    # The database fixtures are set up once; each example rolls back its writes.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def known(org, people):
    """People the files name: K1 manages K2; Camille has no employee ID."""
    k1 = Person.objects.create(
        organisation=org, employee_id="K1", first_name="K", last_name="Un",
        email="k1@test.example",
    )  # fmt: skip
    Person.objects.create(
        organisation=org, employee_id="K2", first_name="K", last_name="Deux",
        manager=k1,
    )  # fmt: skip


def _preview_then_confirm(programme, content: bytes, name: str) -> None:
    with transaction.atomic():
        plan = imports.plan_import(content, name, programme)
        assert isinstance(plan, imports.ImportPlan)
        upload = imports.store_upload(
            programme=programme, content=content, file_name=name, by=None
        )
        try:
            written = imports.apply_import(upload=upload)
        except ValidationError as error:
            assert plan.errors, f"refused at confirmation only: {error.messages}"
        else:
            assert not plan.errors
            assert [(r.number, r.action) for r in written.rows] == [
                (r.number, r.action) for r in plan.rows
            ]
        transaction.set_rollback(True)


@FUZZ
@given(file=files())
@example(file=(imports.template_file("csv"), "modele.csv"))
@example(file=(imports.template_file("xlsx"), "modele.xlsx"))
@example(file=(LOOPS.encode("cp1252"), "rh.csv"))
@example(file=(LOOPS.replace(";", "\t").encode("utf-16"), "rh.txt"))
def test_any_file_is_previewed_then_written_or_refused(recruiting, known, file):
    _preview_then_confirm(recruiting, *file)


@FUZZ
@given(file=files())
def test_no_file_makes_the_pages_answer_5xx(client, recruiting, people, known, file):
    content, name = file
    client.force_login(people["odile"].user)
    with transaction.atomic():
        response = client.post(
            reverse("programs:import", args=["vague"]),
            {"file": SimpleUploadedFile(name or "x", content)},
        )
        assert response.status_code < 500
        if response.status_code == 302:
            preview = client.get(response["Location"])
            assert preview.status_code == 200
            confirm = client.post(response["Location"], follow=True)
            assert confirm.status_code == 200
            # The page catches any crash of the confirmation (nothing is
            # written, the user gets a message): that message must not show,
            # or the confirmation crashed on a file the preview accepted.
            assert "L'import a échoué" not in html.unescape(confirm.text)
        transaction.set_rollback(True)
