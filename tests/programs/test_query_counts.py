"""The programs overview (HR home, program manager's home, a program's page) at company scale.

Counting distinct over the enrolments and mentorships joins together multiplied the rows
(enrolments x mentorships per program: 9.5 M intermediate rows for 7 programs at 50,000 people).
Each figure is now its own grouped subquery: the figures stay right and the rows a query
touches grow with each table, not with their product."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.programs import selectors, services
from tandem.programs.models import EnrolmentRole, EnrolmentStatus, MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _program(owner, name="P"):
    return Program.objects.create(name=name, program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.CHOOSE,
                                  starts_on="2026-01-01", ends_on="2026-06-01", owner=owner)


def _populate(program, *, mentors, mentees, pairs, ended=0):
    ms = [PersonFactory() for _ in range(mentors)]
    es = [PersonFactory() for _ in range(mentees)]
    services.enrolment_add(program=program, people=ms, role=EnrolmentRole.MENTOR)
    services.enrolment_add(program=program, people=es, role=EnrolmentRole.MENTEE)
    for i in range(pairs + ended):
        Mentorship.objects.create(program=program, mentor=ms[i % mentors], mentee=es[i],
                                  status=MentorshipStatus.ACTIVE if i < pairs else MentorshipStatus.COMPLETED,
                                  origin=MentorshipOrigin.MANUAL)
    return ms, es


def test_overview_figures_per_program_with_many_enrolments_and_pairs():
    owner, other = PersonFactory(), PersonFactory()
    a, b = _program(owner, "A"), _program(other, "B")
    _populate(a, mentors=3, mentees=6, pairs=4, ended=1)
    ms, es = _populate(b, mentors=2, mentees=3, pairs=2)
    b.enrolments.filter(person=es[2]).update(status=EnrolmentStatus.WITHDRAWN)
    empty = _program(owner, "Empty")
    closed = _program(owner, "Closed")
    Program.objects.filter(pk=closed.pk).update(status=ProgramStatus.CLOSED)

    rows = {p.name: (p.mentors, p.mentees, p.pairs) for p in selectors.program_overview(owner=None)}
    assert rows == {"A": (3, 6, 4), "B": (2, 2, 2), "Empty": (0, 0, 0)}
    mine = {p.name: (p.mentors, p.mentees, p.pairs) for p in selectors.program_overview(owner=owner)}
    assert mine == {"A": (3, 6, 4), "Empty": (0, 0, 0)}
    assert selectors.program_overview(owner=None).filter(pk=b.pk).first().pairs == 2


def test_overview_is_one_query_that_never_joins_enrolments_with_mentorships():
    owner = PersonFactory()
    _populate(_program(owner), mentors=2, mentees=4, pairs=3)
    with CaptureQueriesContext(connection) as ctx:
        programs = list(selectors.program_overview(owner=None))
    assert len(ctx) == 1 and programs[0].pairs == 3
    sql = ctx[0]["sql"].upper()
    # the outer query reads programs (and the owner) only: no join that multiplies rows, no DISTINCT count
    assert "COUNT(DISTINCT" not in sql
    outer = _top_level(sql)
    assert "PROGRAMS_ENROLMENT" not in outer and "MENTORSHIPS_MENTORSHIP" not in outer


def _top_level(sql: str) -> str:
    """The SQL text outside any parentheses (the outer query's own FROM and joins)."""
    depth, out = 0, []
    for ch in sql:
        depth += ch == "("
        if depth == 0:
            out.append(ch)
        depth -= ch == ")"
    return "".join(out)


def test_hr_home_query_count_does_not_grow_with_programs_and_pairs(client, hr_person):
    client.force_login(hr_person.user)
    owner = PersonFactory()
    _populate(_program(owner, "A"), mentors=1, mentees=1, pairs=1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/").status_code == 200
    for i in range(3):
        _populate(_program(owner, f"B{i}"), mentors=3, mentees=5, pairs=4)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/").content.decode()
    assert len(many) == len(few)
    assert "B2" in body


def test_the_programs_list_counts_programs_not_enrolments():
    # given: two programs with enrolments, one a draft; a mentee enrolled in both
    owner = PersonFactory()
    a, draft = _program(owner, "A"), _program(owner, "Draft")
    Program.objects.filter(pk=a.pk).update(status=ProgramStatus.RUNNING)
    ms, es = _populate(a, mentors=3, mentees=5, pairs=2)
    services.enrolment_add(program=draft, people=[es[0]], role=EnrolmentRole.MENTEE)
    from tandem.core.authz import actor_for
    from tests.factories import UserFactory

    es[0].user = UserFactory()
    es[0].save(update_fields=["user"])
    pm = PersonFactory(user=UserFactory(groups=["program_manager"]))
    # when: the list (and its paginator's count) for the mentee and for a program manager
    mine = selectors.programs_visible(actor=actor_for(es[0].user))
    with CaptureQueriesContext(connection) as q:
        assert mine.count() == 1
    # then: the mentee sees the running program with its figures, not the draft; the count joins nothing
    assert [(p.name, p.mentors, p.mentees) for p in mine] == [("A", 3, 5)]
    assert "JOIN" not in q.captured_queries[-1]["sql"].upper()
    everyone = selectors.programs_visible(actor=actor_for(pm.user))
    with CaptureQueriesContext(connection) as q:
        assert everyone.count() == 2
    assert "JOIN" not in q.captured_queries[-1]["sql"].upper()
    assert {(p.name, p.mentors, p.mentees) for p in everyone} == {("A", 3, 5), ("Draft", 0, 1)}
