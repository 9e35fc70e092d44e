"""The duties checklist and the compliance view, as pages and API: who sees what (a matrix of every
role), what they show, bad input, and a bounded number of queries for a program's compliance."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from tandem.mentorships import duties
from tandem.mentorships.log_models import Session
from tandem.mentorships.models import Mentorship, MentorshipOrigin
from tandem.programs.models import CadenceDuty, Enrolment
from tests.factories import TopicFactory, UserFactory, make_person
from tests.mentorships.conftest import build_pair
from tests.shared_world import shared_world

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "head", "line_manager", "mentor", "mentee",
         "other_mentor", "other_mentee", "colleague", "no_person"]
CHECKLIST_VIEWERS = {"hr", "owner", "mentor", "mentee"}
COMPLIANCE_VIEWERS = {"hr", "owner"}


def add_duties(program):
    CadenceDuty.objects.create(program=program, code="monthly_in_depth", name="Monthly in-depth session",
                               period="monthly", requirement="session_in_depth", concerns="mentor")
    CadenceDuty.objects.create(program=program, code="quarterly_assessment", name="Quarterly assessment",
                               period="quarterly", requirement="mentor_assessment", concerns="mentor")
    CadenceDuty.objects.create(program=program, code="yearly_case", name="Yearly shared case", period="yearly",
                               requirement="shared_case", concerns="mentor")
    CadenceDuty.objects.create(program=program, code="resource", name="Recommend a resource", period="monthly",
                               requirement="session", required=False, concerns="mentor")


def build_world():
    p = build_pair()
    add_duties(p.program)
    other = build_pair()  # another program, another pair: its people see nothing of this one
    people = {
        "hr": make_person(groups=["hr_admin"]), "owner": p.owner,
        "pm_owning_nothing": make_person(groups=["program_manager"]),
        "head": p.head, "line_manager": p.line_manager, "mentor": p.mentor, "mentee": p.mentee,
        "other_mentor": other.mentor, "other_mentee": other.mentee, "colleague": make_person(),
    }
    return p, people


# The pairs, the duties and the people, built once for this module (tests/shared_world.py); each test's writes
# are undone.
_built, world = shared_world(build_world)


def login(client, world, role):
    _p, people = world
    if role == "no_person":
        client.force_login(UserFactory())
    elif role != "anonymous":
        client.force_login(people[role].user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_checklist_and_the_compliance_view(client, world, role):
    p, _people = world
    c = login(client, world, role)
    m, prog = p.mentorship.pk, p.program.pk
    reads = [
        ("checklist page", f"/mentorships/{m}/duties/", CHECKLIST_VIEWERS),
        ("checklist api", f"/api/mentorships/{m}/duties", CHECKLIST_VIEWERS),
        ("compliance page", f"/programs/{prog}/duties/", COMPLIANCE_VIEWERS),
        ("compliance csv", f"/programs/{prog}/duties/export.csv", COMPLIANCE_VIEWERS),
        ("compliance xlsx", f"/programs/{prog}/duties/export.xlsx", COMPLIANCE_VIEWERS),
        ("compliance api", f"/api/programs/{prog}/duties", COMPLIANCE_VIEWERS),
    ]
    for name, url, allowed in reads:
        r = c.get(url)
        if role == "anonymous":
            assert r.status_code in (302, 401), (name, r.status_code)
        elif role in allowed:
            assert r.status_code == 200, (name, role, r.status_code)
        else:
            assert r.status_code in (403, 404), (name, role, r.status_code)
    # someone else's pair does not even exist for them: 404, not 403
    if role in ("other_mentor", "other_mentee", "colleague", "no_person", "pm_owning_nothing"):
        assert c.get(f"/mentorships/{m}/duties/").status_code == 404
        assert c.get(f"/api/mentorships/{m}/duties").status_code == 404


@pytest.mark.parametrize("role", ["hr", "owner", "mentor", "mentee", "head", "line_manager", "pm_owning_nothing"])
def test_the_summary_slots_show_the_duties_only_to_those_who_see_the_checklist(client, world, role):
    p, _people = world
    c = login(client, world, role)
    detail = c.get(f"/mentorships/{p.mentorship.pk}/")
    if detail.status_code != 200:
        assert role == "pm_owning_nothing"
        return
    link = f"/mentorships/{p.mentorship.pk}/duties/"
    assert (link in detail.content.decode()) == (role in CHECKLIST_VIEWERS), role
    program_page = c.get(f"/programs/{p.program.pk}/")
    if program_page.status_code == 200:
        assert (f"/programs/{p.program.pk}/duties/" in program_page.content.decode()) == (role in COMPLIANCE_VIEWERS)


def test_the_log_page_shows_the_summary_to_the_pair(client, world):
    p, people = world
    client.force_login(people["mentor"].user)
    body = client.get(f"/mentorships/{p.mentorship.pk}/log/").content.decode()
    assert "Monthly in-depth session" in body and f"/mentorships/{p.mentorship.pk}/duties/" in body


def held_in_depth(p, when):
    s = Session.objects.create(mentorship=p.mentorship, starts_at=when, status="held", questions="Q?", advice="A.")
    s.topics.add(TopicFactory())
    return s


def test_checklist_page_shows_states_and_the_untracked_duty_honestly(client, world):
    p, people = world
    s = held_in_depth(p, timezone.now() - datetime.timedelta(hours=2))
    client.force_login(people["mentee"].user)
    body = client.get(f"/mentorships/{p.mentorship.pk}/duties/").content.decode()
    assert "Monthly in-depth session" in body
    assert "duty-done" in body and f"/log/sessions/{s.pk}/" in body  # the pair follows the evidence
    assert "Not tracked yet" in body and "does not track this duty" in body


def test_the_program_team_sees_the_evidence_without_a_link_into_the_log(client, world):
    p, people = world
    s = held_in_depth(p, timezone.now() - datetime.timedelta(hours=2))
    client.force_login(people["owner"].user)
    body = client.get(f"/mentorships/{p.mentorship.pk}/duties/").content.decode()
    assert f"#{s.pk}" in body and f"/log/sessions/{s.pk}/" not in body


def test_checklist_api_lists_each_period_with_duty_and_state(client, world):
    p, people = world
    held_in_depth(p, timezone.now() - datetime.timedelta(hours=2))
    client.force_login(people["owner"].user)
    data = client.get(f"/api/mentorships/{p.mentorship.pk}/duties").json()
    assert data["mentorship_id"] == p.mentorship.pk
    first = data["periods"][0]
    assert set(first) >= {"duty", "period_start", "period_end", "state", "count", "needed", "evidence"}
    assert first["duty"]["code"] == "monthly_in_depth"
    today = timezone.localdate().isoformat()
    current = next(x for x in data["periods"] if x["duty"]["code"] == "monthly_in_depth"
                   and x["period_start"] <= today <= x["period_end"])
    assert current["state"] == "done" and current["evidence"][0]["kind"] == "session"
    states = {x["state"] for x in data["periods"]}
    assert "untracked" in states and "overdue" not in {x["state"] for x in data["periods"]
                                                       if x["duty"]["code"] == "resource"}
    only = client.get(f"/api/mentorships/{p.mentorship.pk}/duties?state=upcoming").json()["periods"]
    assert only and {x["state"] for x in only} == {"upcoming"}


@pytest.mark.parametrize("query", ["state=bogus", "q=%00", "page=0", "page=99999999999999999999",
                                   "q=" + "x" * 200])
def test_compliance_api_refuses_bad_input_with_a_422(client, world, query):
    p, people = world
    client.force_login(people["hr"].user)
    r = client.get(f"/api/programs/{p.program.pk}/duties?{query}")
    assert r.status_code in (400, 422) and r.json()["code"]  # a NUL byte is refused before the handler


@pytest.mark.parametrize("url", ["/api/programs/99999999999/duties", "/api/programs/99999999999999999999/duties",
                                 "/api/mentorships/99999999999/duties", "/programs/99999999/duties/",
                                 "/mentorships/99999999/duties/"])
def test_unknown_ids_are_not_found(client, world, url):
    _p, people = world
    client.force_login(people["hr"].user)
    assert client.get(url).status_code in (404, 422)


@pytest.mark.parametrize("query", ["state=bogus", "q=%00abc", "page=abc", "page=-4", "q=" + "é" * 500])
def test_compliance_page_survives_bad_input(client, world, query):
    p, people = world
    client.force_login(people["hr"].user)
    # a NUL byte is refused by the site's middleware (400) before the page; the rest is ignored or cut
    assert client.get(f"/programs/{p.program.pk}/duties/?{query}").status_code == (400 if "%00" in query else 200)


def test_compliance_puts_overdue_first_and_filters_and_searches(client, world, make_person):
    p, people = world
    # a second pair in the same program that keeps up with the in-depth duty this month
    mentor2, mentee2 = make_person(full_name="Zed Mentor"), make_person(full_name="Aaron Keeper")
    for person, role in ((mentor2, "mentor"), (mentee2, "mentee")):
        Enrolment.objects.create(program=p.program, person=person, role=role)
    today = timezone.localdate()
    started = today.replace(day=1)
    m2 = Mentorship.objects.create(program=p.program, mentor=mentor2, mentee=mentee2, status="active",
                                   origin=MentorshipOrigin.MANUAL, started_on=started)
    s = Session.objects.create(mentorship=m2, starts_at=timezone.now() - datetime.timedelta(minutes=5),
                               status="held", questions="Q", advice="A")
    s.topics.add(TopicFactory())
    client.force_login(people["owner"].user)
    rows = client.get(f"/api/programs/{p.program.pk}/duties?page_size=100").json()["items"]
    order = [duties.STATE_RANK[r["state"]] for r in rows]
    assert order == sorted(order)
    assert rows[0]["state"] == "overdue" and rows[0]["mentorship_id"] == p.mentorship.pk
    keeper = [r for r in rows if r["mentorship_id"] == m2.pk and r["duty"]["code"] == "monthly_in_depth"]
    assert keeper[0]["state"] == "done"
    # filter by state and search by name
    done = client.get(f"/api/programs/{p.program.pk}/duties?state=done").json()["items"]
    assert done and {r["state"] for r in done} == {"done"}
    found = client.get(f"/api/programs/{p.program.pk}/duties?q=keeper").json()["items"]
    assert found and {r["mentorship_id"] for r in found} == {m2.pk}
    page = client.get(f"/programs/{p.program.pk}/duties/?q=keeper").content.decode()
    assert "Aaron Keeper" in page and p.mentee.full_name not in page
    assert f"/mentorships/{m2.pk}/duties/" in page  # each row opens the pair's checklist
    page = client.get(f"/programs/{p.program.pk}/duties/?q=nobody-is-called-this").content.decode()
    assert "No pair matches" in page


def test_compliance_exports_csv_and_xlsx(client, world):
    from openpyxl import load_workbook

    p, people = world
    client.force_login(people["hr"].user)
    r = client.get(f"/programs/{p.program.pk}/duties/export.csv")
    text = b"".join(r.streaming_content).decode("utf-8-sig")
    assert p.mentee.full_name in text and "Monthly in-depth session" in text
    r = client.get(f"/programs/{p.program.pk}/duties/export.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert p.mentee.full_name in values


def test_compliance_query_count_is_bounded_whatever_the_number_of_pairs(client, world, make_person,
                                                                        django_assert_max_num_queries):
    p, people = world
    client.force_login(people["owner"].user)

    def grow(n):
        for _ in range(n):
            mentor, mentee = make_person(), make_person()
            m = Mentorship.objects.create(program=p.program, mentor=mentor, mentee=mentee, status="active",
                                          origin=MentorshipOrigin.MANUAL, started_on=p.mentorship.started_on)
            held_in_depth(type("P", (), {"mentorship": m})(), timezone.now() - datetime.timedelta(hours=1))

    grow(3)
    with django_assert_max_num_queries(25) as small:
        assert client.get(f"/programs/{p.program.pk}/duties/").status_code == 200
    grow(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(f"/programs/{p.program.pk}/duties/").status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(f"/api/programs/{p.program.pk}/duties").status_code == 200


def test_a_period_is_named_after_the_month_or_quarter_holding_most_of_it():
    from tandem.mentorships.duty_views import period_label

    def label(period, start, end):
        return period_label(duties.PeriodState(
            duty_id=1, duty_code="d", duty_name="d", required=True, requirement="session", concerns="pair",
            period=period, period_start=start, period_end=end, state="due", count=0, needed=1, timing="current"))

    D = datetime.date
    assert label("monthly", D(2026, 11, 1), D(2026, 11, 30)) == "November 2026"
    assert label("monthly", D(2026, 11, 25), D(2026, 12, 31)) == "December 2026"  # a stub joined to December
    assert label("quarterly", D(2026, 9, 3), D(2026, 12, 31)) == "Q4 2026"
    assert label("quarterly", D(2027, 1, 1), D(2027, 3, 31)) == "Q1 2027"
