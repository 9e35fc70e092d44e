from __future__ import annotations

import pytest
from django.core import mail

from tandem.matching.flows import choose

pytestmark = pytest.mark.django_db


def test_the_mentor_gets_an_email_when_a_mentee_requests_them(choose_program, django_capture_on_commit_callbacks):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    with django_capture_on_commit_callbacks(execute=True):
        choose.mentorship_request(program=program, mentee=mentee, mentor=mentor, message="Planning help, please")
    (email,) = mail.outbox
    assert email.to == [mentor.email]
    assert mentee.full_name in email.subject
    assert "Planning help, please" in email.body and f"/programs/{program.pk}/requests/" in email.body


def test_the_mentee_hears_about_a_decline_with_the_reason(choose_program, django_capture_on_commit_callbacks):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    with django_capture_on_commit_callbacks(execute=True):
        choose.mentorship_decline(mentorship=m, mentor=mentor, reason="Full this quarter")
    (email,) = mail.outbox
    assert email.to == [mentee.email] and "Full this quarter" in email.body


def test_both_sides_hear_when_the_mentorship_starts(choose_program, django_capture_on_commit_callbacks):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    m = choose.mentorship_accept(mentorship=m, mentor=mentor)
    choose.mentorship_confirm(mentorship=m, person=mentee)
    with django_capture_on_commit_callbacks(execute=True):
        choose.mentorship_confirm(mentorship=m, person=mentor)
    assert sorted(e.to[0] for e in mail.outbox) == sorted([mentor.email, mentee.email])


def test_no_email_when_the_request_is_refused(choose_program, django_capture_on_commit_callbacks):
    from tandem.core.errors import Forbidden
    from tests.factories import PersonFactory

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Forbidden):
        choose.mentorship_request(program=choose_program["program"], mentee=PersonFactory(),
                                  mentor=choose_program["mentors"][0])
    assert mail.outbox == []
