"""The program page's counts are computed once per change of enrolments or pairs and kept in the
process (people.figures.kept): after each write, whatever made it, they are what counting afresh
gives (issue 13 §7). PostgreSQL only: values are kept only there."""
from __future__ import annotations

import pytest
from django.db import connection

from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.people import figures
from tandem.programs import selectors
from tandem.programs.models import Enrolment
from tests.kept_checks import assert_follows_every_step, fresh
from tests.mentorships.conftest import make_pair  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="values are kept on PostgreSQL only"),
]


def test_the_program_figures_follow_every_write(make_pair, make_person):  # noqa: F811
    pair = make_pair(MentorshipStatus.ACTIVE)
    program = pair.program
    figures._KEPT.clear()
    first = selectors.program_figures(program=program)
    assert ("figures", ("program", program.pk)) in figures._KEPT
    assert first == fresh(lambda: selectors.program_figures(program=program)) and first.pairs == 1
    steps = [
        lambda: Enrolment.objects.create(program=program, person=make_person(), role="mentee"),
        lambda: Enrolment.objects.filter(program=program, person=pair.mentee).update(status="withdrawn"),
        lambda: Mentorship.objects.filter(pk=pair.mentorship.pk).update(status=MentorshipStatus.ENDED_EARLY),
        lambda: Mentorship.objects.create(program=program, mentor=pair.mentor, mentee=make_person(),
                                          status=MentorshipStatus.REQUESTED, origin="requested"),
    ]
    assert_follows_every_step(lambda: selectors.program_figures(program=program), steps, first)


def test_the_home_pages_program_overview_follows_every_write(make_pair, make_person):  # noqa: F811
    from tandem.programs.models import Program

    pair = make_pair(MentorshipStatus.ACTIVE)
    program = pair.program
    figures._KEPT.clear()

    def shown():
        return [(p.pk, p.name, p.status, p.mentors, p.mentees, p.pairs)
                for p in selectors.program_overview_rows(owner=None)]

    before = shown()
    assert before == fresh(shown) and ("pool", ("overview", None)) in figures._KEPT
    steps = [
        lambda: Program.objects.filter(pk=program.pk).update(name="Renamed"),
        lambda: Enrolment.objects.create(program=program, person=make_person(), role="mentor"),
        lambda: Mentorship.objects.filter(pk=pair.mentorship.pk).update(status=MentorshipStatus.COMPLETED),
        lambda: Program.objects.filter(pk=program.pk).update(status="closed"),
    ]
    assert_follows_every_step(shown, steps, before)


def test_the_api_enrolment_list_keeps_its_order_and_follows_every_write(client, make_pair, make_person):  # noqa: F811
    from django.contrib.auth.models import Group

    from tandem.people.models import Person

    pair = make_pair(MentorshipStatus.ACTIVE)
    program = pair.program
    owner = program.owner
    owner.user.groups.add(Group.objects.get_or_create(name="program_manager")[0])
    client.force_login(owner.user)
    for name in ("Zoe", "Adam", "Mia"):
        Enrolment.objects.create(program=program, person=make_person(full_name=name), role="mentee")

    def shown(role="mentee", page_size=2):
        out, page = [], 1
        while True:
            body = client.get(f"/api/programs/{program.pk}/enrolments?role={role}&page={page}&page_size={page_size}").json()
            out += [(r["employee_id"], r["name"]) for r in body["items"]]
            if page * page_size >= body["count"]:
                return out, body["count"]
            page += 1

    first = shown()
    names = [n for _e, n in first[0]]
    assert first[1] == 4 and names == sorted(names)  # by name, across pages
    steps = [
        lambda: Person.objects.filter(full_name="Zoe").update(full_name="Aaron"),  # past the services
        lambda: Enrolment.objects.create(program=program, person=make_person(full_name="Bea"), role="mentee"),
        lambda: Enrolment.objects.filter(program=program, person__full_name="Adam").delete(),
        lambda: Enrolment.objects.filter(program=program, person__full_name="Mia").update(role="mentor"),
    ]
    assert_follows_every_step(shown, steps, first)
    assert [n for _e, n in shown()[0]] == sorted(n for _e, n in shown()[0])
