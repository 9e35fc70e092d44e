"""The sign-in throttle covers every login path, keys on the real client address behind a trusted
proxy only, and locks with a backoff that expires (issue 13)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone

from tandem.accounts import services
from tandem.accounts.models import LoginFailure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(client, username, password, ip="10.0.0.1", **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def admin_login(client, username, password, ip="10.0.0.1"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def age_failures(seconds):
    LoginFailure.objects.update(at=timezone.now() - timedelta(seconds=seconds))


@pytest.fixture
def boss(db):
    return User.objects.create_superuser("boss", "boss@example.com", "pw-123456")


def test_the_back_office_login_is_throttled_like_the_app(client, boss, settings):
    # given the limit of wrong passwords at /admin/login/
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert admin_login(client, "boss", "nope").status_code == 200
    # when the right password follows
    response = admin_login(client, "boss", "pw-123456")
    # then the back office refuses it and says why
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many failed sign-ins" in response.content.decode()


def test_failures_at_the_back_office_count_for_the_app_login_and_back(client, boss, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        admin_login(client, "boss", "nope")
    login(client, "boss", "nope")
    assert "Too many failed sign-ins" in login(client, "boss", "pw-123456").content.decode()
    assert "_auth_user_id" not in client.session


def test_the_username_is_not_case_sensitive_for_the_throttle(client, settings):
    UserFactory(username="ann")
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "ANN" if i % 2 else "Ann", "nope")
    assert services.login_is_locked(username="ann", ip_address="10.0.0.1")


def test_a_forwarded_for_header_is_ignored_unless_a_trusted_proxy_is_configured(client, settings):
    # given no trusted proxy: an attacker cannot dodge the lock by inventing addresses
    settings.TRUSTED_PROXY_HEADER = ""
    UserFactory(username="ann")
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "ann", "nope", ip="10.0.0.9", HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    response = login(client, "ann", "pw-123456", ip="10.0.0.9", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert "Too many failed sign-ins" in response.content.decode()


def test_behind_a_proxy_one_attacker_does_not_lock_the_user_out_for_everyone(client, settings):
    # given Tandem behind one proxy (10.0.0.254) that appends the client to X-Forwarded-For
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(username="ann")
    # when an attacker fails the limit, even forging the left part of the header each time
    for i in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "ann", "nope", ip="10.0.0.254", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.66")
    # then the attacker is locked ...
    assert "Too many failed sign-ins" in login(
        client, "ann", "pw-123456", ip="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.66").content.decode()
    # ... and Ann, coming through the same proxy from her own address, signs in
    response = login(client, "ann", "pw-123456", ip="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert response.status_code == 302 and response["Location"] == "/"


def test_client_address_comes_from_the_right_hop_and_garbage_falls_back(rf, settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 2
    request = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.1")
    assert services.client_ip(request) == "203.0.113.7"
    request = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="203.0.113.7")  # fewer hops than proxies
    assert services.client_ip(request) == "10.0.0.254"
    request = rf.get("/", REMOTE_ADDR="10.0.0.254", HTTP_X_FORWARDED_FOR="not-an-ip, nonsense")
    assert services.client_ip(request) == "10.0.0.254"


def test_the_lock_expires_and_grows_with_each_further_failure(client, settings):
    UserFactory(username="ann")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "ann", "nope")
    first = services.login_locked_for(username="ann", ip_address="10.0.0.1")
    assert 0 < first <= settings.LOGIN_LOCK_BASE_SECONDS
    # when the lock has run out, one more wrong password locks for twice as long
    age_failures(settings.LOGIN_LOCK_BASE_SECONDS + 1)
    assert not services.login_is_locked(username="ann", ip_address="10.0.0.1")
    login(client, "ann", "nope")
    second = services.login_locked_for(username="ann", ip_address="10.0.0.1")
    assert settings.LOGIN_LOCK_BASE_SECONDS < second <= 2 * settings.LOGIN_LOCK_BASE_SECONDS
    # a wrong password while locked is not even checked, so it does not extend the lock
    login(client, "ann", "nope")
    assert LoginFailure.objects.count() == settings.LOGIN_FAILURE_LIMIT + 1
    # and once it runs out the right password works and clears the count
    age_failures(2 * settings.LOGIN_LOCK_BASE_SECONDS + 1)
    assert login(client, "ann", "pw-123456").status_code == 302
    assert not LoginFailure.objects.exists()


def test_the_longest_lock_is_capped_and_old_failures_are_forgotten(settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 40):
        services.login_failure_record(username="ann", ip_address="10.0.0.1")
    assert services.login_locked_for(username="ann", ip_address="10.0.0.1") <= settings.LOGIN_LOCK_MAX_SECONDS
    age_failures(settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    assert not services.login_is_locked(username="ann", ip_address="10.0.0.1")


def test_guessing_from_many_addresses_locks_the_username_for_a_while(client, settings):
    UserFactory(username="ann")
    for i in range(settings.LOGIN_FAILURE_USERNAME_LIMIT):
        login(client, "ann", "nope", ip=f"192.0.2.{i}")
    assert "Too many failed sign-ins" in login(client, "ann", "pw-123456", ip="203.0.113.7").content.decode()
    age_failures(settings.LOGIN_LOCK_BASE_SECONDS + 1)
    assert login(client, "ann", "pw-123456", ip="203.0.113.7").status_code == 302


def test_a_new_password_lifts_the_lock(client, settings):
    user = UserFactory(username="ann")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "ann", "nope")
    user.set_password("a-much-better-pass-42")
    user.save()
    assert login(client, "ann", "a-much-better-pass-42").status_code == 302


def test_the_lock_message_says_how_long_to_wait(client, settings):
    UserFactory(username="ann")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "ann", "nope")
    assert "Try again in 1 minute" in login(client, "ann", "pw-123456").content.decode()
