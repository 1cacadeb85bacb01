"""Binôme settings: one file, configured by environment variables.

Secure by default: DEBUG is off unless ``DEBUG=1``, and without DEBUG the app
refuses to start with no ``SECRET_KEY``. Every variable is documented in the
README (« Variables d'environnement »).
"""

import datetime
import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from binome.accounts.sso import allowed_domains, providers_from_env
from binome.ops.logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent

# Django classes that django-stubs declares generic (ModelAdmin[Person],
# ModelForm[Person]) can then be subscripted at run time too. (django-tasks-db
# already does it when imported; the settings do not count on that.)
django_stubs_ext.monkeypatch()


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on", "oui"}:
        return True
    if lowered in {"0", "false", "no", "off", "non"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0), got {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be an integer, got {value!r}"
        ) from None


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY (50+ random characters), "
            "or DEBUG=1 for local development only."
        )
    # Only for local development: sessions do not survive a restart with a
    # different key, which is acceptable there.
    SECRET_KEY = "insecure-dev-only-" + "x" * 40

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "binome.admin_site.BinomeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "axes",
    # Login flows, TOTP second factor, single sign-on (OpenID Connect, SAML).
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    # Object permissions; imports every app's rules.py.
    "rules.apps.AutodiscoverRulesConfig",
    "binome.accounts",
    "binome.people",
    "binome.skills",
    "binome.programs",
    "binome.matching",
    "binome.pairs",
    "binome.insights",
    "binome.privacy",
    "binome.api",
    # django-ninja: its Swagger UI files are served from our static files.
    "ninja",
    "binome.demo",
    "binome.ops",
]

MIDDLEWARE = [
    # First: the request id, the request metrics and the access log see
    # every answer, redirects and static files included.
    "binome.ops.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "binome.accounts.middleware.SessionExpiryMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "binome.accounts.middleware.FrenchFirstLocaleMiddleware",
    "binome.accounts.middleware.AuditDenialsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "binome.accounts.middleware.RequireMfaMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "binome.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "binome.context_processors.roles",
            ],
        },
    },
]

WSGI_APPLICATION = "binome.wsgi.application"

# SQLite by default (the demo); DATABASE_URL switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the lock instead of failing when the worker and the web
    # process write at the same time.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTHENTICATION_BACKENDS = [
    # First: refuses any login while an account or address is locked out.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, plus the lookups allauth's login flows need.
    "allauth.account.auth_backends.AuthenticationBackend",
    # Object permissions defined in each app's rules.py (django-rules).
    "rules.permissions.ObjectPermissionBackend",
]
# Lockout after repeated failures, per account and address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# allauth's login form posts the email address in the "login" field; the
# callable also reads it from the credentials of allauth and of the admin login.
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "binome.accounts.audit.attempted_username"

# django-allauth: email login, no self-service signup (accounts come from HR,
# imports or single sign-on), password reset stays Django's (people:access_link).
ACCOUNT_ADAPTER = "binome.accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "binome.accounts.forms.EmailLoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_LOGOUT_REDIRECT_URL = LOGOUT_REDIRECT_URL
# Failed passwords are throttled by django-axes (audited, per account and
# address); allauth's own limit stays as a backstop and guards second-factor
# codes. No per-address limits: a whole company may share one address.
# « Première connexion / mot de passe oublié » (people:access_link): a few
# links per address and per hour, so that nobody floods a mailbox; the
# per-network limit is loose, a whole company may share one address.
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": "10/15m/key",
    "reset_password": "100/h/ip,5/h/key",
}
# How long an activation link works (people of the HR file without an account).
ACCOUNT_ACTIVATION_DAYS = env_int("ACCOUNT_ACTIVATION_DAYS", 14)
# How long a personal invitation link works (a reminder sends a fresh one).
INVITATION_LINK_DAYS = env_int("INVITATION_LINK_DAYS", 30)
# TOTP second factor with recovery codes; MFA_REQUIRED_FOR_STAFF=1 makes it
# mandatory for administrators (is_staff).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = os.environ.get("MFA_TOTP_ISSUER", "Binôme")
# Addresses are set by HR or the identity provider, not typed by the user.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF")
# Single sign-on: configured by the SSO_* variables only (binome/accounts/sso.py).
SOCIALACCOUNT_ADAPTER = "binome.accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_PROVIDERS = providers_from_env(os.environ)
SSO_ALLOWED_DOMAINS = allowed_domains(os.environ)
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False  # linking is our adapter's decision
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("SSO_REQUESTS_TIMEOUT", 10)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

_VALIDATORS = "django.contrib.auth.password_validation."
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": _VALIDATORS + "UserAttributeSimilarityValidator"},
    {
        "NAME": _VALIDATORS + "MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": _VALIDATORS + "CommonPasswordValidator"},
    {"NAME": _VALIDATORS + "NumericPasswordValidator"},
]

# Internationalisation: French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates on the 24-hour clock (binome/formats/en/formats.py).
FORMAT_MODULE_PATH = ["binome.formats"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# collectstatic writes a .gz and a .br beside each file (for nginx's
# gzip_static, or WhiteNoise). Source maps, which only browsers' developer
# tools fetch, are left alone: compressing them (brotli is slow) took half of
# collectstatic's time, 36 s on 2 busy cores (test_production_smoke.py).
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

# Background work: django.tasks with the database queue (`manage.py db_worker`),
# or Celery with Redis: TASKS_BACKEND=binome.tasks_celery.CeleryBackend and a
# `celery -A binome worker` process; the task code is the same.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")

# The cache holds what every server process must count together: the rate
# limits (links per address, failed logins), the second-factor codes already
# used, the single sign-on tokens already seen. In Redis with
# CACHE_URL=redis://…; otherwise in the database, in the table binome_cache
# that `migrate` creates (binome.accounts.models.CacheEntry). No server keeps
# any of it in its own memory (README « Plusieurs serveurs »).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
        }
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "binome_cache",
            # Past this many rows, a write deletes the expired ones and, if
            # still too many, a third of the others: counters too (Django's
            # default, 300, is reached by one morning of invitations).
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    )
}
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Email (Django 6.1 MAILERS). The console backend prints emails in DEBUG.
_email_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_email_options: dict[str, object] = {}
if _email_backend == "django.core.mail.backends.smtp.EmailBackend":
    _email_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS"),
    }
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
# The public address of this server, for links in emails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "binome@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security. Strict CSP everywhere: no inline script or style, no CDN.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Sessions in the database, shared by every server process; not "cached_db":
# an erasure (binome.privacy) or the retention purge deletes the rows, and a
# copy left in the cache would keep such a session alive.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
# Idle and absolute limits of a session (seconds), enforced by our middleware.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 60 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 10 * 3600)
CSRF_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # A load balancer probes the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^sante/$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
if env_bool("BEHIND_PROXY"):
    # Only behind a reverse proxy that sets these headers itself
    # (deploy/nginx/binome.conf): the scheme, and the client's address.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    MIDDLEWARE.insert(0, "binome.accounts.middleware.ForwardedForMiddleware")

# GDPR (binome.privacy): who to contact, and how long each category of data is
# kept, in days (0 = never deleted automatically). See « Sécurité et RGPD ».
PRIVACY_DPO_CONTACT = os.environ.get("PRIVACY_DPO_CONTACT", "")
PRIVACY_RETENTION_DAYS = {
    category: env_int(f"RETENTION_{category.upper()}_DAYS", days)
    for category, days in {
        "sessions": 1,
        "login_attempts": 90,
        "audit_log": 365,
        "admin_log": 365,
        "task_results": 30,
        "import_files": 30,
        "sent_reminders": 180,
        "closed_programmes": 730,
        "inactive_accounts": 1095,
    }.items()
}
# Whether a person's export includes the casting grids about them (scores and
# comments; never the assessor's name).
PRIVACY_EXPORT_CASTING_REVIEWS = env_bool("PRIVACY_EXPORT_CASTING_REVIEWS", True)

# Dashboards: from this many pairs on, a programme's dashboard is served from
# a snapshot that the refresh_dashboards task computes again in the
# background; a page computes it itself when it is older than MAX_AGE seconds
# (at least twice the interval of the task: every 5 minutes, 900 s).
INSIGHTS_SNAPSHOT_MIN_PAIRS = env_int("INSIGHTS_SNAPSHOT_MIN_PAIRS", 500)
INSIGHTS_SNAPSHOT_MAX_AGE = env_int("INSIGHTS_SNAPSHOT_MAX_AGE", 900)

# A matching round, or a task of the database queue, that has shown no sign of
# life for this many seconds lost its worker: `manage.py reap_stale_work`
# (every minute) marks the round failed and requeues or fails the task. The
# worker writes a heartbeat eight times per period (at most every 15 s).
MATCHING_HEARTBEAT_TIMEOUT = env_int("MATCHING_HEARTBEAT_TIMEOUT", 120)

# Operations (binome.ops): health check, metrics, logs.
# /sante/ says « degraded » when the oldest waiting task has waited longer.
HEALTH_MAX_TASK_WAIT = env_int("HEALTH_MAX_TASK_WAIT", 900)
# Bearer token of /metriques/ (Prometheus); unset, the page does not exist.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# LOG_FORMAT=json: one JSON object per line, with the request id.
LOGGING = logging_config(
    os.environ.get("LOG_FORMAT", "text").strip() or "text",
    os.environ.get("LOG_LEVEL", "INFO"),
)
