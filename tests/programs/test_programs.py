from __future__ import annotations

import datetime

import pytest

from tandem.core.errors import ValidationFailed
from tandem.mentorships.models import Mentorship
from tandem.programs import services
from tandem.programs.models import Enrolment, EnrolmentStatus, Program, ProgramStatus
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def make(owner, **kw):
    args = {"name": "Mentoring", "program_type": "classic", "matching_mode": "choose", "starts_on": D(2026, 1, 1),
            "ends_on": D(2026, 12, 31), "owner": owner} | kw
    return services.program_create(**args)


def test_a_program_cannot_end_before_it_starts():
    with pytest.raises(ValidationFailed) as exc:
        make(PersonFactory(), ends_on=D(2025, 1, 1))
    assert "ends_on" in exc.value.errors and not Program.objects.exists()


def test_status_moves_only_forward():
    p = make(PersonFactory())
    services.program_set_status(program=p, status=ProgramStatus.OPEN)
    services.program_set_status(program=p, status=ProgramStatus.CLOSED)
    with pytest.raises(ValidationFailed):
        services.program_set_status(program=p, status=ProgramStatus.OPEN)


def test_enrolling_twice_adds_nobody_and_withdrawn_people_come_back():
    p, a, b = make(PersonFactory()), PersonFactory(), PersonFactory()
    assert services.enrolment_add(program=p, people=[a, b], role="mentee") == (2, 0)
    assert services.enrolment_add(program=p, people=[a], role="mentee") == (0, 1)
    services.enrolment_withdraw(enrolment=Enrolment.objects.get(person=a))
    assert services.enrolment_add(program=p, people=[a], role="mentee") == (1, 0)
    assert Enrolment.objects.get(person=a).status == EnrolmentStatus.ACTIVE


def test_the_matching_mode_is_fixed_once_people_are_paired():
    owner, mentor, mentee = PersonFactory(), PersonFactory(), PersonFactory()
    p = make(owner)
    Mentorship.objects.create(program=p, mentor=mentor, mentee=mentee, origin="manual")
    with pytest.raises(ValidationFailed):
        services.program_update(program=p, name="X", program_type="classic", matching_mode="bulk",
                                starts_on=p.starts_on, ends_on=p.ends_on)
    p.refresh_from_db()
    assert (p.name, p.matching_mode) == ("Mentoring", "choose")


def test_the_manager_creates_edits_and_enrols_from_the_pages(client, make_person):
    manager = make_person(groups=["program_manager"])
    client.force_login(manager.user)
    response = client.post("/programs/new/", {"name": "Reverse 2027", "program_type": "reverse",
                                              "matching_mode": "bulk", "starts_on": "2027-01-01",
                                              "ends_on": "2027-06-30", "default_mentor_capacity": 1})
    program = Program.objects.get(name="Reverse 2027")
    assert response.status_code == 302 and program.owner == manager
    client.post(f"/programs/{program.pk}/edit/", {"name": "Reverse mentoring 2027", "program_type": "reverse",
                                                  "matching_mode": "bulk", "starts_on": "2027-01-01",
                                                  "ends_on": "2027-07-31", "default_mentor_capacity": 2})
    program.refresh_from_db()
    assert (program.name, program.ends_on) == ("Reverse mentoring 2027", D(2027, 7, 31))
    people = [PersonFactory() for _ in range(3)]
    client.post(f"/programs/{program.pk}/enrol/", {"role": "mentor",
                                                   "employee_ids": " ".join(p.employee_id for p in people)})
    assert Enrolment.objects.filter(program=program, role="mentor").count() == 3


def test_enrolling_an_unknown_employee_id_enrols_nobody_and_says_which(client, make_person):
    manager = make_person(groups=["program_manager"])
    program = make(manager)
    client.force_login(manager.user)
    known = PersonFactory()
    response = client.post(f"/programs/{program.pk}/enrol/",
                           {"role": "mentee", "employee_ids": f"{known.employee_id}, NOPE-1"}, follow=True)
    assert "NOPE-1" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_another_program_manager_cannot_edit_someone_elses_program(client, make_person):
    program = make(make_person(groups=["program_manager"]))
    other = make_person(groups=["program_manager"])
    client.force_login(other.user)
    assert client.get(f"/programs/{program.pk}/edit/").status_code == 403


def test_api_enrolment_with_an_unknown_employee_id_enrols_nobody(client, make_person):
    manager = make_person(groups=["program_manager"])
    program = make(manager)
    client.force_login(manager.user)
    known = PersonFactory()
    response = client.post(f"/api/programs/{program.pk}/enrolments",
                           {"role": "mentee", "employee_ids": [known.employee_id, "NOPE-1"]},
                           content_type="application/json")
    assert response.status_code == 400 and "NOPE-1" in str(response.json()["errors"])
    assert not Enrolment.objects.exists()
