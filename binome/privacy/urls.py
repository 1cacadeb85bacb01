from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    # The person's own data.
    path("compte/donnees/", views.overview, name="overview"),
    path("compte/donnees/rapport/", views.report, name="report"),
    path("compte/donnees/export.json", views.export_json, name="json"),
    path("compte/donnees/export.pdf", views.export_pdf, name="pdf"),
    path("compte/donnees/effacer/", views.erase, name="erase"),
    path("compte/donnees/effacees/", views.erased, name="erased"),
    # Administrators, acting for a person.
    path("confidentialite/", views.admin_index, name="admin_index"),
    path(
        "confidentialite/comptes/<int:user_id>/",
        views.overview,
        name="admin_overview",
    ),
    path(
        "confidentialite/comptes/<int:user_id>/rapport/",
        views.report,
        name="admin_report",
    ),
    path(
        "confidentialite/comptes/<int:user_id>/export.json",
        views.export_json,
        name="admin_json",
    ),
    path(
        "confidentialite/comptes/<int:user_id>/export.pdf",
        views.export_pdf,
        name="admin_pdf",
    ),
    path(
        "confidentialite/comptes/<int:user_id>/effacer/",
        views.erase,
        name="admin_erase",
    ),
    # Administrators, acting for a person of the HR file (account or not).
    path(
        "confidentialite/personnes/<int:person_id>/",
        views.overview,
        name="admin_person_overview",
    ),
    path(
        "confidentialite/personnes/<int:person_id>/rapport/",
        views.report,
        name="admin_person_report",
    ),
    path(
        "confidentialite/personnes/<int:person_id>/export.json",
        views.export_json,
        name="admin_person_json",
    ),
    path(
        "confidentialite/personnes/<int:person_id>/export.pdf",
        views.export_pdf,
        name="admin_person_pdf",
    ),
    path(
        "confidentialite/personnes/<int:person_id>/effacer/",
        views.erase,
        name="admin_person_erase",
    ),
]
