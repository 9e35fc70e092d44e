"""Production: a real SECRET_KEY, HTTPS only (HSTS, redirect, secure cookies), PostgreSQL in DATABASE_URL.

`python manage.py check --deploy` is clean with these defaults (tests/config/test_production.py).
Everything below can be set from the environment; docs/deployment.md explains each variable.

SECRET_KEY                      required: a long random string (a missing or dev key stops with a message)
SECURE_SSL_REDIRECT             "1" (default): plain-HTTP requests are redirected to HTTPS
SECURE_HSTS_SECONDS             Strict-Transport-Security max-age, default one year (31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS  "1" (default)
SECURE_HSTS_PRELOAD             "1" (default)
SECURE_PROXY_SSL_HEADER         behind a TLS-terminating proxy: the header it sets to "https",
                                e.g. X-Forwarded-Proto (unset: only the connection itself counts)
SECURE_COOKIES                  "1" (default): session and CSRF cookies only over HTTPS
CSRF_TRUSTED_ORIGINS            comma-separated origins, default BASE_URL's
EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL
                                SMTP for password resets and notifications (EMAIL_HOST set: SMTP)
"""

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from tandem.config.settings.base import *  # noqa: F403
from tandem.config.settings.base import BASE_URL


def _flag(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in ("1", "true", "yes", "on")


def _int(name: str, default: str) -> int:
    raw = os.environ.get(name, default).strip()
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


DEBUG = False  # never from the environment here: a production traceback page leaks settings and data

SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set: production settings need a long random secret in the SECRET_KEY "
        "environment variable (e.g. python -c \"import secrets; print(secrets.token_urlsafe(50))\")."
    )
if SECRET_KEY.startswith(("dev-only-", "django-insecure")):
    raise ImproperlyConfigured("SECRET_KEY is the development key: set a long random secret for production.")

# HTTPS only. HSTS tells browsers to refuse plain HTTP for a year; lower SECURE_HSTS_SECONDS (e.g. 3600)
# for a first roll-out, then raise it once HTTPS works everywhere: browsers remember the header.
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", "1")
SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", "31536000")
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1")
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", "1")
# A proxy that terminates TLS talks plain HTTP to gunicorn: it must say the client used HTTPS, or every
# request is redirected forever. Only set this when the proxy always sets (or strips) that header.
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")

SESSION_COOKIE_SECURE = _flag("SECURE_COOKIES", "1")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
_base = urlsplit(BASE_URL)
CSRF_TRUSTED_ORIGINS = [
    o.strip().rstrip("/")
    for o in os.environ.get("CSRF_TRUSTED_ORIGINS", f"{_base.scheme}://{_base.netloc}").split(",")
    if o.strip()
]

# Static files: hashed names (collectstatic writes the manifest), so WhiteNoise serves them with
# far-future caching and an upgrade never leaves a browser on an old script.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# E-mail: SMTP when EMAIL_HOST is set (an explicit EMAIL_BACKEND still wins).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = _int("EMAIL_PORT", "587")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", "1" if EMAIL_PORT == 587 else "0")
EMAIL_USE_SSL = _flag("EMAIL_USE_SSL", "1" if EMAIL_PORT == 465 else "0")
EMAIL_TIMEOUT = _int("EMAIL_TIMEOUT", "20")  # a hung mail server must not hold a worker for ever
if EMAIL_HOST and "EMAIL_BACKEND" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)  # noqa: F405
