"""Survey schedules, templates and the results export: every role × every new page and endpoint,
and the anonymity rules in the export and the API (a breakdown below the threshold is hidden on
the page, in the API and in the CSV / XLSX export)."""

from __future__ import annotations

import io
import json

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tandem.assessments import survey_services as svc
from tandem.assessments.models import SurveySchedule, SurveyTemplate, SurveyTemplateVersion
from tandem.programs.models import MilestoneKind, Phase, Program, ProgramMilestone
from tests.factories import UserFactory, actor_of

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "pm_no_person", "mentor", "mentee", "employee",
         "no_person"]
TEAM = {"hr", "owner"}
# templates are shared by every program: any program manager's role, even one owning nothing or
# with no linked person, edits them; a program's schedules are its team's
TEMPLATE_EDITORS = {"hr", "owner", "pm_owning_nothing", "pm_no_person"}

SAT = {"overall": 4, "useful": 5, "organisation": "well", "helped": ["plan"], "change": "SECRET-TEXT"}


@pytest.fixture
def world(survey_world):
    w = survey_world
    phase = Phase.objects.create(program=w.program, order=1, name="Middle", start_day=1, end_day=240)
    w.milestone = ProgramMilestone.objects.create(phase=phase, name="Mid-point", kind=MilestoneKind.SURVEY,
                                                  due_day=200)
    w.schedule = svc.survey_schedule_add(program=w.program, actor=actor_of(w.owner),
                                         template=SurveyTemplate.objects.get(code="program_nps"), after_sessions=3)
    w.survey = svc.survey_send(template=SurveyTemplate.objects.get(code="participant_satisfaction"),
                               actor=actor_of(w.owner), program=w.program)
    for p in w.mentees:
        svc.survey_respond(survey=w.survey, actor=actor_of(p), answers=SAT)
    svc.survey_close(survey=w.survey, actor=actor_of(w.owner))
    w.people = {"hr": w.hr, "owner": w.owner, "pm_owning_nothing": w.other_pm, "mentor": w.mentor_a,
                "mentee": w.mentees[0], "employee": w.outsider}
    return w


def login(client, w, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role == "pm_no_person":
        client.force_login(UserFactory(groups=["program_manager"]))
    elif role != "anonymous":
        client.force_login(w.people[role].user)
    return client


def reads(w):
    t = SurveyTemplate.objects.get(code="program_nps")
    return [
        ("program surveys page", f"/programs/{w.program.pk}/surveys/", TEAM),
        ("templates page", "/survey-templates/", TEMPLATE_EDITORS),
        ("new template page", "/survey-templates/new/", TEMPLATE_EDITORS),
        ("template page", f"/survey-templates/{t.pk}/", TEMPLATE_EDITORS),
        ("export csv", f"/surveys/{w.survey.pk}/export.csv", TEAM),
        ("export xlsx", f"/surveys/{w.survey.pk}/export.xlsx?breakdown=department", TEAM),
        ("api templates", "/api/survey-templates", TEMPLATE_EDITORS),
        ("api template", f"/api/survey-templates/{t.pk}", TEMPLATE_EDITORS),
        ("api schedules", f"/api/programs/{w.program.pk}/survey-schedules", TEAM),
        ("schedule results", f"/survey-schedules/{w.schedule.pk}/results/?by=mentor", TEAM),
        ("api schedule results", f"/api/survey-schedules/{w.schedule.pk}/results?by=mentor", TEAM),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_reads(client, world, role):
    c = login(client, world, role)
    for name, url, allowed in reads(world):
        r = c.get(url)
        if role == "anonymous":
            assert r.status_code in (302, 401), (name, r.status_code)
        elif role in allowed:
            assert r.status_code == 200, (name, role, r.status_code)
        else:
            assert r.status_code in (403, 404), (name, role, r.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_only_the_program_team_adds_and_removes_schedules(client, world, role):
    w = world
    c = login(client, w, role)
    r = c.post(f"/api/programs/{w.program.pk}/survey-schedules",
               json.dumps({"template": "program_nps", "milestone_id": w.milestone.pk, "open_days": 7}),
               content_type="application/json")
    page = c.post(f"/programs/{w.program.pk}/surveys/schedules/",
                  {"template": "participant_satisfaction", "when": "sessions", "after_sessions": "5",
                   "open_days": "10"})
    gone = c.delete(f"/api/survey-schedules/{w.schedule.pk}")
    if role in TEAM:
        assert r.status_code == 201 and r.json()["milestone_id"] == w.milestone.pk
        assert page.status_code == 302
        assert gone.status_code == 204
        assert SurveySchedule.objects.count() == 2
    else:
        assert r.status_code in (401, 403, 404), (role, r.status_code)
        assert page.status_code in (302, 403, 404) and (role == "anonymous" or page.status_code != 302)
        assert gone.status_code in (401, 403, 404)
        assert list(SurveySchedule.objects.values_list("pk", flat=True)) == [w.schedule.pk]


@pytest.mark.parametrize("role", ROLES)
def test_only_hr_writes_a_shipped_templates_next_version(client, world, role):
    # a shipped template has no creator: a program manager starts their own from it instead
    # (tests/assessments/test_survey_template_owner.py)
    c = login(client, world, role)
    t = SurveyTemplate.objects.get(code="program_nps")
    before = SurveyTemplateVersion.objects.count()
    r = c.post(f"/api/survey-templates/{t.pk}/versions",
               json.dumps({"questions": [{"code": "recommend", "kind": "nps", "text": "Recommend?"}]}),
               content_type="application/json")
    if role == "hr":
        assert r.status_code == 201 and [v["number"] for v in r.json()["versions"]] == [2, 1]
        assert SurveyTemplateVersion.objects.count() == before + 1
    else:
        assert r.status_code in (401, 403), (role, r.status_code)
        assert SurveyTemplateVersion.objects.count() == before


def test_a_program_manager_cannot_touch_another_programs_schedules(client, world):
    w = world
    other = Program.objects.create(name="Other", program_type="classic", matching_mode="choose", status="running",
                                   starts_on=w.program.starts_on, ends_on=w.program.ends_on, owner=w.other_pm)
    theirs = svc.survey_schedule_add(program=other, actor=actor_of(w.other_pm),
                                     template=SurveyTemplate.objects.get(code="program_nps"), after_sessions=1)
    client.force_login(w.owner.user)
    assert client.delete(f"/api/survey-schedules/{theirs.pk}").status_code in (403, 404)
    assert client.post(f"/survey-schedules/{theirs.pk}/remove/").status_code in (403, 404)
    assert client.get(f"/api/programs/{other.pk}/survey-schedules").status_code in (403, 404)
    assert SurveySchedule.objects.filter(pk=theirs.pk).exists()


def test_the_api_creates_a_template_and_refuses_bad_input_with_field_errors(client, world):
    client.force_login(world.hr.user)
    body = {"code": "api_made", "name": {"en": "Made by API", "ru": "Из API"}, "threshold": 3,
            "questions": [{"code": "q", "kind": "single", "text": {"en": "Pick"},
                           "choices": [{"code": "a", "label": "A"}, {"code": "b", "label": {"en": "B"}}]}]}
    r = client.post("/api/survey-templates", json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and r.json()["versions"][0]["questions"][0]["choices"][1]["label"] == "B"
    bad = body | {"code": "api_bad", "threshold": 2, "name": {"ru": "Без английского"}}
    r = client.post("/api/survey-templates", json.dumps(bad), content_type="application/json")
    assert r.status_code == 400 and r.json()["code"] == "validation_failed"
    errors = r.json()["errors"]
    assert {"threshold", "name.en"} <= set(errors)
    nul = body | {"code": "api_nul", "name": {"en": "Nul\x00"}}
    r = client.post("/api/survey-templates", json.dumps(nul), content_type="application/json")
    assert r.status_code == 400 and r.json()["message"]
    assert not SurveyTemplate.objects.filter(code__in=["api_bad", "api_nul"]).exists()


def test_the_schedule_form_says_what_is_wrong(client, world):
    w = world
    client.force_login(w.owner.user)
    r = client.post(f"/programs/{w.program.pk}/surveys/schedules/",
                    {"template": "program_nps", "when": "sessions", "after_sessions": "", "open_days": "10"})
    assert r.status_code == 400
    assert "Send either at a survey milestone or after a number of held sessions" in r.content.decode()
    page = client.get(f"/programs/{w.program.pk}/surveys/").content.decode()
    assert "Mid-point" in page  # the survey milestone is offered
    assert "After 3 held sessions" in page


# -- the anonymity rules in the export and the API -------------------------------------------------


def _xlsx_rows(response):
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content))
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def _csv(response):
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_a_breakdown_below_the_threshold_is_hidden_on_page_api_and_exports(client, world):
    """Sales 5, Ops 3 answers: by department the Ops group (and Sales' complement) is under 5."""
    w = world
    client.force_login(w.owner.user)
    page = client.get(f"/surveys/{w.survey.pk}/results/?breakdown=department").content.decode()
    assert "This breakdown is not shown" in page and "Ops" not in page
    api = client.get(f"/api/surveys/{w.survey.pk}/results?breakdown=department").json()
    assert api["breakdown"]["shown"] is False and "cells" not in api["breakdown"]
    text = _csv(client.get(f"/surveys/{w.survey.pk}/export.csv?breakdown=department"))
    assert "Ops" not in text and "Sales" not in text and "This breakdown is not shown" in text
    rows = _xlsx_rows(client.get(f"/surveys/{w.survey.pk}/export.xlsx?breakdown=department"))
    groups = {r[0] for r in rows[1:]}
    assert groups == {"Everyone", "Breakdown"}
    assert all(r[1] in (8, "", None) for r in rows[1:])  # only the whole survey's n


def test_a_breakdown_that_is_safe_is_in_the_export_with_its_n(client, world):
    w = world
    client.force_login(w.owner.user)
    # everyone has the same job profile: one cell of 8, nothing to subtract
    rows = _xlsx_rows(client.get(f"/surveys/{w.survey.pk}/export.xlsx?breakdown=job_profile"))
    cells = {(r[0], r[1]) for r in rows[1:]}
    assert ("Everyone", 8) in cells and len(cells) == 2
    overall = [r for r in rows[1:] if r[0] == "Everyone" and r[3] == "scale" and r[7] == "4"]
    assert overall and overall[0][4] == 8 and overall[0][5] == 4


def test_below_the_threshold_the_export_has_no_figures_at_all(client, world):
    w = world
    s = svc.survey_send(template=SurveyTemplate.objects.get(code="program_nps"), actor=actor_of(w.owner),
                        program=w.program)
    for p in w.mentees[:4]:
        svc.survey_respond(survey=s, actor=actor_of(p), answers={"recommend": 10, "why": "HIDDEN-WHY"})
    svc.survey_close(survey=s, actor=actor_of(w.owner))
    client.force_login(w.hr.user)
    for fmt in ("csv", "xlsx"):
        r = client.get(f"/surveys/{s.pk}/export.{fmt}?breakdown=department")
        body = _csv(r) if fmt == "csv" else json.dumps(_xlsx_rows(r), ensure_ascii=False)
        assert "HIDDEN-WHY" not in body and "Not enough answers yet" in body
        assert "10" not in body.replace(str(s.pk), "")


def test_the_nps_export_carries_promoters_passives_detractors(client, world):
    w = world
    s = svc.survey_send(template=SurveyTemplate.objects.get(code="program_nps"), actor=actor_of(w.owner),
                        program=w.program)
    for p, v in zip(w.mentees, [10, 9, 9, 8, 7, 3, 10, 6], strict=True):
        svc.survey_respond(survey=s, actor=actor_of(p), answers={"recommend": v})
    svc.survey_close(survey=s, actor=actor_of(w.owner))
    client.force_login(w.owner.user)
    rows = _xlsx_rows(client.get(f"/surveys/{s.pk}/export.xlsx"))
    nps = {r[6] for r in rows[1:] if r[3] == "nps"}
    assert nps == {"NPS 25: 4 promoters, 2 passives, 2 detractors"}
    assert client.get(f"/surveys/{s.pk}/export.pdf").status_code == 404
    assert timezone.now()  # the survey closed above: results are final


def test_the_surveys_page_and_the_templates_list_keep_their_query_counts_flat(client, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    w = world
    client.force_login(w.owner.user)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    before = (count(f"/programs/{w.program.pk}/surveys/"), count("/survey-templates/"))
    for code in ("participant_satisfaction", "self_perception", "mentor_effectiveness"):
        svc.survey_schedule_add(program=w.program, actor=actor_of(w.owner),
                                template=SurveyTemplate.objects.get(code=code), after_sessions=2)
        svc.survey_template_create(actor=actor_of(w.hr), code=f"extra_{code}", name="Extra", questions=[
            {"code": "q", "kind": "scale", "text": "Q"}])
    assert (count(f"/programs/{w.program.pk}/surveys/"), count("/survey-templates/")) == before
