"""Which database constraint refused a row, on SQLite and on PostgreSQL.

``pytest.raises(IntegrityError, match=violates(Person, "person_level_range"))``

PostgreSQL names the constraint in every message. SQLite names a check
constraint too, but reports a unique constraint by its columns
(« UNIQUE constraint failed: people_person.organisation_id,
people_person.email »), so the pattern accepts either wording of the one
constraint, and nothing else.
"""

from __future__ import annotations

import re

from django.db import models


def violates(model: type[models.Model], name: str) -> str:
    """A regex matching the IntegrityError of ``model``'s constraint ``name``.

    Raises LookupError when the model has no constraint of that name, so a
    misspelt name fails the test instead of matching nothing in particular.
    """
    constraint = next((c for c in model._meta.constraints if c.name == name), None)
    if constraint is None:
        raise LookupError(f"{model.__name__} has no constraint {name!r}")
    if isinstance(constraint, models.CheckConstraint):
        return (
            rf'violates check constraint "{re.escape(name)}"'
            rf"|CHECK constraint failed: {re.escape(name)}$"
        )
    if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
        table = model._meta.db_table
        fields = [model._meta.get_field(field) for field in constraint.fields]
        columns = ", ".join(
            f"{table}.{field.column}"
            for field in fields
            if isinstance(field, models.Field)
        )
        return (
            rf'violates unique constraint "{re.escape(name)}"'
            rf"|UNIQUE constraint failed: {re.escape(columns)}$"
        )
    # The project has no other kind (a unique constraint on expressions, an
    # exclusion constraint); their messages were never checked here.
    raise NotImplementedError(f"no pattern for {type(constraint).__name__} {name!r}")
