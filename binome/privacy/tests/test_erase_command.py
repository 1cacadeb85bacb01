import io

import pytest
from django.core.management import CommandError, call_command

from binome.accounts.models import User
from binome.people.models import Person


def test_dry_run_changes_nothing(enrolments, people):
    out = io.StringIO()
    call_command(
        "erase_person", "--email", "Bernard@test.example", "--dry-run", stdout=out
    )
    user = people["bernard"].user
    assert f"would erase user:{user.pk}; participations to end: 1" in out.getvalue()
    assert User.objects.get(pk=user.pk).is_active


def test_erases_an_account(enrolments, people):
    out = io.StringIO()
    call_command("erase_person", "--email", "bernard@test.example", stdout=out)
    assert "erased user:" in out.getvalue()
    assert not User.objects.get(pk=people["bernard"].user.pk).is_active


def test_erases_a_profile_without_account(org):
    person = Person.objects.create(
        organisation=org, first_name="Jean", last_name="Sanscompte"
    )
    call_command("erase_person", "--person", str(person.pk), stdout=io.StringIO())
    person.refresh_from_db()
    assert person.last_name == "effacée"


def test_unknown_address_is_an_error(db):
    with pytest.raises(CommandError):
        call_command("erase_person", "--email", "nobody@test.example")
