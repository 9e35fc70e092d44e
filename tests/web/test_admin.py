from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(User.objects.create_superuser("boss", "boss@example.com", "pw"))
    return client


@pytest.mark.parametrize("url", [
    "/admin/", "/admin/people/person/", "/admin/people/department/", "/admin/people/competency/",
    "/admin/people/jobprofile/", "/admin/people/competencyrating/", "/admin/programs/program/",
    "/admin/mentorships/mentorship/", "/admin/people/importjob/", "/admin/matching/selectionround/",
])
def test_back_office_lists_open_for_staff(staff_client, url):
    PersonFactory()
    assert staff_client.get(url).status_code == 200


def test_ratings_cannot_be_edited_in_the_back_office(staff_client):
    from django.utils import timezone

    from tandem.people.services import rating_record
    from tests.factories import CompetencyFactory

    p = PersonFactory()
    r = rating_record(person=p, competency=CompetencyFactory(), level=3, source="manager", rated_by=None,
                      rated_on=timezone.localdate())
    response = staff_client.post(f"/admin/people/competencyrating/{r.pk}/change/", {"level": 5})
    r.refresh_from_db()
    assert r.level == 3 and response.status_code in (200, 403)


# -- issue 13: the back office cannot bypass the rules ---------------------------------------


@pytest.fixture
def hr_staff(make_person):
    """An HR admin with a person record who uses the back office."""
    person = make_person(groups=["hr_admin"])
    person.user.is_staff = True
    person.user.is_superuser = True
    person.user.save()
    return person


def test_a_rating_added_in_the_back_office_is_dated_today_and_signed_by_the_user(client, hr_staff):
    from django.utils import timezone

    from tandem.people.models import CompetencyRating
    from tests.factories import CompetencyFactory

    client.force_login(hr_staff.user)
    subject, someone_else, competency = PersonFactory(), PersonFactory(), CompetencyFactory()
    # when the form is posted with a back-date and another rater, as a crafted request would
    response = client.post("/admin/people/competencyrating/add/", {
        "person": subject.pk, "competency": competency.pk, "level": 4, "source": "assessment",
        "note": "annual review", "rated_by": someone_else.pk, "rated_on": "2019-01-01",
    })
    # then the rating is recorded as the signed-in HR admin, today
    assert response.status_code == 302, response.content.decode()[:2000]
    rating = CompetencyRating.objects.get()
    assert rating.rated_by == hr_staff and rating.rated_on == timezone.localdate()
    assert rating.level == 4 and rating.note == "annual review"
    # and the add page does not even offer those fields
    html = client.get("/admin/people/competencyrating/add/").content.decode()
    assert 'name="rated_by"' not in html and 'name="rated_on"' not in html


@pytest.mark.parametrize("source", ["self", "mentor", "manager"])
def test_the_back_office_records_only_the_kinds_of_rating_the_user_may_record(client, hr_staff, source):
    from tandem.people.models import CompetencyRating
    from tests.factories import CompetencyFactory

    client.force_login(hr_staff.user)
    response = client.post("/admin/people/competencyrating/add/", {
        "person": PersonFactory().pk, "competency": CompetencyFactory().pk, "level": 4, "source": source,
    })
    assert response.status_code == 200
    assert "cannot record a rating of this kind" in response.content.decode()
    assert not CompetencyRating.objects.exists()


def test_self_assessments_cannot_be_deleted_or_written_in_the_back_office(staff_client):
    from tandem.people.models import SelfAssessment
    from tandem.people.services import self_assessment_add

    person = PersonFactory()
    sa = self_assessment_add(person=person, strengths="listening", development_areas="delegation")
    assert staff_client.post(f"/admin/people/selfassessment/{sa.pk}/delete/", {"post": "yes"}).status_code == 403
    response = staff_client.post("/admin/people/selfassessment/", {
        "action": "delete_selected", "_selected_action": [sa.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert staff_client.post("/admin/people/selfassessment/add/", {
        "person": person.pk, "strengths": "x", "development_areas": "y"}).status_code == 403
    assert list(SelfAssessment.objects.values_list("strengths", flat=True)) == ["listening"]
    # deleting the person would take the self-assessment with it: refused as well
    staff_client.post(f"/admin/people/person/{person.pk}/delete/", {"post": "yes"})
    assert SelfAssessment.objects.filter(pk=sa.pk).exists()


@pytest.fixture
def pairing(db):
    from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
    from tandem.programs.models import MatchingMode, Program, ProgramType

    program = Program.objects.create(
        name="P", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
        starts_on="2026-01-01", ends_on="2026-12-31", owner=PersonFactory(),
    )
    return Mentorship.objects.create(program=program, mentor=PersonFactory(), mentee=PersonFactory(),
                                     status=MentorshipStatus.REQUESTED, origin=MentorshipOrigin.REQUESTED)


def test_a_mentorships_status_and_people_cannot_be_edited_in_the_back_office(staff_client, pairing):
    intruder = PersonFactory()
    url = f"/admin/mentorships/mentorship/{pairing.pk}/change/"
    page = staff_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="status"' not in html and 'name="mentor"' not in html and 'name="mentee"' not in html
    staff_client.post(url, {"status": "active", "mentor": intruder.pk, "mentee": pairing.mentee_id,
                            "program": pairing.program_id, "origin": "manual"})
    before = (pairing.status, pairing.mentor_id, pairing.mentee_id, pairing.program_id)
    pairing.refresh_from_db()
    assert (pairing.status, pairing.mentor_id, pairing.mentee_id, pairing.program_id) == before


def test_mentorships_cannot_be_added_or_deleted_in_the_back_office(staff_client, pairing):
    from tandem.mentorships.models import Mentorship

    assert staff_client.get("/admin/mentorships/mentorship/add/").status_code == 403
    assert staff_client.post(f"/admin/mentorships/mentorship/{pairing.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Mentorship.objects.filter(pk=pairing.pk).exists()
