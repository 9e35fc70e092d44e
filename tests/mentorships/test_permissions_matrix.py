"""Every role × every mentorship page and endpoint (source 002's boundaries, in core/authz.py).

Reads: allowed roles get 200, everyone else 403/404 (someone else's pair is a 404) and no private
text. Writes: allowed roles succeed; everyone else is refused and nothing changes in the database.
"""

from __future__ import annotations


import pytest
from django.db import transaction

from tandem.mentorships import plan_services
from tandem.mentorships.models import AgreementSignature, Goal, GoalMilestone, Mentorship, PlanComment
from tandem.people.models import CompetencyRating
from tandem.programs.models import Program
from tests.factories import UserFactory, actor_of, make_person
from tests.mentorships.conftest import build_pair
from tests.shared_world import shared_world

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "line_manager", "head", "mentor", "mentee",
         "colleague", "no_person", "requested_mentor"]
VIEWERS = {"hr", "owner", "line_manager", "head", "mentor", "mentee"}
PAIR = {"mentor", "mentee"}


def build_world():
    p = build_pair()
    m = p.mentorship
    plan_services.needs_submit(mentorship=m, actor=actor_of(p.mentee), competencies=[p.competencies[0].code], topics=[],
                               text="PRIVATE-NEEDS-TEXT")
    plan_services.plan_draft_save(mentorship=m, actor=actor_of(p.mentor), goals=[{
        "title": "Negotiate", "competency": p.competencies[0].code, "target_level": 4,
        "milestones": [{"title": "Read a book", "due_on": p.term[0].isoformat()}]}])
    plan_services.plan_comment_add(mentorship=m, actor=actor_of(p.mentee), text="PRIVATE-COMMENT")
    # a mentor whose pairing with the mentee (in another program) is only at the request stage
    requested = make_person(mentor_capacity=2)
    other = Program.objects.create(name="Other", program_type="classic", matching_mode="choose", status="open",
                                   starts_on=p.program.starts_on, ends_on=p.program.ends_on, owner=p.owner)
    Mentorship.objects.create(program=other, mentor=requested, mentee=p.mentee, status="requested",
                              origin="requested")
    people = {
        "hr": make_person(groups=["hr_admin"]),
        "owner": p.owner,
        "pm_owning_nothing": make_person(groups=["program_manager"]),
        "line_manager": p.line_manager,
        "head": p.head,
        "mentor": p.mentor,
        "mentee": p.mentee,
        "colleague": make_person(),
        "requested_mentor": requested,
    }
    return p, people


# The pair and its people, built once for this module (tests/shared_world.py); each test's writes are undone.
_built, world = shared_world(build_world)


def login(client, world, role):
    p, people = world
    if role == "no_person":
        client.force_login(UserFactory())
    elif role != "anonymous":
        client.force_login(people[role].user)
    return client


READS = [
    ("detail page", "/mentorships/{m}/", VIEWERS),
    ("agreement page", "/mentorships/{m}/agreement/", VIEWERS),
    ("agreement print", "/mentorships/{m}/agreement/print/", VIEWERS),
    ("agreement version", "/mentorships/{m}/agreement/versions/1/", VIEWERS),
    ("plan page", "/mentorships/{m}/plan/", VIEWERS),
    ("api detail", "/api/mentorships/{m}", VIEWERS),
    ("api agreement", "/api/mentorships/{m}/agreement", VIEWERS),
    ("api agreement versions", "/api/mentorships/{m}/agreement/versions", VIEWERS),
    ("api plan", "/api/mentorships/{m}/plan", VIEWERS),
    ("api plan comments", "/api/mentorships/{m}/plan/comments", PAIR),
    ("api needs", "/api/mentorships/{m}/needs", PAIR),
]


@pytest.mark.parametrize("role", ROLES)
def test_reads(client, world, role):
    """Each role against every read (one world per role: reads change nothing)."""
    p, _people = world
    c = login(client, world, role)
    for name, url, allowed in READS:
        r = c.get(url.format(m=p.mentorship.pk))
        if role == "anonymous":
            assert r.status_code in (302, 401), (name, role, r.status_code)
            continue
        if role in allowed:
            assert r.status_code == 200, (name, role, r.status_code)
        else:
            assert r.status_code in (403, 404), (name, role, r.status_code)
        body = r.content.decode()
        if role not in PAIR:
            assert "PRIVATE-COMMENT" not in body and "PRIVATE-NEEDS-TEXT" not in body, (name, role)


def _milestone(p):
    return GoalMilestone.objects.filter(goal__plan__mentorship=p.mentorship).first()


def _state(p):
    m = Mentorship.objects.get(pk=p.mentorship.pk)
    ms = GoalMilestone.objects.filter(goal__plan__mentorship=m).values_list("done_at", "title").first()
    return (m.status, m.agreements.count(), AgreementSignature.objects.filter(agreement__mentorship=m).count(),
            Goal.objects.filter(plan__mentorship=m).count(), ms, PlanComment.objects.count(),
            CompetencyRating.objects.filter(person=p.mentee).count())


WRITES = [
    ("edit agreement", "put", "/api/mentorships/{m}/agreement", lambda p: {"meeting_minutes": 45},
     {"hr", "owner", "mentor", "mentee"}),
    ("complete", "post", "/api/mentorships/{m}/transitions", lambda p: {"to": "completed"},
     {"hr", "owner", "mentor", "mentee"}),
    ("end early", "post", "/api/mentorships/{m}/transitions", lambda p: {"to": "ended_early", "reason": "why"},
     {"hr", "owner", "mentor", "mentee"}),
    ("tick milestone", "patch", "/api/milestones/{ms}", lambda p: {"done": True}, {"mentee"}),
    ("draft plan", "post", "/api/mentorships/{m}/plan", lambda p: {"goals": []}, {"mentor"}),
    ("comment on the plan", "post", "/api/mentorships/{m}/plan/comments", lambda p: {"text": "hi"}, PAIR),
    ("mentor rating", "post", "/api/people/{e}/ratings",
     lambda p: {"competency": p.competencies[0].code, "level": 4, "source": "mentor"}, {"mentor"}),
    ("self rating", "post", "/api/people/{e}/ratings",
     lambda p: {"competency": p.competencies[0].code, "level": 4, "source": "self"}, {"mentee"}),
]


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_writes(client, world, role):
    """Each role tries every write; each attempt is rolled back to a savepoint afterwards, so the
    next one starts from the same world."""
    p, _people = world
    c = login(client, world, role)
    for name, method, url, payload, allowed in WRITES:
        sid = transaction.savepoint()
        before = _state(p)
        target = url.format(m=p.mentorship.pk, ms=_milestone(p).pk, e=p.mentee.employee_id)
        r = getattr(c, method)(target, payload(p), content_type="application/json")
        if role in allowed:
            assert r.status_code in (200, 201), (name, role, r.status_code, r.content[:300])
            assert _state(p) != before, (name, role)
        else:
            assert r.status_code in (403, 404), (name, role, r.status_code, r.content[:300])
            assert _state(p) == before, (name, role)
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize("who", ["mentor", "mentee", "line_manager", "owner"])
def test_each_party_signs_only_for_themself(client, world, who):
    p, people = world
    # a new version waits for every signature
    from tandem.mentorships import services

    services.agreement_save(mentorship=p.mentorship, actor=actor_of(p.mentee), data={"meeting_minutes": 50})
    client.force_login(people[who].user)
    r = client.post(f"/api/mentorships/{p.mentorship.pk}/agreement/sign")
    latest = p.mentorship.agreements.order_by("-version").first()
    parties = set(latest.signatures.values_list("party", flat=True))
    if who == "owner":  # this program does not ask the program team to sign
        assert r.status_code == 403 and parties == set()
    else:
        assert r.status_code == 200 and parties == {who}
