"""Phases, milestones and the cadence policy: validation, the timeline on the page, the API."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.utils import timezone

from tandem.core.errors import ApplicationError, ValidationFailed
from tandem.programs import selectors, services
from tandem.programs.models import CadenceDuty, Phase, ProgramMilestone, ProgramStatus
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def program_of(owner, *, starts_on=None, ends_on=None, **kw):
    return services.program_create(name="Mentoring", program_type="classic", matching_mode="choose",
                                   starts_on=starts_on or D(2027, 1, 1), ends_on=ends_on or D(2027, 6, 30),
                                   owner=owner, **kw)


@pytest.fixture
def manager(make_person):
    return make_person(groups=["program_manager"])


@pytest.fixture
def program(manager):
    return program_of(manager)


# -- the service -----------------------------------------------------------------------------


def test_phase_dates_are_computed_from_day_offsets(program):
    phase = services.phase_create(program=program, name="Start", start_day=1, end_day=31)
    assert (phase.start_date, phase.end_date) == (D(2027, 1, 1), D(2027, 1, 31))
    m = services.milestone_create(phase=phase, name="Agreement", kind="agreement", due_day=14)
    assert m.due_date == D(2027, 1, 14)


@pytest.mark.parametrize("start,end,field", [
    (10, 5, "end_day"),            # ends before it starts
    (1, 400, "end_day"),           # after the program's last day (181)
    (0, 10, "start_day"),          # before day 1
    (True, 10, "start_day"),       # not a number
])
def test_a_bad_phase_is_refused_and_nothing_saved(program, start, end, field):
    with pytest.raises(ValidationFailed) as exc:
        services.phase_create(program=program, name="Phase", start_day=start, end_day=end)
    assert field in exc.value.errors
    assert not Phase.objects.exists()


@pytest.mark.parametrize("name", ["Bad\x00name", "Bad\x01name", "Two\nlines", "", "x" * 121])
def test_a_phase_name_with_control_characters_or_too_long_is_refused(program, name):
    with pytest.raises(ValidationFailed) as exc:
        services.phase_create(program=program, name=name, start_day=1, end_day=10)
    assert "name" in exc.value.errors and not Phase.objects.exists()


def test_a_milestone_must_fall_inside_its_phase(program):
    phase = services.phase_create(program=program, name="Start", start_day=1, end_day=30)
    with pytest.raises(ValidationFailed) as exc:
        services.milestone_create(phase=phase, name="Late", kind="checkpoint", due_day=31)
    assert "due_day" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.milestone_create(phase=phase, name="Odd", kind="party", due_day=3, concerns="ceo")
    assert {"kind", "concerns"} <= set(exc.value.errors)
    assert not ProgramMilestone.objects.exists()


def test_a_phase_cannot_shrink_away_from_its_milestones_nor_the_program_from_its_phases(program):
    phase = services.phase_create(program=program, name="Start", start_day=1, end_day=60)
    services.milestone_create(phase=phase, name="Review", kind="competency_review", due_day=50)
    with pytest.raises(ValidationFailed) as exc:
        services.phase_update(phase=phase, name="Start", start_day=1, end_day=40)
    assert "end_day" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.program_update(program=program, name=program.name, program_type="classic", matching_mode="choose",
                                starts_on=program.starts_on, ends_on=D(2027, 2, 1))
    assert "ends_on" in exc.value.errors
    phase.refresh_from_db()
    program.refresh_from_db()
    assert phase.end_day == 60 and program.ends_on == D(2027, 6, 30)


def test_a_closed_programs_timeline_is_frozen(program):
    services.program_close(program=program)
    with pytest.raises(ApplicationError) as exc:
        services.phase_create(program=program, name="Late", start_day=1, end_day=2)
    assert exc.value.status == 409


def test_duties_store_a_machine_readable_requirement_with_checked_params(program):
    duty = services.duty_create(program=program, code="weekly", name="Weekly session", period="weekly",
                                requirement="session", params={"min_count": 1, "min_minutes": 90}, concerns="pair")
    assert (duty.requirement, duty.min_count, duty.min_minutes) == ("session", 1, 90)
    for params in ({"min_minutes": 90}, {"min_count": 0}, {"min_count": "2"}, {"colour": 1}, [1]):
        with pytest.raises(ValidationFailed) as exc:
            services.duty_create(program=program, code="case", name="Case", period="yearly",
                                 requirement="shared_case" if "min_minutes" in params else "session", params=params)
        assert "params" in exc.value.errors, params
    with pytest.raises(ValidationFailed) as exc:
        services.duty_create(program=program, code="weekly", name="Again", period="daily", requirement="magic")
    assert {"code", "period", "requirement"} <= set(exc.value.errors)
    assert CadenceDuty.objects.count() == 1


def test_milestone_status_is_due_overdue_or_done_by_date_and_tick(program, manager):
    phase = services.phase_create(program=program, name="All", start_day=1, end_day=181)
    early = services.milestone_create(phase=phase, name="Early", kind="checkpoint", due_day=10)
    soon = services.milestone_create(phase=phase, name="Soon", kind="checkpoint", due_day=40)
    later = services.milestone_create(phase=phase, name="Later", kind="checkpoint", due_day=150)
    today = D(2027, 2, 1)  # day 32

    def status(m):
        return selectors.milestone_status(milestone=m, program=program, today=today)

    assert (status(early), status(soon), status(later)) == ("overdue", "due", "upcoming")
    services.milestone_set_done(milestone=early, done=True, by=manager)
    early.refresh_from_db()
    assert status(early) == "done" and early.done_by == manager
    assert selectors.milestone_status(milestone=later, program=program, today=today, done=True) == "done"


# -- pages -----------------------------------------------------------------------------------


def test_the_program_page_shows_the_timeline_with_today_marked(client, manager):
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(manager.time_zone))  # the page's today is the viewer's
    program = program_of(manager, starts_on=today - datetime.timedelta(days=9),
                         ends_on=today + datetime.timedelta(days=90))
    past = services.phase_create(program=program, name="Getting started", start_day=1, end_day=5)
    now = services.phase_create(program=program, name="Weekly sessions", start_day=6, end_day=60)
    services.milestone_create(phase=past, name="Agreement signed", kind="agreement", due_day=3)
    services.milestone_create(phase=now, name="Midpoint survey", kind="survey", due_day=55)
    client.force_login(manager.user)
    html = client.get(f"/programs/{program.pk}/").content.decode()
    assert 'data-today-day="10"' in html
    left = re.search(r'class="tl-today"[^>]*data-left="([\d.]+)"', html)
    assert left and abs(float(left.group(1)) - 100 * 9 / 100) < 0.01
    assert re.search(r'class="tl-phase current"[^>]*>Weekly sessions<', html, re.S)
    assert "Agreement signed" in html and "st st-overdue" in html and "st st-upcoming" in html


def test_positions_on_the_bar_use_a_decimal_point_in_every_language(client, manager):
    program = program_of(manager, starts_on=D(2027, 1, 1), ends_on=D(2027, 1, 3))
    services.phase_create(program=program, name="Short", start_day=2, end_day=3)
    client.force_login(manager.user)
    html = client.get(f"/programs/{program.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'data-left="33.333"' in html and "33,333" not in html


def test_the_manager_edits_phases_milestones_and_duties_on_the_pages(client, manager, program):
    client.force_login(manager.user)
    response = client.post(f"/programs/{program.pk}/phases/new/", {"name": "Start", "start_date": "2027-01-01",
                                                                   "end_date": "2027-01-31"})
    assert response.status_code == 302
    phase = Phase.objects.get(program=program)
    assert (phase.start_day, phase.end_day) == (1, 31)
    client.post(f"/programs/{program.pk}/phases/{phase.pk}/milestones/new/",
                {"name": "Agreement signed", "kind": "agreement", "due_day": 14, "concerns": "pair"})
    milestone = ProgramMilestone.objects.get(phase=phase)
    client.post(f"/programs/{program.pk}/milestones/{milestone.pk}/edit/",
                {"name": "Agreement signed by all", "kind": "agreement", "due_day": 20, "concerns": "pair"})
    milestone.refresh_from_db()
    assert (milestone.name, milestone.due_day) == ("Agreement signed by all", 20)
    client.post(f"/programs/{program.pk}/cadence/new/", {"code": "monthly", "name": "Monthly in-depth session",
                                                         "period": "monthly", "requirement": "session_in_depth",
                                                         "concerns": "mentor", "required": "on", "min_count": 1})
    duty = CadenceDuty.objects.get(program=program)
    assert (duty.required, duty.params) == (True, {"min_count": 1})
    client.post(f"/programs/{program.pk}/milestones/{milestone.pk}/done/", {"done": "1"})
    milestone.refresh_from_db()
    assert milestone.done_at is not None
    page = client.get(f"/programs/{program.pk}/").content.decode()
    assert "Monthly in-depth session" in page and "st st-done" in page
    assert client.get(f"/programs/{program.pk}/timeline/").status_code == 200


@pytest.mark.parametrize("data", [
    {"name": "Start", "start_day": 10, "end_day": 5},                         # ends before it starts
    {"name": "Start", "start_date": "2026-12-01", "end_day": 5},              # before the program
    {"name": "Start", "start_day": 1, "end_date": "2027-12-31"},              # after the program
    {"name": "Bad\x01name", "start_day": 1, "end_day": 5},                    # a control character
    {"name": "x" * 121, "start_day": 1, "end_day": 5},                        # too long
    {"name": "Start", "start_day": 99999999999, "end_day": 5},                # out of range
    {"name": "Start"},                                                        # no days at all
])
def test_a_bad_phase_form_is_a_400_and_saves_nothing(client, manager, program, data):
    client.force_login(manager.user)
    response = client.post(f"/programs/{program.pk}/phases/new/", data)
    assert response.status_code == 400
    assert 'class="errorlist' in response.content.decode()
    assert not Phase.objects.exists()


def test_a_nul_byte_in_a_phase_form_is_refused(client, manager, program):
    client.force_login(manager.user)
    response = client.post(f"/programs/{program.pk}/phases/new/", {"name": "Bad\x00name", "start_day": 1,
                                                                   "end_day": 5})
    assert 400 <= response.status_code < 500 and not Phase.objects.exists()


# -- API -------------------------------------------------------------------------------------


def test_the_api_adds_a_phase_with_its_milestones(client, manager, program):
    client.force_login(manager.user)
    response = client.post(f"/api/programs/{program.pk}/phases", {
        "name": "Start", "start_day": 1, "end_day": 30,
        "milestones": [{"name": "Agreement", "kind": "agreement", "due_day": 14},
                       {"name": "Plan", "kind": "plan", "due_day": 30, "concerns": "mentee"}],
    }, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["end_date"] == "2027-01-30" and [m["due_day"] for m in body["milestones"]] == [14, 30]
    listed = client.get(f"/api/programs/{program.pk}/phases").json()
    assert listed[0]["milestones"][1]["concerns"] == "mentee"


@pytest.mark.parametrize("payload", [
    {"name": "Start", "start_day": 10, "end_day": 5},
    {"name": "Start", "start_day": 1, "end_day": 500},
    {"name": "Start", "start_day": 1, "end_day": 2**40},
    {"name": "Start", "start_day": True, "end_day": 5},
    {"name": "Bad\x00name", "start_day": 1, "end_day": 5},
    {"name": "Bad\x1bname", "start_day": 1, "end_day": 5},
    {"name": "Start", "start_day": 1, "end_day": 10,
     "milestones": [{"name": "Fine", "kind": "plan", "due_day": 5}, {"name": "Outside", "kind": "plan", "due_day": 11}]},
    {"name": "Start", "start_day": 1, "end_day": 10, "milestones": [{"name": "X", "kind": "party", "due_day": 5}]},
])
def test_the_api_refuses_a_bad_phase_with_4xx_and_saves_nothing(client, manager, program, payload):
    client.force_login(manager.user)
    response = client.post(f"/api/programs/{program.pk}/phases", payload, content_type="application/json")
    assert 400 <= response.status_code < 500, response.content
    assert response.json()["code"]
    assert not Phase.objects.exists() and not ProgramMilestone.objects.exists()


def test_the_openapi_document_states_the_phase_constraints(client):
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]
    phase = schema["PhaseIn"]["properties"]
    assert phase["name"]["maxLength"] == 120 and phase["start_day"]["minimum"] == 1
    assert phase["end_day"]["maximum"] == 3660
    capacity = schema["FromTemplateIn"]["properties"]["default_mentor_capacity"]
    assert {"minimum": 1, "maximum": 20}.items() <= capacity["anyOf"][0].items()
    assert "teach_back" in schema["MilestoneKind"]["enum"] and "program_team" in schema["Concerns"]["enum"]


def test_closing_a_program_emits_program_closed_once_committed(django_capture_on_commit_callbacks, program, manager):
    from tandem.core import events

    seen = []

    def handler(**ids):
        seen.append(ids)

    events.subscribe("program.closed", handler)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.program_close(program=program, actor=manager.user)
    finally:
        events._subscribers["program.closed"].remove(handler)
    assert seen == [{"program_id": program.pk, "actor_user_id": manager.user.pk}]
    program.refresh_from_db()
    assert program.status == ProgramStatus.CLOSED


def test_closing_from_the_page_emits_program_closed(client, django_capture_on_commit_callbacks, program, manager):
    from tandem.core import events

    seen = []

    def handler(**ids):
        seen.append(ids)

    events.subscribe("program.closed", handler)
    client.force_login(manager.user)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"/programs/{program.pk}/status/", {"status": "closed"})
    finally:
        events._subscribers["program.closed"].remove(handler)
    assert seen == [{"program_id": program.pk, "actor_user_id": manager.user.pk}]


def test_creating_a_program_and_enrolling_emit_their_events(django_capture_on_commit_callbacks, manager):
    from tandem.core import events

    seen = []

    def created(**ids):
        seen.append(("created", ids))

    def changed(**ids):
        seen.append(("changed", ids))

    events.subscribe("program.created", created)
    events.subscribe("enrolment.changed", changed)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            program = program_of(manager, actor=manager.user)
        people = [PersonFactory(), PersonFactory()]
        with django_capture_on_commit_callbacks(execute=True):
            services.enrolment_add(program=program, people=people, role="mentee")
        with django_capture_on_commit_callbacks(execute=True):
            services.enrolment_add(program=program, people=people, role="mentee")  # nothing changes
    finally:
        events._subscribers["program.created"].remove(created)
        events._subscribers["enrolment.changed"].remove(changed)
    assert seen == [("created", {"program_id": program.pk, "actor_user_id": manager.user.pk}),
                    ("changed", {"program_id": program.pk, "person_ids": [p.pk for p in people]})]


def test_the_manager_sets_who_signs_the_agreement_on_the_edit_page(client, manager):
    program = services.program_create_from_template(template_code="reverse_6m", name="Reverse", owner=manager,
                                                    starts_on=D(2027, 1, 1))
    client.force_login(manager.user)
    form = client.get(f"/programs/{program.pk}/edit/").content.decode()
    assert 'name="agreement_signers"' in form and 'value="line_manager"' in form
    client.post(f"/programs/{program.pk}/edit/", {
        "name": "Reverse", "program_type": "reverse", "matching_mode": "choose", "starts_on": "2027-01-01",
        "ends_on": "2027-07-01", "default_mentor_capacity": 1, "agreement_required": "on",
        "agreement_signers": ["line_manager"]})
    program.refresh_from_db()
    assert program.signer_parties == ["mentor", "mentee", "line_manager"] and program.agreement_required
    assert "Mentee&#x27;s line manager" in client.get(f"/programs/{program.pk}/").content.decode()


def test_the_enrol_api_states_and_enforces_its_bounds(client, manager, program):
    client.force_login(manager.user)
    person = PersonFactory()
    for payload in ({"role": "boss", "employee_ids": [person.employee_id]},
                    {"role": "mentor", "employee_ids": [person.employee_id], "capacity": 21},
                    {"role": "mentor", "employee_ids": ["x" * 41]}):
        response = client.post(f"/api/programs/{program.pk}/enrolments", payload, content_type="application/json")
        assert response.status_code == 422, payload
    schema = client.get("/api/openapi.json").json()["components"]["schemas"]["EnrolIn"]["properties"]
    assert schema["employee_ids"]["items"]["maxLength"] == 40
    assert not program.enrolments.exists()


def test_the_timeline_pages_take_a_constant_number_of_queries(client, manager, django_assert_max_num_queries):
    program = services.program_create_from_template(template_code="graduate_cohort", name="Grads", owner=manager,
                                                    starts_on=D(2027, 1, 1))
    client.force_login(manager.user)
    for url in (f"/programs/{program.pk}/", f"/programs/{program.pk}/timeline/", f"/api/programs/{program.pk}/phases"):
        client.get(url)  # warm caches (session, actor)
        with django_assert_max_num_queries(24):  # 19 milestones (N+1 would be far above); the program page also asks its duties, teach-back and insights slots
            assert client.get(url).status_code == 200


def test_a_start_date_beyond_the_calendar_window_is_refused_not_a_500(client, manager):
    client.force_login(manager.user)
    response = client.post("/programs/templates/reverse_6m/", {"reverse_6m-name": "Far", "reverse_6m-starts_on":
                                                               "9999-12-31"})
    assert response.status_code == 400 and not manager.owned_programs.exists()


def test_closing_a_program_completes_its_active_pairs(client, django_capture_on_commit_callbacks, program, manager):
    from tandem.mentorships.models import Mentorship, MentorshipStatus

    pair = Mentorship.objects.create(program=program, mentor=PersonFactory(), mentee=PersonFactory(),
                                     status=MentorshipStatus.ACTIVE, origin="manual", started_on=D(2027, 1, 10))
    client.force_login(manager.user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/programs/{program.pk}/status/", {"status": "closed"})
    pair.refresh_from_db()
    assert pair.status == MentorshipStatus.COMPLETED
