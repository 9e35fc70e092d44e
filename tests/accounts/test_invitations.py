"""Invitations to sign in (issue 14 §1): HR invites one person, a program's people or everyone; each
gets a one-time link in their own language; links expire, can be sent again (the old one stops) and
withdrawn; accepting sets the password and signs in; people who left cannot sign in any more."""

from __future__ import annotations

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from tandem.accounts import invitation_services as svc
from tandem.accounts.models import ApiToken, Invitation
from tandem.notifications.models import NotificationPreference
from tandem.programs.models import Enrolment
from tests.factories import PersonFactory, UserFactory, actor_of

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://[^\s]+/accounts/invitation/([^\s/]+)/")


def _link_key(message) -> str:
    return LINK.search(message.body).group(1)


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run what is queued on commit (the e-mail task) when the block ends, as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def newcomer(db):
    return PersonFactory(full_name="Ольга Смирнова", email="Olga.Smirnova@example.com")


def test_hr_invites_a_person_who_gets_a_link_in_their_language_and_signs_in(client, hr_client, newcomer, commits):
    NotificationPreference.objects.create(person=newcomer, language="ru")
    with commits():
        response = hr_client.post(f"/people/{newcomer.employee_id}/invite/")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Olga.Smirnova@example.com"]
    assert "Здравствуйте" in message.body  # the greeting in Russian (the catalog says so)
    assert "olga.smirnova@example.com" in message.body  # the sign-in name is said

    key = _link_key(message)
    client.logout()
    page = client.get(f"/accounts/invitation/{key}/")
    assert page.status_code == 200
    done = client.post(f"/accounts/invitation/{key}/", {"password1": "a-long-Passphrase-9", "password2": "a-long-Passphrase-9"})
    assert done.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.user is not None and newcomer.user.check_password("a-long-Passphrase-9")
    assert newcomer.user.username == "olga.smirnova@example.com"
    assert client.get("/").status_code == 200 and "_auth_user_id" in client.session
    # the link works once
    again = client.post(f"/accounts/invitation/{key}/", {"password1": "x-Other-pass-77", "password2": "x-Other-pass-77"})
    assert again.status_code == 409
    newcomer.user.refresh_from_db()
    assert newcomer.user.check_password("a-long-Passphrase-9")


def test_sending_again_makes_the_earlier_link_stop_working(client, hr_person, newcomer, commits):
    with commits():
        svc.invitation_send(person=newcomer, actor=actor_of(hr_person))
    with commits():
        svc.invitation_send(person=newcomer, actor=actor_of(hr_person))
    first, second = (_link_key(m) for m in mail.outbox)
    assert first != second
    assert Invitation.objects.filter(person=newcomer).count() == 1
    assert client.get(f"/accounts/invitation/{first}/").status_code == 404
    assert client.get(f"/accounts/invitation/{second}/").status_code == 200


def test_an_expired_link_says_so_and_creates_nothing(client, hr_person, newcomer, commits):
    with commits():
        inv = svc.invitation_send(person=newcomer, actor=actor_of(hr_person))
    key = _link_key(mail.outbox[0])
    Invitation.objects.filter(pk=inv.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.post(f"/accounts/invitation/{key}/", {"password1": "a-long-Passphrase-9",
                                                           "password2": "a-long-Passphrase-9"})
    assert response.status_code == 409
    assert "expired" in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.user is None


@pytest.mark.parametrize("key", ["1-0000", "abc", "999999-deadbeef", "1-" + "a" * 40, "-", "1" * 30 + "-x"])
def test_a_forged_link_is_refused(client, hr_person, newcomer, key):
    svc.invitation_send(person=newcomer, actor=actor_of(hr_person))
    assert client.get(f"/accounts/invitation/{key}/").status_code == 404


def test_weak_or_mismatched_passwords_are_refused_in_place(client, hr_person, newcomer, commits):
    with commits():
        svc.invitation_send(person=newcomer, actor=actor_of(hr_person))
    key = _link_key(mail.outbox[0])
    for data in ({"password1": "", "password2": ""}, {"password1": "123", "password2": "123"},
                 {"password1": "a-long-Passphrase-9", "password2": "a-long-Passphrase-8"}):
        response = client.post(f"/accounts/invitation/{key}/", data)
        assert response.status_code == 400
        assert 'class="errorlist' in response.content.decode()
    newcomer.refresh_from_db()
    assert newcomer.user is None and not get_user_model().objects.filter(username__iexact=newcomer.email).exists()


def test_a_withdrawn_invitation_link_no_longer_works(client, hr_client, hr_person, newcomer, commits):
    with commits():
        inv = svc.invitation_send(person=newcomer, actor=actor_of(hr_person))
    key = _link_key(mail.outbox[0])
    assert hr_client.post(f"/people/invitations/{inv.pk}/revoke/").status_code == 302
    assert client.get(f"/accounts/invitation/{key}/").status_code == 409


def test_people_who_can_sign_in_or_left_are_skipped_with_the_reason(hr_person, commits):
    can = PersonFactory(user=UserFactory())
    can.user.set_password("x-Secret-pass-1")
    can.user.save()
    gone = PersonFactory(is_active=False)
    left = PersonFactory(left_on=timezone.localdate() - datetime.timedelta(days=3))
    fresh = PersonFactory()
    with commits():
        result = svc.invitations_send(people=[can, gone, left, fresh], actor=actor_of(hr_person))
    assert result.sent == 1 and {e for e, _ in result.skipped} == {can.employee_id, gone.employee_id, left.employee_id}
    assert [m.to for m in mail.outbox] == [[fresh.email]]


def test_a_program_manager_invites_only_the_people_of_their_programs(client, choose_program):
    owner, mentee = choose_program["owner"], choose_program["mentee"]
    outsider = PersonFactory()
    mentee.user = None
    mentee.save(update_fields=["user"])
    client.force_login(owner.user)
    response = client.post("/api/invitations", {"program_id": choose_program["program"].pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["sent"] >= 1
    assert client.post(f"/people/{outsider.employee_id}/invite/").status_code in (302, 404)
    assert not Invitation.objects.filter(person=outsider).exists()
    listed = client.get("/api/invitations").json()
    assert {i["employee_id"] for i in listed["items"]} <= set(
        Enrolment.objects.filter(program=choose_program["program"]).values_list("person__employee_id", flat=True))
    via_api = client.post("/api/invitations", {"employee_ids": [outsider.employee_id]}, content_type="application/json")
    assert via_api.status_code == 201 and via_api.json()["sent"] == 0
    assert not Invitation.objects.filter(person=outsider).exists()


@pytest.mark.parametrize("who", ["no_role", "no_person", "anonymous"])
def test_people_without_the_right_cannot_see_or_send_invitations(client, who, newcomer):
    if who == "no_role":
        client.force_login(PersonFactory(user=UserFactory()).user)
    elif who == "no_person":
        client.force_login(UserFactory(groups=["program_manager"]))
    pages = [client.get("/people/invitations/"), client.post("/people/invitations/", {"everyone": "on"})]
    api = [client.get("/api/invitations"),
           client.post("/api/invitations", {"employee_ids": [newcomer.employee_id]}, content_type="application/json")]
    assert all(r.status_code in (302, 403) for r in pages)
    assert all(r.status_code in (401, 403) for r in api)
    assert not Invitation.objects.exists() and not mail.outbox


def test_employee_ids_match_whatever_their_case_and_unknown_ones_are_named(hr_client, newcomer):
    ok = hr_client.post("/api/invitations", {"employee_ids": [newcomer.employee_id.lower()]},
                        content_type="application/json")
    assert ok.status_code == 201 and ok.json()["sent"] == 1
    bad = hr_client.post("/api/invitations", {"employee_ids": ["NOPE-1", "x" * 300]}, content_type="application/json")
    assert bad.status_code == 400
    assert "NOPE-1".lower() in bad.content.decode().lower() and "x" * 60 not in bad.content.decode()


def test_a_nul_byte_or_both_targets_are_refused_and_nothing_is_sent(hr_client, newcomer, choose_program):
    nul = hr_client.post("/api/invitations", {"employee_ids": ["E\x00"]}, content_type="application/json")
    both = hr_client.post("/api/invitations", {"employee_ids": [newcomer.employee_id],
                                               "program_id": choose_program["program"].pk},
                          content_type="application/json")
    assert nul.status_code in (400, 422) and both.status_code == 400
    assert not mail.outbox and not Invitation.objects.exists()


def test_deactivating_a_person_ends_their_sessions_tokens_and_invitation(client, hr_person):
    person = PersonFactory(user=UserFactory())
    person.user.set_password("x-Secret-pass-1")
    person.user.save()
    token = ApiToken.objects.create(user=person.user, name="t", prefix="tdm_x", key_hash="h" * 64)
    client.force_login(person.user)
    assert client.get("/api/me").status_code == 200
    person.is_active = False
    person.save()
    person.user.refresh_from_db()
    token.refresh_from_db()
    assert not person.user.is_active and token.revoked_at is not None
    assert client.get("/api/me").status_code == 401


def test_a_person_marked_as_left_can_no_longer_sign_in_even_if_the_account_was_not_touched(client):
    person = PersonFactory(user=UserFactory())
    person.user.set_password("x-Secret-pass-1")
    person.user.save()
    from tandem.people.models import Person

    Person.objects.filter(pk=person.pk).update(left_on=timezone.localdate())  # an import's bulk update: no signal
    assert not client.login(username=person.user.username, password="x-Secret-pass-1")
