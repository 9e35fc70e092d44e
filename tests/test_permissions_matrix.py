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
from tests.factories import DepartmentFactory, PersonFactory, RequirementFactory, UserFactory
from tests.shared_world import shared_world

# Roles the first rules missed (issue 13): a program manager who owns nothing, users with no linked
# person (one of them a program manager), mentors whose mentorship of the subject is only requested,
# at the introductory meeting, or over.
PENDING_MENTORS = {"requested_mentor", "intro_mentor"}
NO_PERSON = {"user_without_person", "pm_without_person"}
OTHER_PMS = {"pm_owning_nothing", "pm_without_person"}
ENROLLED_MENTORS = {"mentor"} | PENDING_MENTORS | {"former_mentor"}
IN_PROGRAM = {"hr", "program_manager", "mentee"} | ENROLLED_MENTORS
ROLES = ["anonymous", "hr", "program_manager", "department_head", "line_manager", "mentor", "mentee", "colleague",
         "pm_owning_nothing", "user_without_person", "pm_without_person", "requested_mentor", "intro_mentor",
         "former_mentor"]
SIGNED_IN = set(ROLES) - {"anonymous"}


def make_person(groups=(), **kwargs):
    return PersonFactory(user=UserFactory(groups=list(groups)), **kwargs)


def build_org():
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
        status="running",  # a draft is invisible to participants (tests/programs/test_admin_program_state.py)
    )
    people["pm_owning_nothing"] = make_person(groups=["program_manager"], department=other)
    for role, status in [("mentor", MentorshipStatus.ACTIVE), ("requested_mentor", MentorshipStatus.REQUESTED),
                         ("intro_mentor", MentorshipStatus.INTRO), ("former_mentor", MentorshipStatus.COMPLETED)]:
        people.setdefault(role, make_person(department=other, mentor_capacity=2))
        Mentorship.objects.create(program=program, mentor=people[role], mentee=subject, status=status,
                                  origin=MentorshipOrigin.REQUESTED)
        Enrolment.objects.create(program=program, person=people[role], role="mentor")
    Enrolment.objects.create(program=program, person=subject, role="mentee")
    users = {role: p.user for role, p in people.items()}
    users["user_without_person"] = UserFactory()
    users["pm_without_person"] = UserFactory(groups=["program_manager"])
    # A graduate cohort: the subject is a graduate; the head's department takes part in the round.
    cohort = Program.objects.create(
        name="Cohort", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        starts_on="2026-01-01", ends_on="2026-12-31", owner=people["program_manager"], status="running",
    )
    Enrolment.objects.create(program=cohort, person=subject, role="mentee")
    selection_round = SelectionRound.objects.create(
        program=cohort, name="R", deadline=timezone.now() + datetime.timedelta(days=5))
    RoundSeat.objects.create(round=selection_round, department=root, seats=2)
    return {"people": people, "users": users, "subject": subject, "competency": req.competency,
            "program": program, "cohort": cohort, "round": selection_round, "root": root}


# The organisation, built once for this module (tests/shared_world.py); each test's writes are undone.
_built, org = shared_world(build_org)


def client_for(client, org, role):
    if role != "anonymous":
        client.force_login(org["users"][role])
    return client


# (name, method, url template, data, roles allowed). {e} = the subject's employee ID.
PAGES = [
    ("home", "get", "/", None, SIGNED_IN),
    ("directory", "get", "/people/", None, SIGNED_IN),
    ("profile", "get", "/people/{e}/", None, SIGNED_IN),
    ("profile edit", "get", "/people/{e}/edit/", None, {"hr", "mentee"}),
    ("departments", "get", "/departments/", None, SIGNED_IN),
    ("competencies", "get", "/competencies/", None, SIGNED_IN),
    ("tokens", "get", "/account/tokens/", None, SIGNED_IN),
    ("imports", "get", "/imports/", None, {"hr"}),
    ("admin", "get", "/admin/", None, set()),  # nobody here is staff
    ("programs", "get", "/programs/", None, SIGNED_IN),
    ("new program", "get", "/programs/new/", None, {"hr", "program_manager", "pm_owning_nothing"}),
    # Another manager's program is visible (its figures), its people and pairs are not (tests below).
    ("program", "get", "/programs/{p}/", None, IN_PROGRAM | OTHER_PMS),
    ("recommendations", "get", "/programs/{p}/recommendations/", None, {"mentee"}),
    ("mentor requests", "get", "/programs/{p}/requests/", None, ENROLLED_MENTORS),
    ("pairs", "get", "/programs/{p}/pairs/", None, IN_PROGRAM | OTHER_PMS),
    ("bulk match", "get", "/programs/{p}/bulk/", None, {"hr", "program_manager"}),
    ("rounds", "get", "/programs/{c}/rounds/", None, {"hr", "program_manager", "mentee", "department_head"} | OTHER_PMS),
    ("round", "get", "/programs/{c}/rounds/{r}/", None,
     {"hr", "program_manager", "mentee", "department_head"} | OTHER_PMS),
]
# Ratings, gaps and self-assessments of the subject: never a pending or former mentor, a manager of
# someone else's program, or a user with no linked person.
SEES_COMPETENCIES = {"hr", "program_manager", "department_head", "line_manager", "mentor", "mentee"}
# Email, hire date, manager: HR, the person, their line manager, their active mentor.
SEES_CONTACT = {"hr", "mentee", "line_manager", "mentor"}
API = [
    ("me", "get", "/api/me", SIGNED_IN),
    ("people", "get", "/api/people", SIGNED_IN),
    ("person", "get", "/api/people/{e}", SIGNED_IN),
    ("competencies", "get", "/api/people/{e}/competencies", SEES_COMPETENCIES),
    ("departments", "get", "/api/departments", SIGNED_IN),
    ("topics of a person", "get", "/api/people/{e}/topics", SIGNED_IN),
    ("tokens", "get", "/api/tokens", SIGNED_IN),
    ("programs", "get", "/api/programs", SIGNED_IN),
    ("program", "get", "/api/programs/{p}", IN_PROGRAM | OTHER_PMS),
    ("recommendations", "get", "/api/programs/{p}/recommendations", {"mentee"}),
    ("program pairs", "get", "/api/programs/{p}/mentorships", IN_PROGRAM | OTHER_PMS),
    ("match constraints", "get", "/api/programs/{p}/match-constraints", {"hr", "program_manager"}),
    ("round", "get", "/api/rounds/{r}", {"hr", "program_manager", "mentee", "department_head"} | OTHER_PMS),
    ("round results", "get", "/api/rounds/{r}/results",
     {"hr", "program_manager", "mentee", "department_head"} | OTHER_PMS),
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


# -- issue 13: rights start with an ACTIVE mentorship, program managers are scoped, contact details --


@pytest.mark.parametrize("status", [s for s in MentorshipStatus.values if s != MentorshipStatus.ACTIVE])
def test_a_mentorship_that_is_not_active_gives_the_mentor_no_rights(client, org, status):
    # given a mentor whose only pairing with the subject is in this state (requested, intro, an
    # agreement still being signed, completed, cancelled ...)
    from tandem.core.authz import (
        actor_for,
        can_view_competencies,
        can_view_contact_details,
        rating_sources_allowed,
    )

    m = Mentorship.objects.get(mentor=org["people"]["mentor"], mentee=org["subject"])
    m.status = status
    m.save(update_fields=["status"])
    mentor = org["people"]["mentor"]
    # then neither the rules nor the pages and API let them see or rate the mentee
    actor = actor_for(mentor.user)
    assert not can_view_competencies(actor, org["subject"])
    assert "mentor" not in rating_sources_allowed(actor, org["subject"])
    assert not can_view_contact_details(actor, org["subject"])
    client.force_login(mentor.user)
    e = org["subject"].employee_id
    assert client.get(f"/api/people/{e}/competencies").status_code == 403
    assert "Competencies and gaps" not in client.get(f"/people/{e}/").content.decode()
    response = client.post(f"/api/people/{e}/ratings", {"competency": org["competency"].code, "level": 2,
                                                      "source": "mentor"}, content_type="application/json")
    assert response.status_code == 403


def test_mentor_rights_start_when_the_mentorship_becomes_active_and_end_when_it_ends(client, org):
    e = org["subject"].employee_id
    m = Mentorship.objects.get(mentor=org["people"]["intro_mentor"], mentee=org["subject"])
    client.force_login(org["people"]["intro_mentor"].user)
    assert client.get(f"/api/people/{e}/competencies").status_code == 403
    m.status = MentorshipStatus.ACTIVE
    m.save(update_fields=["status"])
    assert client.get(f"/api/people/{e}/competencies").status_code == 200
    m.status = MentorshipStatus.COMPLETED
    m.save(update_fields=["status"])
    assert client.get(f"/api/people/{e}/competencies").status_code == 403


def test_pending_mentors_and_mentees_keep_their_roles_without_the_rights(org):
    from tandem.core.authz import actor_for

    # given a mentee whose only pairing is a request
    Mentorship.objects.filter(mentee=org["subject"]).exclude(mentor=org["people"]["requested_mentor"]).delete()
    requested = actor_for(org["people"]["requested_mentor"].user)
    mentee = actor_for(org["subject"].user)
    assert "mentor" in requested.roles and requested.mentee_ids == frozenset()
    assert "mentee" in mentee.roles and mentee.mentor_ids == frozenset()


def test_a_program_manager_sees_competencies_only_of_people_in_programs_they_own(client, org):
    from tandem.core.authz import actor_for, can_view_competencies, managed_people_q
    from tandem.people.models import Person
    from tandem.programs.models import EnrolmentStatus

    e = org["subject"].employee_id
    owner = org["people"]["program_manager"]
    client.force_login(owner.user)
    assert client.get(f"/api/people/{e}/competencies").status_code == 200
    # an unenrolled colleague is out of reach
    colleague = org["people"]["colleague"]
    assert client.get(f"/api/people/{colleague.employee_id}/competencies").status_code == 403
    assert "Competencies and gaps" not in client.get(f"/people/{colleague.employee_id}/").content.decode()
    # the list filter agrees with the per-person rule, in one query
    with django_assert_max_queries_1():
        reached = set(Person.objects.filter(managed_people_q(actor_for(owner.user))).values_list("pk", flat=True))
    assert org["subject"].pk in reached and colleague.pk not in reached
    # withdrawn from every program the manager owns: out of reach too
    Enrolment.objects.filter(person=org["subject"]).update(status=EnrolmentStatus.WITHDRAWN)
    assert not can_view_competencies(actor_for(owner.user.__class__.objects.get(pk=owner.user.pk)), org["subject"])


def django_assert_max_queries_1():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    class _Ctx(CaptureQueriesContext):
        def __exit__(self, *exc):
            super().__exit__(*exc)
            # the actor's person and groups are loaded once; the filter itself is one query
            assert len(self.captured_queries) <= 3, self.captured_queries

    return _Ctx(connection)


@pytest.mark.parametrize("role", sorted(OTHER_PMS | {"user_without_person"}))
def test_managers_of_other_programs_and_users_without_a_person_see_no_pairs_or_people(client, org, role):
    c = client_for(client, org, role)
    p, subject = org["program"].pk, org["subject"]
    responses = [c.get(url) for url in (
        f"/api/programs/{p}/mentorships", f"/programs/{p}/pairs/", f"/programs/{p}/",
        f"/api/people/{subject.employee_id}/competencies", f"/programs/{org['cohort'].pk}/rounds/{org['round'].pk}/",
        f"/api/rounds/{org['round'].pk}/results",
    )]
    for response in responses:
        assert response.status_code in (200, 403, 404)
        body = response.content.decode()
        assert subject.employee_id not in body and subject.full_name not in body
        assert org["people"]["mentor"].employee_id not in body
    assert responses[3].status_code == 403


def test_a_program_manager_without_a_person_sees_no_programs_on_the_home_page(client, org):
    client.force_login(org["users"]["pm_without_person"])
    response = client.get("/")
    assert response.status_code == 200
    assert f'/programs/{org["program"].pk}/' not in response.content.decode()
    assert org["program"].name not in [p.name for p in response.context.get("programs") or []]


@pytest.mark.parametrize("role", ROLES[1:])
def test_contact_details_only_for_those_with_a_reason(client, org, role):
    c = client_for(client, org, role)
    subject = org["subject"]
    detail = c.get(f"/api/people/{subject.employee_id}").json()
    listed = next(p for p in c.get("/api/people", {"q": subject.full_name}).json()["items"]
                  if p["employee_id"] == subject.employee_id)
    page = c.get(f"/people/{subject.employee_id}/").content.decode()
    sees = role in SEES_CONTACT
    assert (detail["email"] == subject.email) == sees and (listed["email"] == subject.email) == sees
    assert (detail["hire_date"] == "2022-03-01") == sees
    assert (detail["manager"] == subject.manager.employee_id) == sees
    assert (subject.email in page) == sees
    assert (f'href="/people/{subject.manager.employee_id}/"' in page) == sees
    if not sees:
        assert detail["email"] is None and detail["hire_date"] is None and detail["manager"] is None
    # the directory promises names, department, job and availability to everyone
    assert detail["full_name"] == subject.full_name and detail["department"] == "TEAM"


def test_only_hr_sees_or_sorts_by_hire_dates_in_the_directory(client, org):
    client.force_login(org["people"]["colleague"].user)
    html = client.get("/people/", {"sort": "hired"}).content.decode()
    assert "Hired" not in html and "01/03/2022" not in html and "2022" not in html
    response = client.get("/api/people", {"sort": "hired"})
    assert response.status_code == 403 and response.json()["code"] == "sort_not_allowed"
    client.force_login(org["people"]["hr"].user)
    assert "Hired" in client.get("/people/", {"sort": "hired"}).content.decode()
    assert client.get("/api/people", {"sort": "hired"}).status_code == 200


def test_openapi_marks_contact_details_optional(client):
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    detail = schemas["PersonDetailOut"]
    for field in ("email", "hire_date", "manager"):
        assert field not in detail.get("required", [])
        assert {"type": "null"} in detail["properties"][field].get("anyOf", [])
