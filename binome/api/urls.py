"""The account page that manages API tokens (the API itself is in api.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.tokens, name="api_tokens"),
    path("<int:pk>/revoquer/", views.revoke, name="api_token_revoke"),
]
