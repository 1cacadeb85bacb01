"""URLs of the matching pages, under /programmes/ as before the move."""

from django.urls import path

from . import views

app_name = "matching"

urlpatterns = [
    path("inscriptions/<int:pk>/cafe/", views.coffee, name="coffee"),
    path(
        "inscriptions/<int:pk>/cafe/demander/",
        views.coffee_request,
        name="coffee_request",
    ),
    path(
        "inscriptions/<int:pk>/cafe/<int:chat_pk>/reponse/",
        views.coffee_answer,
        name="coffee_answer",
    ),
    path(
        "inscriptions/<int:pk>/cafe/<int:chat_pk>/avis/",
        views.coffee_verdict,
        name="coffee_verdict",
    ),
    path("<slug:slug>/appariement/", views.round_list, name="rounds"),
    path("<slug:slug>/appariement/lancer/", views.round_start, name="round_start"),
    path("<slug:slug>/appariement/<int:number>/", views.round_detail, name="round"),
    path(
        "<slug:slug>/appariement/<int:number>/action/",
        views.round_action,
        name="round_action",
    ),
    path(
        "<slug:slug>/appariement/<int:number>/comparer/<int:other>/",
        views.round_compare,
        name="round_compare",
    ),
]
