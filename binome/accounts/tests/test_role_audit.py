"""Roles given or taken in the administration are written to the audit log."""

from types import SimpleNamespace

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Group

from binome.accounts.models import AuditEvent, User
from binome.programs.models import Programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_request(rf):
    request = rf.post("/admin/")
    request.user = User.objects.create_superuser(
        "root@test.example", "un-mot-de-passe-solide"
    )
    return request


def role_events():
    return [
        (e.target, e.details, e.actor and e.actor.email)
        for e in AuditEvent.objects.filter(action="role_change").order_by("pk")
    ]


def test_staff_and_superuser_flags_are_audited(admin_request, people):
    camille = people["camille"].user
    model_admin = site._registry[User]
    camille.is_staff = True
    model_admin.save_model(admin_request, camille, form=None, change=True)
    camille.is_staff = False
    camille.is_active = False
    model_admin.save_model(admin_request, camille, form=None, change=True)
    target = f"user:{camille.pk}"
    assert role_events() == [
        (target, {"role": "is_staff", "change": "granted"}, "root@test.example"),
        (target, {"role": "is_active", "change": "revoked"}, "root@test.example"),
        (target, {"role": "is_staff", "change": "revoked"}, "root@test.example"),
    ]


def test_saving_without_a_change_writes_nothing(admin_request, people):
    camille = people["camille"].user
    site._registry[User].save_model(admin_request, camille, form=None, change=True)
    assert role_events() == []


def test_groups_are_audited(admin_request, people):
    camille = people["camille"].user
    hr = Group.objects.create(name="RH")
    form = SimpleNamespace(instance=camille, save_m2m=lambda: camille.groups.add(hr))
    site._registry[User].save_related(admin_request, form, [], change=True)
    assert role_events() == [
        (
            f"user:{camille.pk}",
            {"role": "group:RH", "change": "granted"},
            "root@test.example",
        )
    ]


def test_programme_managers_panel_and_sponsors_are_audited(
    admin_request, pilot, people
):
    odile, victor = people["odile"].user, people["victor"].user

    def change():
        pilot.managers.remove(odile)
        pilot.sponsors.add(victor)
        pilot.panel.add(victor)

    form = SimpleNamespace(instance=pilot, save_m2m=change)
    site._registry[Programme].save_related(admin_request, form, [], change=True)
    details = sorted((d["role"], d["user"], d["change"]) for _t, d, _a in role_events())
    assert details == [
        ("manager", odile.pk, "revoked"),
        ("panel", victor.pk, "granted"),
        ("sponsor", victor.pk, "granted"),
    ]
    assert {t for t, _d, _a in role_events()} == {"programme:pilote"}
