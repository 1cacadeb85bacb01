"""Access helpers shared by the views of programs and of the apps above it
(pairs, insights, project views). The rules themselves are in ``rules.py``.

Policy: a user without the permission gets **404**, whether the object exists
or not, so nobody can probe slugs or ids. That holds for participants on the
managers' pages too: a 403 would say « this page exists, but not for you »
for pages (the casting decision, the settings, the results) whose very
existence we keep to the people who use them, and it would distinguish a
panel member from an outsider. 403 is kept for the object-less permissions
whose pages every logged-in user may know about (for example the audit log).
"""

from __future__ import annotations

from typing import Any

import rules
from django.http import Http404, HttpRequest

from .models import Programme


def require(user: Any, perm: str, obj: Any = None) -> None:
    """Raise Http404 unless the user has the permission on the object."""
    if not rules.has_perm(perm, user, obj):
        raise Http404


def programme_or_404(
    request: HttpRequest, slug: str, perm: str = "programs.manage_programme"
) -> Programme:
    """The programme if the user has the permission on it; 404 otherwise,
    whether the slug exists or not."""
    programme = Programme.objects.filter(slug=slug).first()
    if programme is None:
        raise Http404
    require(request.user, perm, programme)
    return programme


def managed_programme_or_404(request: HttpRequest, slug: str) -> Programme:
    """The programme if the user manages it; 404 otherwise, so slugs can't be probed."""
    return programme_or_404(request, slug, "programs.manage_programme")
