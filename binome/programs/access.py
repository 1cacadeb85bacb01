"""Access helpers shared by the apps above programs (pairs, insights, project views)."""

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from .models import Programme


def managed_programme_or_404(request: HttpRequest, slug: str) -> Programme:
    """The programme if the user manages it; 404 otherwise, so slugs can't be probed."""
    return get_object_or_404(Programme.objects.managed_by(request.user), slug=slug)
