from django.urls import path

from . import views

app_name = "ops"

urlpatterns = [
    path("sante/", views.sante, name="health"),
    path("metriques/", views.metriques, name="metrics"),
]
