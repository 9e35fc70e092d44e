"""API tokens end with the password and the account, cannot breed, expire, and may be read-only
(issue 13)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from tandem.accounts.models import ApiToken, TokenScope
from tandem.accounts.services import api_token_create
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def works(raw):
    return Client().get("/api/me", **bearer(raw)).status_code == 200


@pytest.fixture
def ann():
    return UserFactory(username="ann", email="ann@example.com")


def test_a_password_reset_revokes_every_token(client, ann):
    # given two tokens
    _t1, raw1 = api_token_create(user=ann, name="HRIS")
    _t2, raw2 = api_token_create(user=ann, name="script", scope=TokenScope.READ)
    assert works(raw1) and works(raw2)
    # when Ann resets her password through the emailed link
    client.post("/accounts/password-reset/", {"email": "ann@example.com"})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    response = client.get(link.split("testserver", 1)[1], follow=True)
    form_url = response.redirect_chain[-1][0]
    client.post(form_url, {"new_password1": "a-much-better-pass-42", "new_password2": "a-much-better-pass-42"})
    # then neither token works any more
    assert not works(raw1) and not works(raw2)
    assert not ApiToken.objects.filter(revoked_at=None).exists()


def test_a_password_change_revokes_tokens_but_a_rehash_of_the_same_password_does_not(ann):
    _t, raw = api_token_create(user=ann, name="HRIS")
    ann.set_password("pw-123456")  # the same password, hashed again (as a hasher upgrade does)
    ann.save(update_fields=["password"])
    assert works(raw)
    ann.set_password("a-much-better-pass-42")
    ann.save()
    assert not works(raw)


def test_the_back_office_password_change_revokes_tokens(client, ann):
    from django.contrib.auth.models import User

    _t, raw = api_token_create(user=ann, name="HRIS")
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "pw"))
    response = client.post(f"/admin/auth/user/{ann.pk}/password/",
                           {"password1": "a-much-better-pass-42", "password2": "a-much-better-pass-42",
                            "usable_password": "true"})
    assert response.status_code == 302
    assert not works(raw)


def test_deactivating_the_user_revokes_tokens_for_good(ann):
    _t, raw = api_token_create(user=ann, name="HRIS")
    ann.is_active = False
    ann.save()
    assert ApiToken.objects.get().revoked_at is not None
    ann.is_active = True  # coming back does not bring the old tokens back
    ann.save()
    assert not works(raw)


def test_signing_in_does_not_revoke_tokens(client, ann):
    _t, raw = api_token_create(user=ann, name="HRIS")
    client.post("/accounts/login/", {"username": "ann", "password": "pw-123456"})
    assert "_auth_user_id" in client.session and works(raw)


def test_a_token_cannot_create_tokens(ann):
    _t, raw = api_token_create(user=ann, name="HRIS")
    response = Client().post("/api/tokens", {"name": "child"}, content_type="application/json", **bearer(raw))
    assert response.status_code == 403
    assert response.json()["code"] == "token_cannot_create_tokens"
    assert ApiToken.objects.count() == 1


def test_a_signed_in_session_creates_a_read_only_token_with_an_expiry(client, ann):
    client.force_login(ann)
    expires = (timezone.now() + timedelta(days=30)).replace(microsecond=0)
    response = client.post("/api/tokens", {"name": "reports", "scope": "read", "expires_at": expires.isoformat()},
                           content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["scope"] == "read" and body["expires_at"].startswith(expires.strftime("%Y-%m-%dT%H:%M"))
    listed = client.get("/api/tokens").json()["items"]
    assert listed[0]["scope"] == "read" and listed[0]["expires_at"] is not None


@pytest.mark.parametrize("expires_at", ["2001-01-01T00:00:00Z", "9999-12-31T00:00:00Z"])
def test_an_expiry_in_the_past_or_too_far_ahead_is_refused(client, ann, expires_at):
    client.force_login(ann)
    response = client.post("/api/tokens", {"name": "x", "expires_at": expires_at}, content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"]["expires_at"]
    assert not ApiToken.objects.exists()


def test_an_unknown_scope_is_refused_with_422(client, ann):
    client.force_login(ann)
    response = client.post("/api/tokens", {"name": "x", "scope": "admin"}, content_type="application/json")
    assert response.status_code == 422 and not ApiToken.objects.exists()


def test_an_expired_token_is_refused(ann):
    token, raw = api_token_create(user=ann, name="HRIS", expires_at=timezone.now() + timedelta(hours=1))
    assert works(raw)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = Client().get("/api/me", **bearer(raw))
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_a_read_only_token_reads_but_every_write_gets_403_with_its_own_code(db):
    from tandem.people.models import PersonTopic
    from tests.factories import TopicFactory

    person = PersonFactory(with_user=True)
    TopicFactory(code="trends")
    token, raw = api_token_create(user=person.user, name="reports", scope=TokenScope.READ)
    c = Client()
    e = person.employee_id
    assert c.get(f"/api/people/{e}", **bearer(raw)).status_code == 200
    writes = [
        c.put(f"/api/people/{e}/topics", {"can_teach": ["trends"], "want_to_learn": []},
              content_type="application/json", **bearer(raw)),
        c.post(f"/api/people/{e}/self-assessments", {"strengths": "a", "development_areas": "b"},
               content_type="application/json", **bearer(raw)),
        c.patch("/api/tokens/1", {}, content_type="application/json", **bearer(raw)),
        c.delete(f"/api/tokens/{token.pk}", **bearer(raw)),
    ]
    for response in writes:
        assert response.status_code in (403, 405)
        if response.status_code == 403:
            assert response.json()["code"] == "token_read_only"
    assert [r.status_code for r in writes if r.status_code == 403] and writes[0].status_code == 403
    assert not PersonTopic.objects.exists()
    assert ApiToken.objects.get().revoked_at is None
    # the same writes with a read-and-write token go through
    _t, rw = api_token_create(user=person.user, name="sync")
    assert c.put(f"/api/people/{e}/topics", {"can_teach": ["trends"], "want_to_learn": []},
                 content_type="application/json", **bearer(rw)).status_code == 200


def test_the_tokens_page_offers_expiry_and_read_only(client, ann):
    client.force_login(ann)
    html = client.get("/account/tokens/").content.decode()
    assert 'name="scope"' in html and 'name="expires_in"' in html
    html = client.post("/account/tokens/", {"name": "reports", "scope": "read", "expires_in": "30"}, follow=True).content.decode()
    secret = html.split('id="new-token">', 1)[1].split("<", 1)[0]
    token = ApiToken.objects.get()
    assert token.scope == "read"
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)
    assert "Read only" in html and works(secret)
    response = Client().post("/api/people/x/ratings", {}, content_type="application/json", **bearer(secret))
    assert response.status_code == 403 and response.json()["code"] == "token_read_only"


def test_the_tokens_page_refuses_a_made_up_expiry(client, ann):
    client.force_login(ann)
    response = client.post("/account/tokens/", {"name": "reports", "expires_in": "100000"})
    assert response.status_code == 200 and not ApiToken.objects.exists()


def test_issue_api_token_command_makes_read_only_and_expiring_tokens(capsys, ann):
    call_command("issue_api_token", "ann", "--read-only", "--expires-in-days", "7", "--name", "reports")
    out = capsys.readouterr().out.strip().splitlines()
    token = ApiToken.objects.get()
    assert token.scope == "read" and token.name == "reports"
    assert timedelta(days=6) < token.expires_at - timezone.now() <= timedelta(days=7)
    assert "read only" in out[0] and works(out[-1])


def test_issue_api_token_command_refuses_a_bad_lifetime(ann):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="between 1 and 1825"):
        call_command("issue_api_token", "ann", "--expires-in-days", "0")
    assert not ApiToken.objects.exists()
