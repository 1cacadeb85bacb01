"""What the navigation needs to know about the user, computed once per request
and only when a template asks."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from binome.programs.models import Programme


def roles(request: HttpRequest) -> dict[str, Any]:
    def sees_results() -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        return (
            Programme.objects.managed_by(user).exists()
            or Programme.objects.sponsored_by(user).exists()
        )

    return {"sees_results": SimpleLazyObject(sees_results)}
