from django.urls import path

from . import closing_views, views

app_name = "insights"

urlpatterns = [
    path("", views.index, name="index"),
    path("comparer/", views.compare, name="compare"),
    path("bilan/<int:pk>/", closing_views.survey, name="survey"),
    path(
        "certificats/<int:pk>/certificat.pdf",
        closing_views.certificate,
        name="certificate",
    ),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/recalculer/", views.refresh, name="refresh"),
    path("<slug:slug>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("<slug:slug>/export/<slug:name>.csv", views.export_csv, name="export_csv"),
    path("<slug:slug>/cloture/", closing_views.closing, name="closing"),
    path("<slug:slug>/cloture/rouvrir/", closing_views.reopen, name="reopen"),
    path(
        "<slug:slug>/cloture/talents/<int:enrolment_pk>/",
        closing_views.flag_talent,
        name="flag_talent",
    ),
]
