from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("<slug:slug>/", views.programme_detail, name="detail"),
]
