"""The production settings for the server processes of the tests
(binome/tests/servers.py), with one difference: static files are not
collected first (``collectstatic`` compresses 34 MB, twenty seconds), so
templates name them without the manifest's hashes. Everything else, DEBUG
off included, is binome.settings as the environment sets it."""

from binome.settings import *  # noqa: F403
from binome.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
