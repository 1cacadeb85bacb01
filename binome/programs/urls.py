from django.urls import path

from . import journey, views

app_name = "programs"

urlpatterns = [
    # Participants
    path("", journey.programme_list, name="list"),
    path("nouveau/", views.programme_create, name="create"),
    path("rejoindre/<str:token>/", journey.join_by_invitation, name="join"),
    path("invitation/<str:token>/", journey.personal_invitation, name="invitation"),
    path("inscriptions/<int:pk>/", journey.journey_overview, name="journey"),
    path("inscriptions/donnees-rh/", journey.my_corrections, name="my_corrections"),
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
    path("<slug:slug>/reglages/", views.programme_edit, name="edit"),
    path("<slug:slug>/dupliquer/", views.programme_clone, name="clone"),
    path("<slug:slug>/statut/", views.programme_status, name="status"),
    path("<slug:slug>/import/", views.import_people, name="import"),
    path("<slug:slug>/import/<int:pk>/", views.import_preview, name="import_preview"),
    path(
        "<slug:slug>/import/modele.<str:file_format>",
        views.import_template,
        name="import_template",
    ),
    path("<slug:slug>/volontaires/", views.enrolments, name="enrolments"),
    path(
        "<slug:slug>/volontaires/<int:pk>/action/",
        views.enrolment_action,
        name="enrolment_action",
    ),
    path("<slug:slug>/casting/", views.casting, name="casting"),
    path("<slug:slug>/casting/<int:pk>/", views.casting_review, name="casting_review"),
    path(
        "<slug:slug>/casting/<int:pk>/decision/",
        views.casting_decision,
        name="casting_decision",
    ),
    path("<slug:slug>/invitations/", views.invitations, name="invitations"),
    path("<slug:slug>/roles/", views.roles, name="roles"),
    path("<slug:slug>/corrections/", views.corrections, name="corrections"),
    path(
        "<slug:slug>/corrections/<int:pk>/",
        views.correction_decide,
        name="correction_decide",
    ),
    path(
        "<slug:slug>/invitations/renouveler/",
        views.revoke_invitations,
        name="revoke_invitations",
    ),
]
