"""django-allauth's URLs, mounted under /compte/ after ours.

A few of its pages duplicate ours; their paths are taken over here (the first
matching pattern wins) so that allauth's internal links, which reverse its own
names, land on our pages: one login page, one password reset.
"""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path(
        "login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
    ),
    path(
        "password/reset/",
        RedirectView.as_view(pattern_name="people:access_link"),
    ),
    # Addresses are managed by HR or the identity provider, not by the person.
    path("email/", RedirectView.as_view(pattern_name="accounts:profile")),
    # People who log in by single sign-on have no password, and must not be
    # able to add one: switching them off at the identity provider must be
    # enough to shut them out.
    path("password/set/", RedirectView.as_view(pattern_name="accounts:profile")),
    path("", include("allauth.urls")),
]
