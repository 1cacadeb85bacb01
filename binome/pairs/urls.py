from django.urls import path

from . import concern_views, views

app_name = "pairs"

urlpatterns = [
    path("", views.pair_list, name="list"),
    path("rappels/", views.preferences, name="preferences"),
    path("calendrier/<str:token>.ics", views.feed, name="feed"),
    path("lexique/", views.glossary, name="glossary"),
    path(
        "lexique/<int:term_pk>/approuver/",
        views.glossary_approve,
        name="glossary_approve",
    ),
    path("ressources/", views.resources, name="resources"),
    path(
        "ressources/<int:resource_pk>/note/", views.resource_rate, name="resource_rate"
    ),
    path("suivi/<slug:slug>/", views.activity, name="activity"),
    path("<int:pk>/", views.workspace, name="workspace"),
    path("<int:pk>/signaler/", concern_views.concern_new, name="concern_new"),
    path("signalements/", concern_views.my_concerns, name="concerns"),
    path("signalements/<int:concern_pk>/", concern_views.concern, name="concern"),
    path(
        "signalements/programme/<slug:slug>/",
        concern_views.programme_concerns,
        name="programme_concerns",
    ),
    path(
        "signalements/programme/<slug:slug>/<int:concern_pk>/",
        concern_views.programme_concern,
        name="programme_concern",
    ),
    path(
        "contributions/",
        concern_views.team_contributions,
        name="team_contributions",
    ),
    path("<int:pk>/relance/", views.nudge, name="nudge"),
    path("<int:pk>/pouls/", views.checkin, name="checkin"),
    path("<int:pk>/pause/", views.pause, name="pause"),
    path("<int:pk>/pause/fin/", views.resume, name="resume"),
    path("<int:pk>/charte/", views.charter, name="charter"),
    path("<int:pk>/charte/accepter/", views.charter_accept, name="charter_accept"),
    path("<int:pk>/charte/kpi/", views.kpi_add, name="kpi_add"),
    path("<int:pk>/kpi/<int:kpi_pk>/", views.kpi_progress, name="kpi_progress"),
    path("<int:pk>/assistant/", views.assistant, name="assistant"),
    path("<int:pk>/progres/", views.progress, name="progress"),
    path(
        "<int:pk>/progres/evaluation/<slug:phase>/",
        views.reassessment,
        name="reassessment",
    ),
    path("<int:pk>/seances/", views.schedule, name="schedule"),
    path("<int:pk>/seances/planifier/", views.plan, name="plan"),
    path("<int:pk>/seances/<int:meeting_pk>/", views.meeting, name="meeting"),
    path(
        "<int:pk>/seances/<int:meeting_pk>/deplacer/",
        views.meeting_move,
        name="meeting_move",
    ),
    path(
        "<int:pk>/seances/<int:meeting_pk>/annuler/",
        views.meeting_cancel,
        name="meeting_cancel",
    ),
    path(
        "<int:pk>/seances/<int:meeting_pk>/seance.ics",
        views.meeting_ics,
        name="meeting_ics",
    ),
    path(
        "<int:pk>/seances/<int:meeting_pk>/ordre-du-jour/",
        views.agenda_add,
        name="agenda_add",
    ),
    path(
        "<int:pk>/seances/<int:meeting_pk>/ordre-du-jour/<int:item_pk>/",
        views.agenda_edit,
        name="agenda_edit",
    ),
    path(
        "<int:pk>/seances/<int:meeting_pk>/ordre-du-jour/<int:item_pk>/deplacer/",
        views.agenda_move,
        name="agenda_move",
    ),
    path(
        "<int:pk>/seances/<int:meeting_pk>/ordre-du-jour/<int:item_pk>/supprimer/",
        views.agenda_delete,
        name="agenda_delete",
    ),
    path("<int:pk>/seances/<int:meeting_pk>/notes/", views.notes, name="notes"),
    path(
        "<int:pk>/seances/<int:meeting_pk>/notes-privees/",
        views.private_note,
        name="private_note",
    ),
    path(
        "<int:pk>/seances/<int:meeting_pk>/actions/",
        views.action_add,
        name="action_add",
    ),
    path(
        "<int:pk>/seances/<int:meeting_pk>/actions/<int:item_pk>/fait/",
        views.action_toggle,
        name="action_toggle",
    ),
    path("<int:pk>/seances/<int:meeting_pk>/bilan/", views.meeting_log, name="log"),
    path("<int:pk>/seances/<int:meeting_pk>/avis/", views.feedback, name="feedback"),
]
