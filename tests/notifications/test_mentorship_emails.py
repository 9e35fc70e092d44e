from __future__ import annotations

import pytest
from django.core import mail

from tandem.matching.flows import choose
from tandem.mentorships import services as ms
from tests.factories import actor_of

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
        ms.mentorship_decline(mentorship=m, actor=actor_of(mentor), reason="Full this quarter")
    (email,) = mail.outbox
    assert email.to == [mentee.email] and "Full this quarter" in email.body


def test_both_sides_hear_when_the_mentorship_starts(choose_program, django_capture_on_commit_callbacks):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    m = ms.mentorship_accept(mentorship=m, actor=actor_of(mentor))
    ms.mentorship_confirm(mentorship=m, actor=actor_of(mentee))
    with django_capture_on_commit_callbacks(execute=True):
        ms.mentorship_confirm(mentorship=m, actor=actor_of(mentor))
    assert sorted(e.to[0] for e in mail.outbox) == sorted([mentor.email, mentee.email])


def test_no_email_when_the_request_is_refused(choose_program, django_capture_on_commit_callbacks):
    from tandem.core.errors import Forbidden
    from tests.factories import PersonFactory

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Forbidden):
        choose.mentorship_request(program=choose_program["program"], mentee=PersonFactory(),
                                  mentor=choose_program["mentors"][0])
    assert mail.outbox == []


def test_a_bulk_commit_tells_both_sides_of_each_pair(django_capture_on_commit_callbacks):
    from tandem.matching.flows import bulk
    from tests.matching.test_bulk import World

    w = World()
    mentee, mentor = w.mentee(1), w.mentor(5)
    run = w.preview()
    with django_capture_on_commit_callbacks(execute=True):
        bulk.bulk_commit(run=run, user=w.owner.user)
    assert sorted(e.to[0] for e in mail.outbox) == sorted([mentee.email, mentor.email])
    assert all("paired you with" in e.body for e in mail.outbox)


def test_publishing_a_round_tells_each_graduate_and_the_heads_of_departments(django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from tandem.matching.flows.rounds import (
        applicant_ranking_save,
        department_ranking_save,
        round_close_and_publish,
    )
    from tandem.matching.models import RoundSeat, SelectionRound
    from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramType
    from tests.factories import DepartmentFactory, PersonFactory

    head = PersonFactory()
    dep = DepartmentFactory(name="Finance", head=head)
    program = Program.objects.create(name="Cohort", program_type=ProgramType.COHORT,
                                     matching_mode=MatchingMode.MUTUAL_SELECTION, starts_on="2026-01-01",
                                     ends_on="2026-12-31", owner=PersonFactory())
    placed, unplaced = PersonFactory(full_name="Grace Placed"), PersonFactory(full_name="Ulla Unplaced")
    for g in (placed, unplaced):
        Enrolment.objects.create(program=program, person=g, role="mentee")
    r = SelectionRound.objects.create(program=program, name="Autumn", deadline=timezone.now() + datetime.timedelta(days=1))
    RoundSeat.objects.create(round=r, department=dep, seats=1)
    applicant_ranking_save(round=r, applicant=placed, departments=[dep])
    department_ranking_save(round=r, department=dep, applicants=[placed])
    with django_capture_on_commit_callbacks(execute=True):
        round_close_and_publish(round=r, force=True)
    by_to = {e.to[0]: e for e in mail.outbox}
    assert "Finance" in by_to[placed.email].body
    assert "could not be placed" in by_to[unplaced.email].body
    assert "Grace Placed" in by_to[head.email].body and "Ulla Unplaced" not in by_to[head.email].body
