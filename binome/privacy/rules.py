"""Who may export or erase a person's data (django-rules).

The person themself, or a superuser acting for them. Everyone else gets a
404 from the views, never a 403: no hint that the account exists.
"""

from __future__ import annotations

from typing import Any

import rules


@rules.predicate
def is_self(user: Any, target: Any) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and target is not None
        and user.pk == target.pk
    )


rules.add_perm("privacy.export_person_data", is_self | rules.is_superuser)
rules.add_perm("privacy.erase_person", is_self | rules.is_superuser)
# The administrators' pages: search the HR file and the accounts, act for a
# person of the HR file who may have no account, the retention policy.
rules.add_perm("privacy.manage_personal_data", rules.is_superuser)
