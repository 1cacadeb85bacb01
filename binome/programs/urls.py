from django.urls import path

from . import journey, views

app_name = "programs"

urlpatterns = [
    # Participants
    path("", journey.programme_list, name="list"),
    path("rejoindre/<str:token>/", journey.join_by_invitation, name="join"),
    path("inscriptions/<int:pk>/", journey.journey_overview, name="journey"),
    path("inscriptions/<int:pk>/profil/", journey.profile_step, name="profile"),
    path(
        "inscriptions/<int:pk>/profil/<slug:step>/",
        journey.profile_step,
        name="profile_step",
    ),
    path(
        "inscriptions/<int:pk>/competences/", journey.self_assessment, name="assessment"
    ),
    path("inscriptions/<int:pk>/souhaits/", journey.wishes, name="wishes"),
    path("inscriptions/<int:pk>/objectifs/", journey.goals, name="goals"),
    path(
        "inscriptions/<int:pk>/objectifs/<int:goal_pk>/supprimer/",
        journey.goal_delete,
        name="goal_delete",
    ),
    path("inscriptions/<int:pk>/preparation/", journey.preparation, name="preparation"),
    path("inscriptions/<int:pk>/retrait/", journey.withdraw, name="withdraw"),
    # Programme managers and casting panel
    path("<slug:slug>/", views.programme_detail, name="detail"),
    path("<slug:slug>/volontariat/", journey.join_open_call, name="volunteer"),
    path("<slug:slug>/casting/", views.casting, name="casting"),
    path("<slug:slug>/casting/<int:pk>/", views.casting_review, name="casting_review"),
    path(
        "<slug:slug>/casting/<int:pk>/decision/",
        views.casting_decision,
        name="casting_decision",
    ),
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path(
        "<slug:slug>/invitations/renouveler/",
        views.revoke_invitations,
        name="revoke_invitations",
    ),
]
