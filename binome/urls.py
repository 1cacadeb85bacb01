from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from binome import views
from binome.accounts import views as accounts_views
from binome.api import views as api_views
from binome.api.api import api
from binome.insights import views as insights_views

admin.site.site_header = _("Binôme administration")
admin.site.site_title = _("Binôme")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", views.home, name="home"),
    path("compte/jetons-api/", include("binome.api.urls")),
    # « Mes données » (compte/donnees/…) and the GDPR pages (confidentialite/…).
    path("", include("binome.privacy.urls")),
    path("compte/", include("binome.people.urls")),
    path("compte/", include("binome.accounts.urls")),
    path("compte/", include("binome.accounts.allauth_urls")),
    path(
        "programmes/<slug:slug>/appariement/<int:number>/publier/",
        views.publish_round,
        name="publish_round",
    ),
    path(
        "programmes/<slug:slug>/sante/",
        insights_views.programme_health,
        name="programme_health",
    ),
    path("programmes/", include("binome.programs.urls")),
    path("programmes/", include("binome.matching.urls")),
    path("binomes/", include("binome.pairs.urls")),
    path("indicateurs/", include("binome.insights.urls")),
    path("api/v1/", api.urls),
    # Anything else under /api/v1/ gets the API's JSON 404.
    re_path(r"^api/v1/", api_views.not_found),
    # Django's language switch, also saved on the account.
    path("i18n/setlang/", accounts_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Health check (/sante/) and Prometheus metrics (/metriques/).
    path("", include("binome.ops.urls")),
]
