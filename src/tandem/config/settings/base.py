"""Settings shared by every environment. Override through environment variables.

DATABASE_URL   sqlite:///path or postgres://user@host/db  (default: SQLite under var/)
SECRET_KEY     required in production
DEBUG          "1" to enable
ALLOWED_HOSTS  comma-separated
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[4]
SRC_DIR = BASE_DIR / "src" / "tandem"
VAR_DIR = Path(os.environ.get("TANDEM_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = os.environ.get("DEBUG", "0") == "1"  # DEBUG=1 for development: never show tracebacks by default
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "tandem.core",
    "tandem.accounts",
    "tandem.people",
    "tandem.programs",
    "tandem.mentorships",
    "tandem.matching",
    "tandem.notifications",
    "tandem.audit",
    "tandem.calendars",
    "tandem.coaching",
    "tandem.assessments",
    "tandem.insights",
    "tandem.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tandem.core.security.ContentSecurityPolicyMiddleware",  # no inline script or style (core/security.py)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tandem.audit.context.AuditMiddleware",  # who / through what, for the audit trail
    "tandem.core.middleware.InputGuardMiddleware",  # NUL bytes, oversized bodies; JSON errors under /api/
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tandem.core.middleware.UserTimezoneMiddleware",
    "tandem.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "tandem.config.urls"
WSGI_APPLICATION = "tandem.config.wsgi.application"

# <select> written in Python rather than a template include per option (tandem/web/form_renderer.py)
FORM_RENDERER = "tandem.web.form_renderer.FastSelectRenderer"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "tandem.web.context_processors.navigation",
            ],
        },
    },
]

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'tandem.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets pages read while an import or a worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: PostgreSQL compiles a query whose estimated cost is high, and its estimates
    # for Tandem's grouped and recursive reads (a manager chain, inputs vs outputs) are high enough
    # that compiling took 10-20x the query (a manager-chain walk: 8 ms run, 150 ms with JIT).
    # Pages run short queries; none gains from JIT. TANDEM_PG_JIT=on turns it back on.
    _jit = "on" if os.environ.get("TANDEM_PG_JIT") == "on" else "off"
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c jit={_jit}"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Every password sign-in (the app's and /admin/login/) passes the throttle in this backend.
AUTHENTICATION_BACKENDS = ["tandem.accounts.backends.ThrottledModelBackend"]

# Single sign-on with OpenID Connect (accounts/oidc.py), on when OIDC_CLIENT_ID is set; the provider's
# endpoints come from its discovery document (/.well-known/openid-configuration). docs/deployment.md.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_USERINFO_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = "openid email"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_PROVIDER_NAME = os.environ.get("OIDC_PROVIDER_NAME", "SSO")
AUTHENTICATION_BACKENDS.append("tandem.accounts.oidc.TandemOIDCBackend")
# Failed sign-ins: LOGIN_FAILURE_LIMIT failures of a username from one address lock that pair, and
# LOGIN_FAILURE_USERNAME_LIMIT from any addresses lock the username; each lock lasts
# LOGIN_LOCK_BASE_SECONDS, doubling with every further failure up to LOGIN_LOCK_MAX_SECONDS, and
# failures are forgotten after LOGIN_FAILURE_WINDOW_SECONDS (a lock never lasts forever).
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_USERNAME_LIMIT = 20
LOGIN_LOCK_BASE_SECONDS = 60
LOGIN_LOCK_MAX_SECONDS = 60 * 60
LOGIN_FAILURE_WINDOW_SECONDS = 24 * 60 * 60
# Behind a reverse proxy: the header it puts the client's address in (e.g. X-Forwarded-For) and how
# many trusted proxies append to it. Unset: REMOTE_ADDR (never a client-supplied header).
TRUSTED_PROXY_HEADER = os.environ.get("TRUSTED_PROXY_HEADER", "")
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "1") or 1)

LANGUAGE_CODE = "en"
# en-gb: the same English texts with British dates (21/10/2026, 21 Oct 2026) — a browser asking for
# en-GB gets it, and anyone can choose it
LANGUAGES = [("en", _("English")), ("en-gb", _("English (United Kingdom)")), ("zh-hans", _("Simplified Chinese")),
             ("ru", _("Russian"))]
# our own formats where Django's do not fit a sentence (tandem/config/formats/<lang>/formats.py)
FORMAT_MODULE_PATH = ["tandem.config.formats"]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# The coaching log's library (mentorships/library_services.py): files shared in a log are kept under
# MEDIA_ROOT through the default storage and served only by a view that checks who may read the
# log (there is no public MEDIA_URL); one file may be at most this large.
LIBRARY_MAX_FILE_BYTES = int(os.environ.get("LIBRARY_MAX_FILE_BYTES", str(10 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
IMPORT_MAX_BYTES = 50 * 1024 * 1024
# Imports: the spreadsheet reader's own process is limited to this much memory and time; a running
# import gives a sign of life every IMPORT_HEARTBEAT_SECONDS and is marked failed when none came for
# IMPORT_STALE_AFTER_SECONDS (its worker died).
IMPORT_READER_MEMORY_MB = int(os.environ.get("IMPORT_READER_MEMORY_MB", "2048"))
IMPORT_READER_TIMEOUT_SECONDS = 600
IMPORT_HEARTBEAT_SECONDS = 15
IMPORT_STALE_AFTER_SECONDS = int(os.environ.get("IMPORT_STALE_AFTER_SECONDS", "300"))

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tandem@localhost")
# Where people open Tandem: links in emails start with it.
BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:8000").rstrip("/")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
