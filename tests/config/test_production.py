"""The production settings: `check --deploy` clean, a readable error for a missing secret, and the
documented set-up (docs/deployment.md) really serving HTTPS-only pages under gunicorn."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANAGE = str(ROOT / "manage.py")
PRODUCTION = "tandem.config.settings.production"


def _env(tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
           and not k.startswith("SECURE_")}
    env.update(DJANGO_SETTINGS_MODULE=PRODUCTION, TANDEM_VAR_DIR=str(tmp_path / "var"), PYTHONDONTWRITEBYTECODE="1")
    env.update(extra)
    return env


def _manage(tmp_path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, MANAGE, *args], cwd=ROOT, env=_env(tmp_path, **extra),
                          capture_output=True, text=True, timeout=300)


def _setting(tmp_path, name: str, **extra: str) -> str:
    code = f"import django; django.setup(); from django.conf import settings; print(repr(settings.{name}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(tmp_path, PYTHONPATH=str(ROOT / "src"), **extra),
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


KEY = secrets.token_urlsafe(50)


def test_check_deploy_is_clean_with_the_production_defaults(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", SECRET_KEY=KEY)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_a_missing_secret_key_stops_with_one_readable_line_and_no_traceback(tmp_path):
    result = _manage(tmp_path, "check", "--deploy")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "SECRET_KEY is not set" in lines[0], result.stderr
    assert result.stdout == ""


def test_the_development_key_is_refused_in_production(tmp_path):
    result = _manage(tmp_path, "check", SECRET_KEY="dev-only-insecure-key-change-me")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "development key" in result.stderr


def test_a_bad_number_in_the_environment_names_the_variable(tmp_path):
    result = _manage(tmp_path, "check", SECRET_KEY=KEY, SECURE_HSTS_SECONDS="a year")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "SECURE_HSTS_SECONDS must be a whole number" in result.stderr


def test_https_settings_default_on_and_the_proxy_header_comes_from_the_environment(tmp_path):
    assert _setting(tmp_path, "SECURE_SSL_REDIRECT", SECRET_KEY=KEY) == "True"
    assert _setting(tmp_path, "SECURE_HSTS_SECONDS", SECRET_KEY=KEY) == "31536000"
    assert _setting(tmp_path, "SESSION_COOKIE_SECURE", SECRET_KEY=KEY) == "True"
    assert _setting(tmp_path, "SECURE_PROXY_SSL_HEADER", SECRET_KEY=KEY) == "None"
    assert _setting(tmp_path, "SECURE_PROXY_SSL_HEADER", SECRET_KEY=KEY,
                    SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto") == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert _setting(tmp_path, "CSRF_TRUSTED_ORIGINS", SECRET_KEY=KEY,
                    BASE_URL="https://tandem.example.com/") == "['https://tandem.example.com']"
    assert _setting(tmp_path, "EMAIL_BACKEND", SECRET_KEY=KEY, EMAIL_HOST="smtp.example.com") == \
        "'django.core.mail.backends.smtp.EmailBackend'"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _get(url: str, headers: dict[str, str]):
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(urllib.request.Request(url, headers=headers), timeout=10)
    except urllib.error.HTTPError as exc:  # 3xx/4xx: still a response with headers
        return exc


def test_gunicorn_serves_the_production_site_https_only_behind_a_tls_proxy(tmp_path):
    # given: the documented set-up — collectstatic, then gunicorn on tandem.config.wsgi behind a proxy
    # that says X-Forwarded-Proto: https (SQLite here: the login page needs no table)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.skip("gunicorn is not installed (requirements.txt)")
    env = _env(tmp_path, SECRET_KEY=KEY, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
               ALLOWED_HOSTS="tandem.example.com", PYTHONPATH=str(ROOT / "src"))
    collected = subprocess.run([sys.executable, MANAGE, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env,
                               capture_output=True, text=True, timeout=300)
    assert collected.returncode == 0, collected.stderr
    port = _free_port()
    server = subprocess.Popen([str(gunicorn), "tandem.config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
                               "--timeout", "60", "--forwarded-allow-ips", "127.0.0.1"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    host = {"Host": "tandem.example.com"}
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, server.stdout and server.stdout.read()
                time.sleep(0.3)

        # when: a client reaches it over plain HTTP
        plain = _get(f"{base}/accounts/login/", host)
        # then: it is sent to HTTPS
        assert plain.status == 301 and plain.headers["Location"] == "https://tandem.example.com/accounts/login/"

        # when: through the TLS proxy
        page = _get(f"{base}/accounts/login/", {**host, "X-Forwarded-Proto": "https"})
        html = page.read().decode()
        # then: the page, with HSTS, the CSP and secure cookies, and hashed static files
        assert page.status == 200, html[:500]
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Frame-Options"] == "DENY"
        cookies = page.headers.get_all("Set-Cookie") or []
        assert cookies and all("Secure" in c for c in cookies), cookies
        assert "/static/tandem/tandem." in html and "tandem/tandem.js" not in html  # tandem.<hash>.js
        script = html.split('src="/static/tandem/tandem.', 1)[1].split('"', 1)[0]
        static = _get(f"{base}/static/tandem/tandem.{script}", {**host, "X-Forwarded-Proto": "https"})
        assert static.status == 200 and "immutable" in static.headers["Cache-Control"]

        # an unknown host is refused, not served
        assert _get(f"{base}/accounts/login/", {"Host": "evil.example", "X-Forwarded-Proto": "https"}).status == 400
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
