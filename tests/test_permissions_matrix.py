"""Every role x every page and endpoint: allowed or denied (403/404/redirect), never a 500,
never someone else's private data. The rules live in tandem.core.authz."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tandem.matching.models import RoundSeat, SelectionRound
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramType
from tests.factories import DepartmentFactory, RequirementFactory

IN_PROGRAM = {"hr", "program_manager", "mentor", "mentee"}
ROLES = ["anonymous", "hr", "program_manager", "department_head", "line_manager", "mentor", "mentee", "colleague"]


@pytest.fixture
def org(db, make_person):
    """A small organisation in which each role has a clear relation to `subject`."""
    root = DepartmentFactory(code="ROOT", name="Root")
    team = DepartmentFactory(code="TEAM", name="Team", parent=root)
    other = DepartmentFactory(code="OTHER", name="Other")
    req = RequirementFactory(target_level=4)
    head = make_person(department=root)
    root.head = head
    root.save(update_fields=["head"])
    line_manager = make_person(department=team, manager=head)
    subject = make_person(department=team, manager=line_manager, job_profile=req.job_profile)
    people = {
        "hr": make_person(groups=["hr_admin"], department=other),
        "program_manager": make_person(groups=["program_manager"], department=other),
        "department_head": head,
        "line_manager": line_manager,
        "mentor": make_person(department=other, mentor_capacity=2),
        "mentee": subject,
        "colleague": make_person(department=other),
    }
    program = Program.objects.create(
        name="P", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
        starts_on="2026-01-01", ends_on="2026-12-31", owner=people["program_manager"],
    )
    Mentorship.objects.create(program=program, mentor=people["mentor"], mentee=subject,
                              status=MentorshipStatus.ACTIVE, origin=MentorshipOrigin.MANUAL)
    Enrolment.objects.create(program=program, person=subject, role="mentee")
    Enrolment.objects.create(program=program, person=people["mentor"], role="mentor")
    # A graduate cohort: the subject is a graduate; the head's department takes part in the round.
    cohort = Program.objects.create(
        name="Cohort", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        starts_on="2026-01-01", ends_on="2026-12-31", owner=people["program_manager"],
    )
    Enrolment.objects.create(program=cohort, person=subject, role="mentee")
    selection_round = SelectionRound.objects.create(
        program=cohort, name="R", deadline=timezone.now() + datetime.timedelta(days=5))
    RoundSeat.objects.create(round=selection_round, department=root, seats=2)
    return {"people": people, "subject": subject, "competency": req.competency, "program": program,
            "cohort": cohort, "round": selection_round, "root": root}


def client_for(client, org, role):
    if role != "anonymous":
        client.force_login(org["people"][role].user)
    return client


# (name, method, url template, data, roles allowed). {e} = the subject's employee ID.
PAGES = [
    ("home", "get", "/", None, set(ROLES) - {"anonymous"}),
    ("directory", "get", "/people/", None, set(ROLES) - {"anonymous"}),
    ("profile", "get", "/people/{e}/", None, set(ROLES) - {"anonymous"}),
    ("profile edit", "get", "/people/{e}/edit/", None, {"hr", "mentee"}),
    ("departments", "get", "/departments/", None, set(ROLES) - {"anonymous"}),
    ("competencies", "get", "/competencies/", None, set(ROLES) - {"anonymous"}),
    ("tokens", "get", "/account/tokens/", None, set(ROLES) - {"anonymous"}),
    ("imports", "get", "/imports/", None, {"hr"}),
    ("admin", "get", "/admin/", None, set()),  # nobody here is staff
    ("programs", "get", "/programs/", None, set(ROLES) - {"anonymous"}),
    ("new program", "get", "/programs/new/", None, {"hr", "program_manager"}),
    ("program", "get", "/programs/{p}/", None, IN_PROGRAM),
    ("recommendations", "get", "/programs/{p}/recommendations/", None, {"mentee"}),
    ("mentor requests", "get", "/programs/{p}/requests/", None, {"mentor"}),
    ("pairs", "get", "/programs/{p}/pairs/", None, IN_PROGRAM),
    ("bulk match", "get", "/programs/{p}/bulk/", None, {"hr", "program_manager"}),
    ("rounds", "get", "/programs/{c}/rounds/", None, {"hr", "program_manager", "mentee", "department_head"}),
    ("round", "get", "/programs/{c}/rounds/{r}/", None, {"hr", "program_manager", "mentee", "department_head"}),
]
API = [
    ("me", "get", "/api/me", set(ROLES) - {"anonymous"}),
    ("people", "get", "/api/people", set(ROLES) - {"anonymous"}),
    ("person", "get", "/api/people/{e}", set(ROLES) - {"anonymous"}),
    ("competencies", "get", "/api/people/{e}/competencies",
     {"hr", "program_manager", "department_head", "line_manager", "mentor", "mentee"}),
    ("departments", "get", "/api/departments", set(ROLES) - {"anonymous"}),
    ("topics of a person", "get", "/api/people/{e}/topics", set(ROLES) - {"anonymous"}),
    ("tokens", "get", "/api/tokens", set(ROLES) - {"anonymous"}),
    ("programs", "get", "/api/programs", set(ROLES) - {"anonymous"}),
    ("program", "get", "/api/programs/{p}", IN_PROGRAM),
    ("recommendations", "get", "/api/programs/{p}/recommendations", {"mentee"}),
    ("program pairs", "get", "/api/programs/{p}/mentorships", IN_PROGRAM),
    ("match constraints", "get", "/api/programs/{p}/match-constraints", {"hr", "program_manager"}),
    ("round", "get", "/api/rounds/{r}", {"hr", "program_manager", "mentee", "department_head"}),
    ("round results", "get", "/api/rounds/{r}/results", {"hr", "program_manager", "mentee", "department_head"}),
    ("my ranking", "get", "/api/rounds/{r}/my-ranking", {"mentee"}),
    ("department ranking", "get", "/api/rounds/{r}/departments/ROOT/ranking", {"department_head"}),
]
# Who may record which kind of rating for the subject (source 002's boundaries).
RATINGS = {
    "self": {"mentee"},
    "manager": {"line_manager", "department_head"},
    "mentor": {"mentor"},
    "assessment": {"hr"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,url,data,allowed", PAGES, ids=[p[0] for p in PAGES])
def test_page_access_follows_the_rules(client, org, role, name, method, url, data, allowed):
    c = client_for(client, org, role)
    response = getattr(c, method)(url.format(e=org["subject"].employee_id, p=org["program"].pk, c=org["cohort"].pk, r=org["round"].pk))
    assert response.status_code != 500
    if role in allowed:
        assert response.status_code == 200, f"{role} should open {name}"
    elif role == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
    else:
        assert response.status_code in (302, 403, 404), f"{role} should not open {name}"
        if response.status_code == 302:
            assert "login" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name,method,url,allowed", API, ids=[a[0] for a in API])
def test_api_access_follows_the_rules(client, org, role, name, method, url, allowed):
    c = client_for(client, org, role)
    response = getattr(c, method)(url.format(e=org["subject"].employee_id, p=org["program"].pk, c=org["cohort"].pk, r=org["round"].pk))
    if role in allowed:
        assert response.status_code == 200, f"{role} should call {name}: {response.content[:200]}"
    elif role == "anonymous":
        assert response.status_code == 401
    else:
        assert response.status_code in (403, 404)
        assert "level" not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("source", sorted(RATINGS))
def test_only_the_right_roles_record_each_kind_of_rating(client, org, role, source):
    from tandem.people.models import CompetencyRating

    c = client_for(client, org, role)
    before = CompetencyRating.objects.count()
    response = c.post(
        f"/api/people/{org['subject'].employee_id}/ratings",
        {"competency": org["competency"].code, "level": 3, "source": source},
        content_type="application/json",
    )
    if role in RATINGS[source]:
        assert response.status_code == 201
        assert CompetencyRating.objects.count() == before + 1
    else:
        assert response.status_code in (401, 403)
        assert CompetencyRating.objects.count() == before


def test_competency_section_of_profile_is_hidden_from_unrelated_colleagues(client, org):
    client.force_login(org["people"]["colleague"].user)
    html = client.get(f"/people/{org['subject'].employee_id}/").content.decode()
    assert "Competencies and gaps" not in html
    client.force_login(org["people"]["mentor"].user)
    html = client.get(f"/people/{org['subject'].employee_id}/").content.decode()
    assert "Competencies and gaps" in html


def test_mentor_cannot_write_the_mentees_self_assessment(client, org):
    from tandem.people.models import SelfAssessment

    client.force_login(org["people"]["mentor"].user)
    response = client.post(
        f"/people/{org['subject'].employee_id}/self-assessment/",
        {"strengths": "x", "development_areas": "y"},
    )
    assert response.status_code == 403
    assert not SelfAssessment.objects.exists()


def test_mentor_cannot_edit_the_mentees_topics_or_profile(client, org):
    client.force_login(org["people"]["mentor"].user)
    response = client.post(f"/people/{org['subject'].employee_id}/edit/", {"bio": "hijacked"})
    assert response.status_code == 403
    org["subject"].refresh_from_db()
    assert org["subject"].bio != "hijacked"


def test_unknown_person_is_404_not_500(client, org):
    client.force_login(org["people"]["hr"].user)
    assert client.get("/people/NOPE/").status_code == 404
    assert client.get("/api/people/NOPE").status_code == 404


def test_actor_of_anonymous_user_has_no_roles():
    from tandem.core.authz import actor_for

    assert actor_for(AnonymousUser()).roles == []


@pytest.mark.parametrize("role", ROLES)
def test_only_the_person_or_hr_replace_their_topics_and_only_the_person_self_assesses(client, org, role):
    from tandem.people.models import PersonTopic, SelfAssessment
    from tests.factories import TopicFactory

    topic = TopicFactory(code="trends")
    c = client_for(client, org, role)
    e = org["subject"].employee_id
    r1 = c.put(f"/api/people/{e}/topics", {"can_teach": ["trends"], "want_to_learn": []},
               content_type="application/json")
    r2 = c.post(f"/api/people/{e}/self-assessments", {"strengths": "a", "development_areas": "b"},
                content_type="application/json")
    assert (r1.status_code == 200) == (role in {"mentee", "hr"})
    assert PersonTopic.objects.filter(topic=topic).exists() == (role in {"mentee", "hr"})
    assert (r2.status_code == 201) == (role == "mentee")
    assert SelfAssessment.objects.exists() == (role == "mentee")
    assert r1.status_code != 500 and r2.status_code != 500
