"""Ready-made templates: the data, and copying one into a new program (service, page, API)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from tandem.core.errors import ValidationFailed
from tandem.programs import services
from tandem.programs.blueprints import all_blueprints, get_blueprint
from tandem.programs.models import CadenceDuty, Phase, Program, ProgramMilestone
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def from_template(code, owner=None, **kw):
    return services.program_create_from_template(template_code=code, name=kw.pop("name", "From template"),
                                                 starts_on=kw.pop("starts_on", D(2027, 1, 4)),
                                                 owner=owner or PersonFactory(), actor=None, **kw)


@pytest.mark.parametrize("bp", all_blueprints(), ids=lambda bp: bp.code)
def test_every_template_is_translated_and_fits_its_own_timeline(bp):
    texts = [bp.name, bp.description] + [p.name for p in bp.phases] + [m.name for p in bp.phases
                                                                       for m in p.milestones]
    texts += [d.name for d in bp.duties]
    for text in texts:
        assert {"en", "zh-hans", "ru"} <= set(text), text
        assert all(text[lang].strip() for lang in ("en", "zh-hans", "ru")), text
    for phase in bp.phases:
        assert 1 <= phase.start_day <= phase.end_day <= bp.length_days
        for m in phase.milestones:
            assert phase.start_day <= m.due_day <= phase.end_day, m.name["en"]


def test_the_new_manager_template_has_teach_back_on_days_46_48_50_and_the_role_on_day_61():
    bp = get_blueprint("new_manager_60")
    days = {m.kind: [] for p in bp.phases for m in p.milestones}
    for p in bp.phases:
        for m in p.milestones:
            days[m.kind].append(m.due_day)
    learning = bp.phases[0]
    assert (learning.start_day, learning.end_day) == (1, 45)
    assert days["teach_back"] == [46, 48, 50]
    start_in_role = next(m for p in bp.phases for m in p.milestones if m.name["en"] == "Start in role")
    assert start_in_role.due_day == 61
    follow_ups = [m.due_day for p in bp.phases for m in p.milestones if m.name["en"].startswith("Follow-up")]
    assert follow_ups == [61 + 90, 61 + 182]


def test_the_graduate_template_has_three_stages_eleven_nodes_and_retention_talks():
    bp = get_blueprint("graduate_cohort")
    assert [p.name["en"] for p in bp.phases] == ["Preparation", "Operation", "Conversion"]
    nodes = [m for p in bp.phases for m in p.milestones if m.name["en"][:3].rstrip(". ").isdigit()]
    assert len(nodes) == 11
    talks = sorted(m.due_day for p in bp.phases for m in p.milestones if m.kind == "alumni_talk")
    assert talks == [7, 30, 90, 182]
    selection = next(m for m in nodes if "selection" in m.name["en"])
    placement = next(m for m in nodes if "placement" in m.name["en"])
    assert selection.due_day < placement.due_day
    assert bp.matching_mode == "mutual_selection"
    assert set(bp.agreement_signers) == {"department_head", "program_team"}


def test_the_reverse_and_classic_templates_carry_their_cadence():
    reverse = get_blueprint("reverse_6m")
    weekly = next(d for d in reverse.duties if d.period == "weekly")
    assert (weekly.requirement, weekly.params, weekly.required) == ("session", {"min_count": 1, "min_minutes": 90},
                                                                    True)
    kinds = [m.kind for p in reverse.phases for m in p.milestones]
    assert kinds.count("competency_review") == 2 and "agreement" in kinds
    classic = {d.requirement: d for d in get_blueprint("classic_12m").duties}
    assert (classic["session_in_depth"].period, classic["session_in_depth"].required) == ("monthly", True)
    assert (classic["mentor_assessment"].period, classic["mentor_assessment"].required) == ("quarterly", True)
    assert (classic["shared_case"].period, classic["shared_case"].required) == ("yearly", True)
    assert not classic["resource_shared"].required and not classic["contact_brokered"].required


def test_creating_from_a_template_copies_phases_milestones_duties_and_translations():
    bp = get_blueprint("classic_12m")
    program = from_template("classic_12m", name="Mentoring 2027")
    assert (program.template_code, program.program_type, program.matching_mode) == ("classic_12m", "classic", "choose")
    assert program.ends_on == D(2027, 1, 4) + datetime.timedelta(days=bp.length_days - 1)
    assert program.default_mentor_capacity == bp.default_mentor_capacity and program.agreement_required
    phases = list(Phase.objects.filter(program=program).order_by("order"))
    assert [p.name for p in phases] == [p.name["en"] for p in bp.phases]
    assert phases[0].translations["ru"]["name"] == bp.phases[0].name["ru"]
    assert ProgramMilestone.objects.filter(phase__program=program).count() == bp.milestone_count
    duties = CadenceDuty.objects.filter(program=program)
    assert sorted(d.code for d in duties) == sorted(d.code for d in bp.duties)
    monthly = duties.get(requirement="session_in_depth")
    with translation.override("zh-hans"):
        assert str(monthly) == "每月1次深度辅导" and str(phases[0]) == bp.phases[0].name["zh-hans"]
    with translation.override("en"):
        assert str(monthly) == "Monthly in-depth session"


def test_a_copied_program_is_editable_without_touching_the_template():
    program = from_template("reverse_6m")
    phase = program.phases.order_by("order").first()
    services.phase_update(phase=phase, name="Kick-off", start_day=1, end_day=21)
    assert get_blueprint("reverse_6m").phases[0].name["en"] == "Getting started"
    assert from_template("reverse_6m").phases.order_by("order").first().name == "Getting started"


def test_the_template_agreement_settings_are_copied():
    assert from_template("reverse_6m").signer_parties == ["mentor", "mentee"]
    cohort = from_template("graduate_cohort")
    assert cohort.signer_parties == ["mentor", "mentee", "department_head", "program_team"]


def test_an_unknown_template_or_a_too_short_program_creates_nothing():
    with pytest.raises(ValidationFailed) as exc:
        from_template("no_such_template")
    assert "template_code" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        from_template("classic_12m", ends_on=D(2027, 3, 1))
    assert "ends_on" in exc.value.errors
    assert not Program.objects.exists() and not Phase.objects.exists()


def test_hr_creates_a_program_from_a_template_on_the_page(client, make_person):
    hr = make_person(groups=["hr_admin"])
    client.force_login(hr.user)
    page = client.get("/programs/templates/")
    assert page.status_code == 200
    for bp in all_blueprints():
        assert f'data-template="{bp.code}"' in page.content.decode()
    response = client.post("/programs/templates/reverse_6m/", {"reverse_6m-name": "Reverse 2027",
                                                               "reverse_6m-starts_on": "2027-02-01"})
    program = Program.objects.get(name="Reverse 2027")
    assert response.status_code == 302 and response["Location"] == f"/programs/{program.pk}/"
    assert program.owner == hr and program.phases.count() == 3 and program.ends_on == D(2027, 8, 1)


def test_the_template_page_speaks_the_visitors_language(client, make_person):
    client.force_login(make_person(groups=["program_manager"]).user)
    page = client.get("/programs/templates/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Полугодовое реверсивное наставничество" in page and "Подготовка" in page


def test_a_bad_template_form_shows_the_error_and_creates_nothing(client, make_person):
    client.force_login(make_person(groups=["program_manager"]).user)
    response = client.post("/programs/templates/classic_12m/", {"classic_12m-name": "",
                                                                "classic_12m-starts_on": "2027-02-01"})
    assert response.status_code == 400 and not Program.objects.exists()
    response = client.post("/programs/templates/classic_12m/", {"classic_12m-name": "X",
                                                                "classic_12m-starts_on": "2027-02-01",
                                                                "classic_12m-ends_on": "2027-03-01"})
    assert response.status_code == 400 and "365" in response.content.decode() and not Program.objects.exists()


def test_the_api_lists_templates_and_creates_from_one(client, make_person):
    manager = make_person(groups=["program_manager"])
    client.force_login(manager.user)
    listed = client.get("/api/program-templates").json()
    assert [t["code"] for t in listed] == [bp.code for bp in all_blueprints()]
    reverse = next(t for t in listed if t["code"] == "reverse_6m")
    assert reverse["translations"]["zh-hans"]["name"] == "六个月反向导师计划"
    assert reverse["phases"][0]["milestones"][0]["kind"] == "competency_review"
    response = client.post("/api/programs/from-template", {"template_code": "graduate_cohort", "name": "Grads 2027",
                                                           "starts_on": "2027-09-01"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["template_code"], body["matching_mode"], body["owner"]) == ("graduate_cohort", "mutual_selection",
                                                                             manager.employee_id)
    phases = client.get(f"/api/programs/{body['id']}/phases").json()
    assert [p["name"] for p in phases] == ["Preparation", "Operation", "Conversion"]
    assert phases[0]["start_date"] == "2027-09-01" and phases[0]["milestones"][0]["status"] == "upcoming"
    cadence = client.get(f"/api/programs/{body['id']}/cadence").json()
    assert {d["requirement"] for d in cadence} == {"grai_review", "session_in_depth", "mentor_assessment"}


def test_the_api_refuses_bad_template_input_with_4xx_and_creates_nothing(client, make_person):
    client.force_login(make_person(groups=["program_manager"]).user)
    for payload in ({"template_code": "nope", "name": "X", "starts_on": "2027-01-01"},
                    {"template_code": "reverse_6m", "name": "Bad\x01name", "starts_on": "2027-01-01"},
                    {"template_code": "reverse_6m", "name": "X" * 161, "starts_on": "2027-01-01"},
                    {"template_code": "reverse_6m", "name": "X", "starts_on": "2027-01-01",
                     "default_mentor_capacity": 2**40},
                    {"template_code": "reverse_6m", "name": "X", "starts_on": "2027-01-01", "ends_on": "2027-02-01"}):
        response = client.post("/api/programs/from-template", payload, content_type="application/json")
        assert 400 <= response.status_code < 500, (payload, response.content)
        assert response.json()["code"]
    assert not Program.objects.exists()


def test_a_mentee_cannot_use_templates(client, make_person):
    client.force_login(make_person().user)
    assert client.get("/programs/templates/").status_code == 403
    assert client.get("/api/program-templates").status_code == 403
    response = client.post("/api/programs/from-template", {"template_code": "reverse_6m", "name": "X",
                                                           "starts_on": "2027-01-01"}, content_type="application/json")
    assert response.status_code == 403 and not Program.objects.exists()


def test_the_api_creates_a_program_with_its_agreement_settings(client, make_person):
    client.force_login(make_person(groups=["program_manager"]).user)
    response = client.post("/api/programs", {"name": "Classic", "program_type": "classic", "matching_mode": "choose",
                                             "starts_on": "2027-01-01", "ends_on": "2027-12-31",
                                             "agreement_signers": ["program_team", "line_manager"]},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["agreement_signers"] == ["line_manager", "program_team"]
    response = client.post("/api/programs", {"name": "Classic", "program_type": "classic", "matching_mode": "choose",
                                             "starts_on": "2027-01-01", "ends_on": "2027-12-31",
                                             "agreement_signers": ["ceo"]}, content_type="application/json")
    assert response.status_code == 422 and Program.objects.count() == 1
