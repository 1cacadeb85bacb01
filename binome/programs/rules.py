"""Who may do what on a programme and an enrolment (django-rules).

Roles on a programme are rows of three many-to-many tables (managers, panel,
sponsors), and the organisation's HR administrators manage all its
programmes; a participant is a person with an enrolment. ``roles_of(user)``
reads all of them in **one** query and keeps the answer on the user object
for the rest of the request, so checking a permission on every row of a list
costs no query at all (no N+1). Superusers manage every programme, as
``Programme.objects.managed_by`` says.

Views call ``rules.has_perm(name, user, obj)`` (see ``access.py``), never
``user.has_perm``: Django grants every permission to an active superuser
before asking any backend, and some permissions (the pair workspace) must not
go to superusers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import rules
from django.db.models import CharField, Value

from .models import Enrolment, Programme

_CACHE = "_binome_roles"


@dataclass(frozen=True)
class Roles:
    """The ids a user holds a role on; empty for anonymous users."""

    managed: frozenset[int] = frozenset()
    panel: frozenset[int] = frozenset()
    sponsored: frozenset[int] = frozenset()
    enrolments: frozenset[int] = frozenset()


NO_ROLES = Roles()


def roles_of(user: Any) -> Roles:
    """The programmes a user manages, reviews or sponsors and their enrolments,
    in one query, cached on the user object (that is, for one request)."""
    if user is None or not user.is_authenticated:
        return NO_ROLES
    cached: Roles | None = getattr(user, _CACHE, None)
    if cached is not None:
        return cached

    def ids(model: Any, kind: str, column: str, **filters: Any) -> Any:
        # No ORDER BY: the models' default ordering is not allowed in a UNION.
        return (
            model.objects.filter(**filters)
            .order_by()
            .values_list(column, Value(kind, output_field=CharField()))
        )

    rows = ids(Programme.managers.through, "m", "programme_id", user_id=user.pk).union(
        ids(Programme.panel.through, "p", "programme_id", user_id=user.pk),
        ids(Programme.sponsors.through, "s", "programme_id", user_id=user.pk),
        ids(Enrolment, "e", "pk", person__user_id=user.pk),
        # The organisation's HR administrators manage all its programmes.
        ids(Programme, "m", "pk", organisation__administrators=user.pk),
        all=True,
    )
    found: dict[str, set[int]] = {"m": set(), "p": set(), "s": set(), "e": set()}
    for pk, kind in rows:
        found[kind].add(pk)
    roles_ = Roles(
        managed=frozenset(found["m"]),
        panel=frozenset(found["p"]),
        sponsored=frozenset(found["s"]),
        enrolments=frozenset(found["e"]),
    )
    setattr(user, _CACHE, roles_)
    return roles_


def forget_roles(user: Any) -> None:
    """Drop the cached roles, after a change of role in the same request."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


# --- Predicates on a Programme ---------------------------------------------------


@rules.predicate
def manages_programme(user: Any, programme: Programme | None) -> bool:
    return programme is not None and programme.pk in roles_of(user).managed


@rules.predicate
def sits_on_panel(user: Any, programme: Programme | None) -> bool:
    return programme is not None and programme.pk in roles_of(user).panel


@rules.predicate
def sponsors_programme(user: Any, programme: Programme | None) -> bool:
    return programme is not None and programme.pk in roles_of(user).sponsored


is_programme_manager = rules.is_superuser | manages_programme


@rules.predicate
def manages_any_programme(user: Any) -> bool:
    return bool(roles_of(user).managed)


@rules.predicate
def administers_organisation(user: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.administered_organisations.exists()
    )


# --- Predicates on an Enrolment ----------------------------------------------


@rules.predicate
def is_enrolled_person(user: Any, enrolment: Enrolment | None) -> bool:
    return enrolment is not None and enrolment.pk in roles_of(user).enrolments


@rules.predicate
def manages_enrolment_programme(user: Any, enrolment: Enrolment | None) -> bool:
    if enrolment is None:
        return False
    return user.is_superuser or enrolment.programme_id in roles_of(user).managed


# --- Permissions ---------------------------------------------------------------

rules.add_perm("programs.manage_programme", is_programme_manager)
# Sponsors see aggregates only: views check manage_programme before any name.
rules.add_perm("programs.view_results", is_programme_manager | sponsors_programme)
rules.add_perm("programs.review_casting", is_programme_manager | sits_on_panel)
rules.add_perm(
    "programs.view_enrolment", is_enrolled_person | manages_enrolment_programme
)
rules.add_perm("programs.change_enrolment", is_enrolled_person)
# No object: managers of any programme, the organisation's HR administrators,
# staff and superusers create programmes
# (in their organisation; see views._organisation_for_creator).
rules.add_perm(
    "programs.create_programme",
    rules.is_superuser
    | rules.is_staff
    | manages_any_programme
    | administers_organisation,
)
