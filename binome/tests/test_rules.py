"""The rules themselves (binome/*/rules.py): who holds which permission, and
what checking them costs. The pages are covered by the permission matrix."""

import rules
from django.contrib.auth.models import AnonymousUser

from binome.pairs.models import Pair
from binome.programs.models import Programme
from binome.programs.rules import forget_roles


def test_manager_and_superuser_manage_the_programme(pilot, people, db):
    from binome.accounts.models import User

    admin = User.objects.create_superuser(email="admin@test.example", password="x")
    assert rules.has_perm("programs.manage_programme", people["odile"].user, pilot)
    assert rules.has_perm("programs.manage_programme", admin, pilot)
    for who in ("camille", "bernard", "victor", "xavier"):
        assert not rules.has_perm("programs.manage_programme", people[who].user, pilot)
    assert not rules.has_perm("programs.manage_programme", AnonymousUser(), pilot)


def test_sponsors_see_results_and_the_panel_reviews_but_neither_manages(pilot, people):
    sophie, paul = people["xavier"].user, people["victor"].user
    pilot.sponsors.add(sophie)
    pilot.panel.add(paul)
    assert rules.has_perm("programs.view_results", sophie, pilot)
    assert not rules.has_perm("programs.review_casting", sophie, pilot)
    assert rules.has_perm("programs.review_casting", paul, pilot)
    assert not rules.has_perm("programs.view_results", paul, pilot)
    for user in (sophie, paul):
        assert not rules.has_perm("programs.manage_programme", user, pilot)


def test_the_workspace_is_the_pairs_alone_even_for_superusers(pair, people, db):
    from binome.accounts.models import User

    admin = User.objects.create_superuser(email="admin@test.example", password="x")
    for who in ("camille", "bernard"):
        assert rules.has_perm("pairs.use_workspace", people[who].user, pair)
    for user in (people["odile"].user, people["ines"].user, admin):
        assert not rules.has_perm("pairs.use_workspace", user, pair)
    # Managers know the pair exists (activity), not its content.
    assert rules.has_perm("pairs.view_pair", people["odile"].user, pair)
    assert not rules.has_perm("pairs.view_pair", people["ines"].user, pair)
    # Django's shortcut: user.has_perm is True for every superuser, which is
    # why views call rules.has_perm.
    assert admin.has_perm("pairs.use_workspace", pair)


def test_only_the_mentee_chooses_an_assistant(pair, people):
    assert rules.has_perm("pairs.manage_assistant", people["bernard"].user, pair)
    assert not rules.has_perm("pairs.manage_assistant", people["camille"].user, pair)


def test_an_enrolment_is_its_persons_and_its_managers_may_view_it(enrolments, people):
    mine = enrolments["bernard"]
    assert rules.has_perm("programs.change_enrolment", people["bernard"].user, mine)
    assert rules.has_perm("programs.view_enrolment", people["odile"].user, mine)
    assert not rules.has_perm("programs.change_enrolment", people["odile"].user, mine)
    assert not rules.has_perm("programs.view_enrolment", people["camille"].user, mine)


def test_the_audit_log_is_for_superusers(people, db):
    from binome.accounts.models import User

    admin = User.objects.create_superuser(email="admin@test.example", password="x")
    assert rules.has_perm("accounts.view_audit_log", admin)
    assert not rules.has_perm("accounts.view_audit_log", people["odile"].user)


def test_checking_many_objects_costs_one_query(
    org, pilot, pair, people, django_assert_num_queries
):
    """No N+1: the user's roles are read once, then every check is free."""
    programmes = [pilot] + [
        Programme.objects.create(organisation=org, name=f"P{i}", slug=f"p{i}")
        for i in range(10)
    ]
    pairs = list(Pair.objects.all())
    odile = people["odile"].user
    forget_roles(odile)
    with django_assert_num_queries(1):
        managed = [
            p.slug
            for p in programmes
            if rules.has_perm("programs.manage_programme", odile, p)
        ]
        for p in pairs:
            rules.has_perm("pairs.use_workspace", odile, p)
    assert managed == ["pilote"]


def test_roles_are_read_again_after_forget_roles(pilot, people):
    xavier = people["xavier"].user
    assert not rules.has_perm("programs.manage_programme", xavier, pilot)
    pilot.managers.add(xavier)
    forget_roles(xavier)
    assert rules.has_perm("programs.manage_programme", xavier, pilot)
