from __future__ import annotations

import pytest
from django.core import mail
from django.core.management import call_command

from tandem.accounts.models import ApiToken, LoginFailure
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def login(client, username, password, ip="10.0.0.1"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_login_with_the_right_password_lands_on_home(client):
    UserFactory(username="ann")
    response = login(client, "ann", "pw-123456")
    assert response.status_code == 302 and response["Location"] == "/"


def test_wrong_password_shows_a_clear_error_and_is_counted(client):
    UserFactory(username="ann")
    response = login(client, "ann", "nope")
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert LoginFailure.objects.count() == 1


def test_five_failures_lock_even_the_right_password(client, settings):
    UserFactory(username="ann")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "ann", "nope")
    response = login(client, "ann", "pw-123456")
    assert response.status_code == 200
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lock_is_per_address(client, settings):
    UserFactory(username="ann")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "ann", "nope", ip="10.0.0.1")
    assert login(client, "ann", "pw-123456", ip="10.0.0.2").status_code == 302


def test_logout_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    user = UserFactory(username="ann", email="ann@example.com")
    client.post("/accounts/password-reset/", {"email": "ann@example.com"})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    response = client.post(form_url, {"new_password1": "a-much-better-pass-42", "new_password2": "a-much-better-pass-42"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-much-better-pass-42")


def test_password_reset_for_unknown_email_reveals_nothing(client):
    response = client.post("/accounts/password-reset/", {"email": "nobody@example.com"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_token_created_in_the_ui_authenticates_the_api(client):
    person = PersonFactory(with_user=True)
    client.force_login(person.user)
    response = client.post("/account/tokens/", {"name": "HRIS sync"})
    # redirect after POST: the secret shows once on the page it lands on
    assert response.status_code == 302 and response["Location"] == "/account/tokens/"
    html = client.get("/account/tokens/").content.decode()
    secret = html.split('id="new-token">', 1)[1].split("<", 1)[0]
    assert secret.startswith("tdm_")
    # refreshing that page creates no second token and no longer shows the secret
    again = client.get("/account/tokens/").content.decode()
    assert 'id="new-token"' not in again and secret not in again
    assert ApiToken.objects.filter(user=person.user).count() == 1
    api = client.__class__()
    response = api.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200 and response.json()["employee_id"] == person.employee_id


def test_only_the_hash_of_a_token_is_stored(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/api/tokens", {"name": "x"}, content_type="application/json")
    secret = response.json()["token"]
    assert not ApiToken.objects.filter(key_hash=secret).exists()
    assert secret not in str(list(ApiToken.objects.values()))


def test_revoked_token_is_refused(client):
    user = UserFactory()
    client.force_login(user)
    created = client.post("/api/tokens", {"name": "x"}, content_type="application/json").json()
    client.post(f"/account/tokens/{created['id']}/revoke/")
    response = client.__class__().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {created['token']}")
    assert response.status_code == 401


def test_token_without_a_name_is_refused_with_a_message(client):
    client.force_login(UserFactory())
    response = client.post("/api/tokens", {"name": "  "}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"]["name"]
    assert not ApiToken.objects.exists()


def test_bogus_bearer_token_gets_401_json(client):
    response = client.get("/api/people", HTTP_AUTHORIZATION="Bearer tdm_nope")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_issue_api_token_command_prints_a_working_token_last(capsys, client):
    UserFactory(username="robot")
    call_command("issue_api_token", "robot")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Bearer {token}").json()["username"] == "robot"


def test_issue_api_token_command_for_unknown_user_fails_clearly():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No active user"):
        call_command("issue_api_token", "ghost")


@pytest.mark.django_db
def test_empty_fields_on_sign_in_and_password_reset_say_which(client):
    html = client.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert "Enter your username." in html and "Enter your password." in html
    html = client.post("/accounts/login/", {"username": "ann", "password": ""}).content.decode()
    assert "Enter your password." in html and "Enter your username." not in html
    html = client.post("/accounts/password-reset/", {"email": ""}).content.decode()
    assert "Enter the e-mail address of your account." in html
    html = client.post("/accounts/password-reset/", {"email": "not-an-address"}).content.decode()
    assert "Enter a valid e-mail address" in html
