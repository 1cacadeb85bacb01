"""Request types for the views' annotations.

Only for type checking: Django builds the requests, these classes just say
what they carry.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from binome.accounts.models import User


class HtmxRequest(HttpRequest):
    """A request through django-htmx's middleware (in MIDDLEWARE)."""

    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """The request of a view behind @login_required (or the API's
    authentication): its user is a User, never an AnonymousUser."""

    user: User
