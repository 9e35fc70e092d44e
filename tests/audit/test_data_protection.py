"""Data-protection requests: everything held on one person, and anonymising a leaver."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from openpyxl import load_workbook

from tandem.accounts.models import ApiToken
from tandem.accounts.services import api_token_create
from tandem.audit.models import AuditEntry
from tandem.matching.models import ApplicantChoice, Placement, SelectionRound
from tandem.mentorships.models import Mentorship, NeedsForm, Plan, Transition
from tandem.people.models import CompetencyRating, CurrentLevel, Person, PersonTopic, SelfAssessment
from tandem.people.services import rating_record, self_assessment_add
from tandem.programs.models import Enrolment, Program
from tests.factories import CompetencyFactory, PersonFactory, TopicFactory

pytestmark = pytest.mark.django_db

NAME, EMAIL, USERNAME = "Zebedee Quuxworth", "zebedee.q@example.com", "zquux"


@pytest.fixture
def world(hr_person):
    comp = CompetencyFactory()
    boss = PersonFactory(full_name="Bertha Bossington")
    person = PersonFactory(full_name=NAME, email=EMAIL, employee_id="EZQ1",
                           user=User.objects.create_user(USERNAME, "zq@login.example", "pw"),
                           manager=boss, bio="I love sailing with my kids.")
    other = PersonFactory(full_name="Olga Otherperson", email="olga@example.com")
    mentor, mentee = PersonFactory(full_name="Mona Mentorwoman"), PersonFactory(full_name="Manny Menteeman")
    program = Program.objects.create(name="Pairs", program_type="classic", matching_mode="choose",
                                     starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
                                     owner=hr_person)
    for p, role in ((person, "mentee"), (person, "mentor"), (mentor, "mentor"), (mentee, "mentee"), (other, "mentee")):
        Enrolment.objects.create(program=program, person=p, role=role)
    as_mentee = Mentorship.objects.create(program=program, mentor=mentor, mentee=person, origin="requested",
                                          message=f"Hi, I am {NAME}, please mentor me")
    as_mentor = Mentorship.objects.create(program=program, mentor=person, mentee=mentee, origin="manual",
                                          status="declined", decline_reason="Too busy this quarter")
    theirs = Mentorship.objects.create(program=program, mentor=mentor, mentee=other, origin="manual")
    r1 = rating_record(person=person, competency=comp, level=2, source="manager", rated_by=boss,
                       note=f"{NAME} needs practice")
    r2 = rating_record(person=other, competency=comp, level=5, source="manager", rated_by=person, note="great")
    r3 = rating_record(person=other, competency=comp, level=4, source="manager", rated_by=boss)
    self_assessment_add(person=person, strengths="Patient listener", development_areas="Public speaking")
    PersonTopic.objects.create(person=person, topic=TopicFactory(), interest="can_teach")
    rnd = SelectionRound.objects.create(program=program, name="R1", deadline=timezone.now() + datetime.timedelta(days=3))
    ApplicantChoice.objects.create(round=rnd, applicant=person, department=person.department, rank=1)
    Placement.objects.create(round=rnd, applicant=person, department=person.department, applicant_rank=1)
    api_token_create(user=person.user, name="My laptop")
    plan = Plan.objects.create(mentorship=as_mentee)
    NeedsForm.objects.create(plan=plan, text="I want to stop being shy in meetings")
    Transition.objects.create(mentorship=as_mentee, from_status="", to_status="requested", actor=person,
                              at=timezone.now(), reason="I picked Mona")
    Plan.objects.create(mentorship=theirs)
    NeedsForm.objects.create(plan=theirs.plan, text="Olga's own needs")
    return {"person": person, "other": other, "boss": boss, "mentor": mentor, "mentee": mentee,
            "pairs": (as_mentee, as_mentor, theirs), "ratings": (r1, r2, r3), "program": program}


def export_json(client, employee_id):
    response = client.get(f"/people/{employee_id}/data-export", {"format": "json"})
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_the_export_holds_the_persons_ratings_and_mentorships_and_nobody_elses(hr_client, world):
    person, _other = world["person"], world["other"]
    as_mentee, as_mentor, theirs = world["pairs"]
    r1, r2, r3 = world["ratings"]

    data = export_json(hr_client, person.employee_id)

    assert data["people.person"][0]["full_name"] == NAME
    assert [r["id"] for r in data["people.competencyrating.person"]] == [r1.pk]
    assert [r["id"] for r in data["people.competencyrating.rated_by"]] == [r2.pk]  # they wrote it
    assert [m["id"] for m in data["mentorships.mentorship.mentee"]] == [as_mentee.pk]
    assert [m["id"] for m in data["mentorships.mentorship.mentor"]] == [as_mentor.pk]
    assert data["people.selfassessment.person"][0]["strengths"] == "Patient listener"
    assert len(data["people.persontopic.person"]) == 1
    assert {e["role"] for e in data["programs.enrolment.person"]} == {"mentor", "mentee"}
    assert len(data["matching.placement.applicant"]) == 1
    assert len(data["matching.applicantchoice.applicant"]) == 1  # a hidden relation (related_name="+")
    [token] = data["accounts.apitoken.user"]
    assert token["name"] == "My laptop" and "key_hash" not in token
    assert "password" not in data["auth.user"][0]
    about = {(e["object_type"], e["object_id"]) for e in data["audit.about"]}
    assert ("mentorships.mentorship", str(as_mentee.pk)) in about
    assert ("mentorships.mentorship", str(theirs.pk)) not in about

    # rows that cascade from their mentorships come with them (found by introspection)
    assert [n["text"] for n in data["mentorships.needsform.plan"]] == ["I want to stop being shy in meetings"]
    assert [t["reason"] for t in data["mentorships.transition.mentorship"]] == ["I picked Mona"]

    text = json.dumps(data)
    for foreign in ("Olga Otherperson", "olga@example.com", "Mona Mentorwoman", "Bertha Bossington", "Olga's own needs"):
        assert foreign not in text
    assert r3.pk not in [r["id"] for rows in data.values() for r in rows if isinstance(r, dict) and "level" in r]
    # the export itself is on the record
    assert AuditEntry.objects.filter(action="data_export", object_id=str(person.pk)).exists()


def test_the_export_as_xlsx_has_a_sheet_per_section(hr_client, world):
    response = hr_client.get(f"/people/{world['person'].employee_id}/data-export", {"format": "xlsx"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert "people person" in book.sheetnames
    ratings = list(book["people competencyrating person"].values)
    assert len(ratings) == 2 and ratings[1][ratings[0].index("level")] == 2


def test_the_api_exports_the_same_json(hr_client, world):
    response = hr_client.get(f"/api/people/{world['person'].employee_id}/data-export")
    assert response.status_code == 200
    assert json.loads(response.content)["people.person"][0]["employee_id"] == "EZQ1"
    assert hr_client.get("/api/people/NOPE/data-export").status_code == 404
    assert hr_client.get("/api/people/a%00b/data-export").status_code in (400, 404)
    assert hr_client.get("/people/a%00b/data-export").status_code in (400, 404)


def _leave(person):
    person.is_active = False
    person.save(update_fields=["is_active", "updated_at"])


def _everything_as_text():
    rows = list(AuditEntry.objects.values_list("label", "changes", "actor_username", "path"))
    rows += list(Person.objects.values_list("full_name", "email", "employee_id", "bio"))
    rows += list(User.objects.values_list("username", "email", "first_name", "last_name"))
    rows += list(Mentorship.objects.values_list("message", "decline_reason"))
    rows += list(CompetencyRating.objects.values_list("note", flat=True))
    rows += list(SelfAssessment.objects.values_list("strengths", "development_areas"))
    rows += list(NeedsForm.objects.values_list("text", flat=True))
    rows += list(Transition.objects.values_list("reason", flat=True))
    return json.dumps(rows, default=str)


def test_anonymising_a_leaver_keeps_the_figures_and_removes_the_name_everywhere(hr_client, world):
    person = world["person"]
    _leave(person)
    figures = {
        "ratings": CompetencyRating.objects.count(),
        "levels": sorted(CompetencyRating.objects.values_list("level", flat=True)),
        "current": sorted(CurrentLevel.objects.values_list("person_id", "level")),
        "mentorships": Mentorship.objects.count(),
        "their_mentorships": Mentorship.objects.filter(mentee=person).count(),
        "enrolments": Enrolment.objects.filter(person=person).count(),
        "self_assessments": SelfAssessment.objects.filter(person=person).count(),
        "placements": Placement.objects.count(),
    }
    assert NAME in _everything_as_text()

    response = hr_client.post(f"/people/{person.employee_id}/anonymise", {"confirm": person.employee_id})

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == f"Former employee {person.pk}" and person.employee_id == f"ANON-{person.pk}"
    assert response["Location"] == f"/people/{person.employee_id}/data-export"
    assert figures == {
        "ratings": CompetencyRating.objects.count(),
        "levels": sorted(CompetencyRating.objects.values_list("level", flat=True)),
        "current": sorted(CurrentLevel.objects.values_list("person_id", "level")),
        "mentorships": Mentorship.objects.count(),
        "their_mentorships": Mentorship.objects.filter(mentee=person).count(),
        "enrolments": Enrolment.objects.filter(person=person).count(),
        "self_assessments": SelfAssessment.objects.filter(person=person).count(),
        "placements": Placement.objects.count(),
    }
    everything = _everything_as_text()
    for secret in (NAME, EMAIL, "EZQ1", USERNAME, "zq@login.example", "I love sailing", "Patient listener",
                   "Too busy this quarter", "stop being shy", "I picked Mona"):
        assert secret not in everything, (secret, everything[max(0, everything.find(secret) - 300):everything.find(secret) + 100])
    exported = json.dumps(export_json(hr_client, person.employee_id))
    assert NAME not in exported and EMAIL not in exported and f"Former employee {person.pk}" in exported
    # the account is detached and closed, its tokens revoked
    assert person.user_id is None
    closed = User.objects.get(username__startswith="anonymised-")
    assert not closed.is_active and not closed.has_usable_password()
    assert not ApiToken.objects.filter(user=closed, revoked_at=None).exists()
    # and it is on the record, by HR, through the page
    [entry] = AuditEntry.objects.filter(action="anonymise")
    assert entry.via == "page" and entry.actor_username == hr_client.get("/api/me").json()["username"]
    assert entry.changes["full_name"] == ["[redacted]", f"Former employee {person.pk}"]
    # other people's records are untouched
    assert NeedsForm.objects.get(plan__mentorship=world["pairs"][2]).text == "Olga's own needs"
    assert Person.objects.get(pk=world["other"].pk).full_name == "Olga Otherperson"
    assert Mentorship.objects.get(pk=world["pairs"][2].pk).mentee_id == world["other"].pk


def test_anonymising_needs_a_leaver_and_the_typed_employee_id(hr_client, world):
    person = world["person"]
    response = hr_client.post(f"/people/{person.employee_id}/anonymise", {"confirm": person.employee_id})
    assert response.status_code == 409
    _leave(person)
    response = hr_client.post(f"/people/{person.employee_id}/anonymise", {"confirm": "wrong"})
    assert response.status_code == 400
    person.refresh_from_db()
    assert person.full_name == NAME and not AuditEntry.objects.filter(action="anonymise").exists()
    page = hr_client.get(f"/people/{person.employee_id}/data-export")
    assert page.status_code == 200 and "Anonymise this person" in page.content.decode()


def test_the_api_anonymises_once(hr_client, world):
    person = world["person"]
    _leave(person)
    url = f"/api/people/{person.employee_id}/anonymise"
    response = hr_client.post(url, {"confirm": person.employee_id}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json() == {"employee_id": f"ANON-{person.pk}", "full_name": f"Former employee {person.pk}"}
    again = hr_client.post(f"/api/people/ANON-{person.pk}/anonymise", {"confirm": f"ANON-{person.pk}"},
                           content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "already_anonymised"
    assert AuditEntry.objects.filter(action="anonymise", via="api").count() == 1
