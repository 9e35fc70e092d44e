"""Single sign-on with OpenID Connect against a real, local provider (issue 14 §1): the code flow with
PKCE and a signed ID token; the e-mail claim matches a person whatever its case; unknown, unverified,
inactive or departed people are refused; nothing works when SSO is not configured."""

from __future__ import annotations

import datetime

import pytest
import requests
from django.utils import timezone

from tandem.people.models import Person
from tests.accounts.oidc_provider import LocalProvider
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(settings):
    with LocalProvider() as p:
        for key, value in p.settings().items():
            setattr(settings, key, value)
        yield p


def _sign_in(client, provider, claims: dict):
    """Start at Tandem, pass the provider (it approves at once), come back: the callback's response."""
    provider.user = claims
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302 and start["Location"].startswith(provider.url + "/authorize")
    approved = requests.get(start["Location"], allow_redirects=False, timeout=5)
    assert approved.status_code == 302
    back = approved.headers["Location"].removeprefix("http://testserver")
    return client.get(back)


def test_a_person_without_an_account_signs_in_through_the_provider_and_gets_one(client, provider):
    person = PersonFactory(email="Ana.Lima@example.com")
    response = _sign_in(client, provider, {"sub": "ana", "email": "ana.lima@EXAMPLE.com", "email_verified": True})
    assert response.status_code == 302 and response["Location"] == "/"
    person.refresh_from_db()
    assert person.user is not None and not person.user.has_usable_password()
    assert client.get("/api/me").json()["employee_id"] == person.employee_id
    token_request = provider.token_requests[-1]
    assert token_request["code_verifier"]  # PKCE: the provider checked the challenge
    # the next sign-in reuses the account
    client.logout()
    _sign_in(client, provider, {"sub": "ana", "email": "ana.lima@example.com"})
    assert Person.objects.get(pk=person.pk).user_id == person.user_id


def test_an_existing_account_is_the_one_signed_in(client, provider):
    person = PersonFactory(user=UserFactory(username="bo"), email="bo@example.com")
    _sign_in(client, provider, {"email": "bo@example.com"})
    assert int(client.session["_auth_user_id"]) == person.user_id


@pytest.mark.parametrize("case", ["stranger", "unverified", "inactive", "left", "no_email"])
def test_who_the_organisation_does_not_know_or_no_longer_employs_is_refused(client, provider, case):
    person = PersonFactory(email="cy@example.com")
    claims = {"email": "cy@example.com"}
    if case == "stranger":
        claims = {"email": "someone@elsewhere.org"}
    elif case == "unverified":
        claims["email_verified"] = False
    elif case == "inactive":
        Person.objects.filter(pk=person.pk).update(is_active=False)
    elif case == "left":
        Person.objects.filter(pk=person.pk).update(left_on=timezone.localdate() - datetime.timedelta(days=1))
    elif case == "no_email":
        claims = {"sub": "x"}
    response = _sign_in(client, provider, claims)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?sso=failed"
    assert "_auth_user_id" not in client.session
    assert Person.objects.get(pk=person.pk).user_id is None
    page = client.get(response["Location"])
    assert "Single sign-on did not let you in" in page.content.decode()


def test_a_forged_callback_is_refused(client, provider):
    client.get("/oidc/authenticate/")
    response = client.get("/oidc/callback/?code=made-up&state=not-ours")
    assert response.status_code in (302, 400)
    assert "_auth_user_id" not in client.session


def test_the_login_page_offers_the_provider_only_when_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=a&state=b").status_code == 404
    settings.OIDC_RP_CLIENT_ID = "tandem"
    settings.OIDC_PROVIDER_NAME = "Contoso ID"
    assert "Sign in with Contoso ID" in client.get("/accounts/login/").content.decode()


def test_password_sign_in_still_works_beside_sso(client, provider):
    person = PersonFactory(user=UserFactory(username="dee"))
    person.user.set_password("x-Secret-pass-1")
    person.user.save()
    assert client.login(username="dee", password="x-Secret-pass-1")
