from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from tandem.mentorships.models import Mentorship, MentorshipOrigin
from tandem.people import services
from tandem.people.models import RatingSource
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import DepartmentFactory, PersonFactory, RequirementFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_program_manager_previews_a_bulk_match_and_commits_it(page, sign_in):
    # given a bulk program with two mentees and two mentors, all rated in the competency the mentees lack
    req = RequirementFactory(target_level=5, competency__name="Negotiation")
    dep_a, dep_b = DepartmentFactory(), DepartmentFactory()
    manager = PersonFactory(user=UserFactory(username="pm", groups=["program_manager"]), full_name="Paula Manager")
    program = Program.objects.create(
        name="Reverse 2026", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.BULK,
        status=ProgramStatus.OPEN, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
        owner=manager, default_mentor_capacity=1,
    )
    people = {}
    for name, level, role, dep in (("Ann Mentee", 1, "mentee", dep_a), ("Bob Mentee", 3, "mentee", dep_a),
                                   ("Xena Mentor", 5, "mentor", dep_b), ("Yuri Mentor", 4, "mentor", dep_b)):
        p = PersonFactory(full_name=name, department=dep, job_profile=req.job_profile if role == "mentee" else None,
                          mentor_capacity=2 if role == "mentor" else 0)  # their limit across programs
        services.rating_record(person=p, competency=req.competency, level=level, source=RatingSource.MANAGER,
                               rated_by=None, rated_on=timezone.localdate())
        Enrolment.objects.create(program=program, person=p, role=role)
        people[name] = p
    # when the manager opens the bulk page and runs a preview
    sign_in("pm")
    page.goto(f"/programs/{program.pk}/")
    page.click("text=Bulk match")
    page.wait_for_selector("h1:has-text('Bulk match')")
    assert page.inner_text("#fig-mentees") == "2"
    page.click("#run-preview")
    # then the proposed pairs show with their reasons
    page.wait_for_selector("#pairs")
    ann_row = page.locator("#pairs tr", has_text="Ann Mentee")
    assert "Yuri Mentor" in ann_row.inner_text()
    assert "covers the mentee's gap in Negotiation" in ann_row.inner_text()
    assert "Xena Mentor" in page.locator("#pairs tr", has_text="Bob Mentee").inner_text()
    # when the manager commits
    page.once("dialog", lambda d: d.accept())  # "Commit these pairs? …"
    page.click("#commit")
    # then the pairs are created and shown as committed
    page.wait_for_selector("text=2 pairs created")
    assert "Committed on" in page.inner_text("#preview")
    made = {(m.mentee.full_name, m.mentor.full_name)
            for m in Mentorship.objects.filter(program=program, origin=MentorshipOrigin.BULK).select_related(
                "mentee", "mentor")}
    assert made == {("Ann Mentee", "Yuri Mentor"), ("Bob Mentee", "Xena Mentor")}
    assert page.inner_text("#fig-mentees") == "0"


def test_the_manager_finds_people_by_typing_and_excludes_a_pair(page, sign_in):
    # given a bulk program with one mentee and one mentor
    manager = PersonFactory(user=UserFactory(username="pm2", groups=["program_manager"]), full_name="Paula Manager")
    program = Program.objects.create(
        name="Bulk search", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.BULK,
        status=ProgramStatus.OPEN, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
        owner=manager, default_mentor_capacity=1,
    )
    ann, xena = PersonFactory(full_name="Ann Mentee"), PersonFactory(full_name="Xena Mentor", mentor_capacity=2)
    Enrolment.objects.create(program=program, person=ann, role="mentee")
    Enrolment.objects.create(program=program, person=xena, role="mentor")
    sign_in("pm2")
    page.goto(f"/programs/{program.pk}/bulk/")
    # when the manager types part of a name, the field offers the matching people (no list of everyone)
    page.fill("input[name=mentee_id]", "Ann")
    page.wait_for_selector(f"#mentee-options option[value='{ann.employee_id}']", state="attached")
    page.fill("input[name=mentee_id]", ann.employee_id)
    page.fill("input[name=mentor_id]", "Xen")
    page.wait_for_selector(f"#mentor-options option[value='{xena.employee_id}']", state="attached")
    page.fill("input[name=mentor_id]", xena.employee_id)
    page.select_option("#constraints select[name=kind]", "exclude")
    page.click("#constraints button:has-text('Add rule')")
    # then the rule is listed
    page.wait_for_selector("text=Ann Mentee will never be paired with Xena Mentor")
    assert "Xena Mentor" in page.inner_text("#constraints table")


def test_the_page_follows_a_preview_computed_by_the_worker_and_shows_its_pairs(page, sign_in):
    from tandem.matching.flows import bulk
    from tandem.matching.models import MatchRun, RunStatus

    # given a bulk program whose preview was requested and waits for the worker (in production the
    # request only queues it; the tests' task backend would compute it at once, so it is created here)
    manager = PersonFactory(user=UserFactory(username="pm3", groups=["program_manager"]), full_name="Paula Manager")
    program = Program.objects.create(
        name="Bulk async", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.BULK,
        status=ProgramStatus.OPEN, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
        owner=manager, default_mentor_capacity=1,
    )
    Enrolment.objects.create(program=program, person=PersonFactory(full_name="Ann Mentee"), role="mentee")
    Enrolment.objects.create(program=program, person=PersonFactory(full_name="Xena Mentor", mentor_capacity=2),
                             role="mentor")
    run = MatchRun.objects.create(program=program, created_by=manager.user, status=RunStatus.QUEUED)
    sign_in("pm3")
    page.goto(f"/programs/{program.pk}/bulk/")
    # then the page shows it waiting, with no second "Run preview"
    page.wait_for_selector("#run-status[data-status=queued]")
    assert "waiting for the worker" in page.inner_text("#run-status")
    assert page.locator("#run-preview").count() == 0
    # when the worker reports a stage, the polling card shows it without a reload
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, stage="scoring", progress=25,
                                              heartbeat_at=timezone.now())
    page.wait_for_selector("#run-status[data-status=running]")
    assert "Scoring every pair" in page.inner_text("#run-status") and page.inner_text("#run-progress") == "25"
    # when the worker finishes (it claims queued runs: put it back as the worker found it)
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.QUEUED)
    bulk.bulk_preview_run(run_id=run.pk)
    # then the page reloads itself with the proposed pair, ready to commit
    page.wait_for_selector("#pairs")
    assert "Xena Mentor" in page.locator("#pairs tr", has_text="Ann Mentee").inner_text()
    assert page.locator("#commit").count() == 1 and page.locator("#run-status").count() == 0
    # when the manager pins the proposed pair from its row (one form for the whole table)
    page.locator("#pairs tr", has_text="Ann Mentee").locator("button:has-text('Pin')").click()
    # then the rule is recorded and listed
    page.wait_for_selector("text=Ann Mentee will always be paired with Xena Mentor")
    from tandem.matching.models import ConstraintKind, MatchConstraint

    assert list(MatchConstraint.objects.values_list("mentee__full_name", "mentor__full_name", "kind")) == [
        ("Ann Mentee", "Xena Mentor", ConstraintKind.PIN)]
