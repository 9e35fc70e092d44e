"""The life of a reverse-mentoring pair in a real browser (issue "Running a program"): a program from
a template, enrolment, a match, the agreement signed by three parties, the plan written together,
progress, a new agreement version, and the history of every step."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from tandem.mentorships.models import Agreement, GoalMilestone, Mentorship, PlanVersion, Transition
from tandem.people import services as people_services
from tandem.people.models import RatingSource
from tandem.programs.models import Program
from tests.factories import DepartmentFactory, PersonFactory, RequirementFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _people():
    req = RequirementFactory(target_level=5, competency__name="Digital tools", competency__code="DIG")
    board, it = DepartmentFactory(name="Board"), DepartmentFactory(name="IT")
    pm = PersonFactory(user=UserFactory(username="pm", groups=["program_manager"]), full_name="Paula Manager",
                       department=board)
    boss = PersonFactory(user=UserFactory(username="boss"), full_name="Bruno Boss", department=board)
    leader = PersonFactory(user=UserFactory(username="leader"), full_name="Lena Leader", department=board,
                           manager=boss, job_profile=req.job_profile)
    junior = PersonFactory(user=UserFactory(username="junior"), full_name="Jun Junior", department=it,
                           mentor_capacity=1)
    for person, level in ((leader, 1), (junior, 5)):
        people_services.rating_record(person=person, competency=req.competency, level=level,
                                      source=RatingSource.MANAGER, rated_by=None, rated_on=timezone.localdate())
    return {"pm": pm, "boss": boss, "leader": leader, "junior": junior}


def _as(page, sign_in, username):
    page.context.clear_cookies()
    sign_in(username)


def _submit(page, form_locator):
    form_locator.locator("button[type=submit]").first.click()
    page.wait_for_load_state("load")


def test_a_reverse_mentoring_pair_from_template_to_signed_agreement_and_plan(page, sign_in, live_server):
    people = _people()
    today = timezone.localdate()

    # 1. The program manager creates a program from the reverse-mentoring template ...
    _as(page, sign_in, "pm")
    page.goto("/programs/templates/")
    card = page.locator("#template-reverse_6m")
    card.locator("input[name$='name']").fill("Reverse mentoring 2027")
    card.locator("input[name$='starts_on']").fill(today.isoformat())
    _submit(page, card.locator("form"))
    page.wait_for_selector("h1:has-text('Reverse mentoring 2027')")
    program = Program.objects.get(name="Reverse mentoring 2027")
    assert program.phases.exists()
    # ... asks the mentee's line manager to sign the agreements too, opens it ...
    page.goto(f"/programs/{program.pk}/edit/")
    page.check("input[name=agreement_signers][value=line_manager]")
    page.click("form.form button[type=submit]")
    page.wait_for_url(f"**/programs/{program.pk}/")
    page.select_option("form[action$='/status/'] select[name=status]", "open")
    page.click("form[action$='/status/'] button[type=submit]")
    page.wait_for_load_state("load")
    # ... and enrols the leader as mentee and the junior as mentor.
    for role, person in (("mentee", people["leader"]), ("mentor", people["junior"])):
        page.select_option("form[action$='/enrol/'] select[name=role]", role)
        page.fill("form[action$='/enrol/'] textarea[name=employee_ids]", person.employee_id)
        page.click("form[action$='/enrol/'] button[type=submit]")
        page.wait_for_load_state("load")
    program.refresh_from_db()
    assert program.status == "open" and program.agreement_signers == ["line_manager"]
    assert program.enrolments.count() == 2

    # 2. A pair is matched: the leader picks the junior, who accepts; both confirm after meeting.
    _as(page, sign_in, "leader")
    page.goto(f"/programs/{program.pk}/recommendations/")
    page.locator("form", has=page.locator(f"input[value='{people['junior'].employee_id}']")).locator(
        "button[type=submit]").first.click()
    page.wait_for_selector("text=Request sent to Jun Junior")
    m = Mentorship.objects.get(program=program)
    _as(page, sign_in, "junior")
    page.goto(f"/mentorships/{m.pk}/")
    page.click("form[action$='/accept/'] button[type=submit]")
    page.wait_for_selector("text=Accepted")
    page.click("form[action$='/confirm/'] button[type=submit]")
    page.wait_for_selector("text=Waiting for the other side")
    _as(page, sign_in, "leader")
    page.goto(f"/mentorships/{m.pk}/")
    page.click("form[action$='/confirm/'] button[type=submit]")
    page.wait_for_selector("text=agree and sign the agreement")

    # 3. Mentor, mentee and the line manager sign the agreement; then the pair is active.
    for who in ("leader", "junior", "boss"):
        _as(page, sign_in, who)
        page.goto(f"/mentorships/{m.pk}/agreement/")
        page.click("form[action$='/agreement/sign/'] button[type=submit]")
        page.wait_for_selector("text=Signed.")
    page.wait_for_selector("text=Every party has signed")
    m.refresh_from_db()
    assert m.status == "active" and m.started_on == Agreement.objects.get(mentorship=m).starts_on

    # 4. The plan: the mentee's needs, the mentor's draft, a comment, a revision, both confirm.
    _as(page, sign_in, "leader")
    page.goto(f"/mentorships/{m.pk}/plan/needs/")
    assert page.locator("input[name=competencies][value=DIG]").is_checked()  # preselected from the gap
    page.fill("textarea[name=text]", "I want to run my team's planning in the new tool.")
    page.click("form.plan-needs-form button[type=submit]")
    page.wait_for_load_state("load")
    _as(page, sign_in, "junior")
    page.goto(f"/mentorships/{m.pk}/plan/edit/")
    new_goal = page.locator("#new-goal form")
    new_goal.locator("input[name$='title']").first.fill("Plan sprints in the new tool")
    new_goal.locator("select[name$='competency']").select_option("DIG")
    new_goal.locator("[name$='target_level']").first.fill("3") if new_goal.locator(
        "input[name$='target_level']").count() else new_goal.locator("select[name$='target_level']").select_option("3")
    new_goal.locator("input[name$='milestone_title']").fill("Set up the board")
    new_goal.locator("input[name$='due_on']").fill((today + datetime.timedelta(days=14)).isoformat())
    _submit(page, new_goal)
    _as(page, sign_in, "leader")
    page.goto(f"/mentorships/{m.pk}/plan/")
    page.fill("#c-plan", "Could the first step be a 30-minute walkthrough?")
    page.click("#comments form button[type=submit]")
    page.wait_for_selector("text=30-minute walkthrough")
    _as(page, sign_in, "junior")
    page.goto(f"/mentorships/{m.pk}/plan/edit/")
    ms_form = page.locator("li.plan-ms form").first
    ms_form.locator("input[name$='title']").fill("Walk through the board together (30 min)")
    ms_form.locator("button[type=submit]:not([name=remove])").click()
    page.wait_for_load_state("load")
    for who in ("junior", "leader"):
        _as(page, sign_in, who)
        page.goto(f"/mentorships/{m.pk}/plan/")
        page.click("form.plan-confirm button[type=submit]")
        page.wait_for_load_state("load")
    assert PlanVersion.objects.filter(plan__mentorship=m).count() == 1

    # 5. The mentee ticks the milestone; both see the goal's progress.
    page.goto(f"/mentorships/{m.pk}/plan/")
    page.check("form.plan-tick input[name=done]")
    page.wait_for_load_state("load")
    page.wait_for_function("document.querySelector('form.plan-tick input[name=done]').checked")
    assert GoalMilestone.objects.get(goal__plan__mentorship=m).done_at is not None
    assert re.search(r"1\s*(of|/)\s*1", page.inner_text(".plan-goal"))
    _as(page, sign_in, "junior")
    page.goto(f"/mentorships/{m.pk}/plan/")
    assert re.search(r"1\s*(of|/)\s*1", page.inner_text(".plan-goal"))
    assert page.locator("form.plan-tick input[name=done]").count() == 0  # the mentor cannot tick

    # 6. The mentor edits the agreement: a second version, which every party signs again.
    page.goto(f"/mentorships/{m.pk}/agreement/")
    page.click("summary:has-text('Propose a change')")
    page.fill("input[name=meeting_minutes]", "90")
    page.click("form.form button[type=submit]")
    page.wait_for_selector("text=Agreement · version 2")
    assert page.locator("form[action$='/agreement/sign/']").count() == 1
    _as(page, sign_in, "leader")
    page.goto(f"/mentorships/{m.pk}/agreement/")
    assert "version 1 stays in force" in page.inner_text("main")
    page.click("form[action$='/agreement/sign/'] button[type=submit]")
    page.wait_for_selector("text=Waiting for the other parties")
    page.goto(f"/mentorships/{m.pk}/agreement/versions/2/?compare=1")
    assert "90" in page.inner_text(".diff-added")

    # 7. The pairing's history lists every step.
    page.goto(f"/mentorships/{m.pk}/")
    history = page.inner_text("main")
    for step in ("Requested", "Introductory meeting", "Agreement to sign", "Active",
                 "Signed agreement version 1 as Mentee's line manager", "Agreement version 1 signed by every party",
                 "Needs form sent to the mentor", "Plan version 1 confirmed by both",
                 "Milestone done: Walk through the board together (30 min)", "Agreement version 2 drafted",
                 "Signed agreement version 2 as Mentee"):
        assert step in history, step
    assert Transition.objects.filter(mentorship=m).count() == 4
