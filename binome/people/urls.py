from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("mot-de-passe/", views.access_link, name="access_link"),
    path("activer/", views.activate_form, name="activate_form"),
    path("activer/<str:token>/", views.activate, name="activate"),
]
