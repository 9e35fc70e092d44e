"""The program manager administers a program (issue 14 §2): withdraws a mentee with an open pair
after reading what will happen, re-matches another pair, exports the enrolments."""

from __future__ import annotations

import datetime

import pytest

from tandem.mentorships.models import Mentorship, MentorshipOrigin
from tandem.mentorships.models import MentorshipStatus as S
from tandem.notifications.models import Notification
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_program_manager_withdraws_a_mentee_rematches_a_pair_and_exports(page, sign_in):
    # given a bulk program: Mona mentors Ann and Bob (both at the introductory stage), Nils has a free slot
    manager = PersonFactory(user=UserFactory(username="pm", groups=["program_manager"]), full_name="Paula Manager")
    program = Program.objects.create(
        name="Graduates 2026", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.BULK,
        status=ProgramStatus.RUNNING, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
        owner=manager, default_mentor_capacity=2, agreement_required=False,
    )
    people = {name: PersonFactory(full_name=name, user=UserFactory(), mentor_capacity=cap)
              for name, cap in (("Mona Mentor", 2), ("Nils Mentor", 2), ("Ann Mentee", 0), ("Bob Mentee", 0))}
    for name, person in people.items():
        Enrolment.objects.create(program=program, person=person, role="mentor" if "Mentor" in name else "mentee")
    ann = Mentorship.objects.create(program=program, mentor=people["Mona Mentor"], mentee=people["Ann Mentee"],
                                    status=S.INTRO, origin=MentorshipOrigin.BULK)
    bob = Mentorship.objects.create(program=program, mentor=people["Mona Mentor"], mentee=people["Bob Mentee"],
                                    status=S.INTRO, origin=MentorshipOrigin.BULK)
    sign_in("pm")
    # when the manager withdraws Ann from the enrolment list
    page.goto(f"/programs/{program.pk}/?role=mentee")
    page.locator("#enrolled tr", has_text="Ann Mentee").locator("text=Withdraw").click()
    # then the confirmation page says what will happen to her pair before anything changes
    consequences = page.inner_text("#consequences")
    assert "1 open pair that has not started will be cancelled" in consequences
    assert "Mona Mentor → Ann Mentee" in consequences
    assert "Their mentors are told" in consequences
    ann.refresh_from_db()
    assert ann.status == S.INTRO
    page.fill("#reason", "Left the company")
    page.click("#confirm-withdraw")
    page.wait_for_selector("text=Ann Mentee withdrawn from the program.")
    ann.refresh_from_db()
    assert ann.status == S.CANCELLED
    assert Notification.objects.filter(recipient=people["Mona Mentor"], kind="cancelled", mentorship_id=ann.pk).exists()
    # when the manager re-matches Bob with Nils from the pair's page
    page.goto(f"/mentorships/{bob.pk}/")
    page.click("text=Re-match the mentee")
    assert "is cancelled" in page.inner_text("#consequences")
    page.check(f"input[value='{people['Nils Mentor'].employee_id}']")
    page.click("#confirm-rematch")
    page.wait_for_selector("text=Bob Mentee is now paired with Nils Mentor.")
    bob.refresh_from_db()
    assert bob.status == S.CANCELLED
    assert Mentorship.objects.filter(program=program, mentee=people["Bob Mentee"], mentor=people["Nils Mentor"],
                                     status=S.INTRO).exists()
    # and exports the enrolments: Ann is in it, withdrawn
    page.goto(f"/programs/{program.pk}/?role=mentee")
    with page.expect_download() as info:
        page.click("#enrolled >> text=CSV")
    with open(info.value.path(), encoding="utf-8-sig") as f:
        text = f.read()
    assert "Ann Mentee" in text and "Withdrawn" in text and "Bob Mentee" in text
