import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "binome.settings")

application = get_wsgi_application()


def _warm_up() -> None:
    """Pay the one-off costs of a web process when it starts, not on its
    first visitor's request: the URL configuration, and WeasyPrint's (the
    first PDF report of a process took about a second longer than the next
    ones; bench/report.py). Only web processes do this: commands and tests
    import neither this module nor WeasyPrint until they need it."""
    from django.urls import get_resolver

    from binome.insights.exports import warm_up

    get_resolver().url_patterns  # noqa: B018 -- imports every app's views
    try:
        warm_up()
    except Exception:  # a broken PDF set-up must not stop the site
        logging.getLogger(__name__).exception("WeasyPrint warm-up failed")


_warm_up()
