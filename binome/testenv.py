"""pytest plugin loaded with ``-p binome.testenv`` before pytest-django reads
the settings: it gives the test run the environment a deployment would have
(a secret key, DEBUG off) without weakening the settings file itself."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-" + "k" * 50)
os.environ.setdefault("DEBUG", "0")
# The test client speaks plain HTTP.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
