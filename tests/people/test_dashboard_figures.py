"""The dashboards' head counts (people.figures): computed once per change, equal to counting live,
and never stale after a write, whichever path wrote it (issue 13 §7)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.mentorships import selectors as mentorship_selectors
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.people import figures, selectors
from tandem.people.models import DashboardFigures, FiguresGeneration, Person
from tandem.programs.models import Enrolment, Program, ProgramStatus
from tests.factories import DepartmentFactory
from tests.mentorships.conftest import make_pair  # noqa: F401


def _live(paths=()):
    people = selectors.people_in(paths=paths)
    return (people.count(), selectors.people_without_mentor(paths=paths).count(),
            mentorship_selectors.with_free_mentor_slots(people).count())


def _world(make_pair, make_person):
    """Two pairs, an unpaired mentee enrolled, a pending request (no mentor yet), a full mentor."""
    active = make_pair(MentorshipStatus.ACTIVE)
    requested = make_pair(MentorshipStatus.REQUESTED)
    waiting = make_person(department=active.mentee.department)
    Enrolment.objects.create(program=active.program, person=waiting, role="mentee")
    full = make_person(department=DepartmentFactory(), mentor_capacity=1)
    Mentorship.objects.create(program=active.program, mentor=full, mentee=make_person(), status=MentorshipStatus.ACTIVE)
    make_person(department=active.mentee.department, is_active=False)
    return active, requested


@pytest.mark.django_db
def test_the_figures_equal_counting_live_for_the_company_and_a_sub_tree(make_pair, make_person):
    active, requested = _world(make_pair, make_person)
    counts = selectors.head_counts()
    assert (counts.people, counts.waiting, counts.mentors_free) == _live()
    assert counts.waiting >= 2  # the unpaired mentee and the one whose request is only requested
    team = (active.mentee.department.path,)
    counts = selectors.head_counts(paths=team)
    assert (counts.people, counts.waiting, counts.mentors_free) == _live(team)
    by_dep = dict(selectors.headcount_by_department())
    assert by_dep[active.mentee.department] == selectors.people_in(paths=team).count()


@pytest.mark.django_db(transaction=True)
def test_a_view_reads_the_stored_figures_until_a_write_changes_them(make_pair, make_person):
    active, _requested = _world(make_pair, make_person)
    first = selectors.head_counts()
    assert DashboardFigures.objects.filter(pk=1).exists()
    with CaptureQueriesContext(connection) as ctx:
        again = selectors.head_counts()
    assert again == first
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)  # nothing counted again

    # writes past the services, as an import, the admin, a bulk commit or raw SQL would make them
    Person.objects.filter(pk=active.mentor.pk).update(is_active=False)
    assert selectors.head_counts().people == first.people - 1
    Enrolment.objects.filter(person=active.mentee.pk).update(status="withdrawn")  # paired anyway: no change
    assert (selectors.head_counts().people, selectors.head_counts().waiting) == _live()[:2]
    Mentorship.objects.filter(pk=active.mentorship.pk).update(status=MentorshipStatus.ENDED_EARLY)
    Enrolment.objects.filter(person=active.mentee.pk).update(status="active")
    assert selectors.head_counts().waiting == first.waiting + 1  # the mentee waits for a mentor again
    Program.objects.filter(pk=active.program.pk).update(status=ProgramStatus.CLOSED)
    c = selectors.head_counts()
    assert (c.people, c.waiting, c.mentors_free) == _live()
    with connection.cursor() as cur:
        cur.execute("UPDATE people_person SET mentor_capacity = 0 WHERE id = %s", [active.mentor.pk])
        cur.execute("UPDATE people_person SET is_active = %s WHERE id = %s", [True, active.mentor.pk])
    c = selectors.head_counts()
    assert (c.people, c.waiting, c.mentors_free) == _live()
    Person.objects.create(employee_id="NEW1", full_name="New Person", email="new1@example.com",
                          department=active.mentee.department)
    assert selectors.head_counts().people == _live()[0]


@pytest.mark.django_db(transaction=True)
def test_the_hr_home_shows_the_figures_after_a_deactivation(make_pair, make_person, client):
    active, _requested = _world(make_pair, make_person)
    hr = make_person(groups=["hr_admin"])
    client.force_login(hr.user)
    before = client.get(reverse("home")).context["hr"]["headcount"]
    Person.objects.filter(pk=active.mentee.pk).update(is_active=False)
    assert client.get(reverse("home")).context["hr"]["headcount"] == before - 1


@pytest.mark.django_db(transaction=True)
def test_the_triggers_come_back_when_installed_again():
    figures.install_triggers()
    figures.install_triggers()  # idempotent: after every migrate
    FiguresGeneration.objects.all().delete()  # as a flush leaves SQLite's counter
    before = figures.generation()
    Person.objects.create(employee_id="NEW2", full_name="Another", email="new2@example.com",
                          department=DepartmentFactory())
    assert figures.generation() > before


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_a_truncate_moves_the_generations():
    before = figures.generation("figures"), figures.generation("pool")
    with connection.cursor() as cur:
        cur.execute("TRUNCATE people_persontopic, programs_enrolment CASCADE")
    assert figures.generation("figures") > before[0] and figures.generation("pool") > before[1]
