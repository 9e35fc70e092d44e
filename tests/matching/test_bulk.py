from __future__ import annotations

import re

import datetime
import itertools

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tandem.core.errors import Conflict, ValidationFailed
from tandem.matching import adapter
from tandem.matching.engine.scoring import score_matrix
from tandem.matching.flows import bulk
from tandem.matching.models import ConstraintKind, MatchConstraint, MatchRun, RunStatus
from tandem.mentorships.models import Mentorship, MentorshipOrigin, MentorshipStatus
from tandem.people import services as people_services
from tandem.people.models import RatingSource
from tandem.programs.models import Enrolment, MatchingMode, Program, ProgramStatus, ProgramType
from tests.factories import DepartmentFactory, PersonFactory, RequirementFactory, UserFactory

pytestmark = pytest.mark.django_db


def rate(person, competency, level):
    people_services.rating_record(person=person, competency=competency, level=level, source=RatingSource.MANAGER,
                                  rated_by=None, rated_on=timezone.localdate())


class World:
    """A bulk program with a competency everyone is rated in; people are added per test."""

    def __init__(self, capacity=1):
        self.req = RequirementFactory(target_level=5)
        self.comp = self.req.competency
        self.dep_a, self.dep_b = DepartmentFactory(), DepartmentFactory()
        self.owner = PersonFactory(user=UserFactory(groups=["program_manager"]), department=self.dep_b)
        self.program = Program.objects.create(
            name="Bulk", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.BULK,
            status=ProgramStatus.OPEN, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
            owner=self.owner, default_mentor_capacity=capacity,
        )

    def mentee(self, level, name=None, **kw):
        p = PersonFactory(department=self.dep_a, job_profile=self.req.job_profile, user=UserFactory(),
                          **({"full_name": name} if name else {}), **kw)
        rate(p, self.comp, level)
        Enrolment.objects.create(program=self.program, person=p, role="mentee")
        return p

    def mentor(self, level, capacity=None, name=None, **kw):
        kw.setdefault("mentor_capacity", 10)  # their limit across programs; the program's is `capacity`
        p = PersonFactory(department=self.dep_b, user=UserFactory(), **({"full_name": name} if name else {}), **kw)
        rate(p, self.comp, level)
        Enrolment.objects.create(program=self.program, person=p, role="mentor", capacity=capacity)
        return p

    def pair(self, mentor, mentee, status=MentorshipStatus.ACTIVE):
        return Mentorship.objects.create(program=self.program, mentor=mentor, mentee=mentee, status=status,
                                         origin=MentorshipOrigin.MANUAL)

    def preview(self):
        return bulk.bulk_preview(program=self.program, user=self.owner.user)


def pairs_of(run):
    return {(p["mentee"], p["mentor"]) for p in run.pairs}


def reasons_of(run):
    return {u["mentee"]: u["reason"] for u in run.unmatched}


@pytest.fixture
def world(db):
    return World()


# -- preview: optimality --------------------------------------------------------------------


def test_preview_maximises_the_total_score_rather_than_pairing_greedily(world):
    # given: A is far from the target, B close; X is the strongest mentor, Y the second
    a, b = world.mentee(1, "A"), world.mentee(3, "B")
    x, y = world.mentor(5, name="X"), world.mentor(4, name="Y")
    # when
    run = world.preview()
    # then: greedy would give A the best mentor (A-X, B-Y); the optimum is A-Y + B-X
    assert pairs_of(run) == {(a.pk, y.pk), (b.pk, x.pk)}
    assert run.status == RunStatus.PREVIEW and run.unmatched == []
    assert run.total_score == pytest.approx(sum(p["score"] for p in run.pairs))


def test_preview_equals_a_brute_force_search_on_a_small_program(db):
    world = World()
    mentees = [world.mentee(level) for level in (1, 2, 3, 4)]
    mentors = [world.mentor(5, capacity=2), world.mentor(3, capacity=1)]
    boss = PersonFactory()
    for p in (mentees[0], mentors[1]):  # one pair is excluded by the same-manager rule
        p.manager = boss
        p.save()
    run = world.preview()
    pool = adapter.load_pool(world.program, mentees=sorted(mentees, key=lambda p: p.pk),
                             mentors=sorted(mentors, key=lambda p: p.pk))
    sm = score_matrix(pool.mentee_profiles, pool.mentor_profiles, adapter.weights_for(world.program))
    caps = [2, 1]
    best = (-1, -np.inf)
    for choice in itertools.product([-1, 0, 1], repeat=4):
        if any(choice.count(j) > caps[j] for j in (0, 1)):
            continue
        if any(j >= 0 and not sm.allowed[i, j] for i, j in enumerate(choice)):
            continue
        k = sum(j >= 0 for j in choice)
        s = sum(sm.total[i, j] for i, j in enumerate(choice) if j >= 0)
        best = max(best, (k, s))
    assert len(run.pairs) == best[0] == 3
    assert run.total_score == pytest.approx(best[1], abs=1e-3)


# -- preview: rules, pins, capacity, reasons -------------------------------------------------


def test_an_excluded_pair_is_never_proposed(world):
    a = world.mentee(1)
    x, y = world.mentor(5), world.mentor(2)
    bulk.constraint_add(program=world.program, mentee=a, mentor=x, kind=ConstraintKind.EXCLUDE, user=None)
    run = world.preview()
    assert pairs_of(run) == {(a.pk, y.pk)}


def test_same_manager_pairs_are_never_proposed(world):
    boss = PersonFactory()
    a = world.mentee(1, manager=boss)
    world.mentor(5, manager=boss)
    run = world.preview()
    assert run.pairs == []
    assert run.unmatched == [{"mentee": a.pk, "reason": "no_allowed_mentor", "detail": {"rules": {"same_manager": 1}}}]
    text = bulk.run_view(run=run).unmatched[0].explanation
    assert "1 has the same manager" in text


def test_a_pin_is_honoured_and_takes_one_of_the_mentors_slots(world):
    # given: X has one slot; both mentees would score best with X, and the optimiser would give it to A
    a, b = world.mentee(1), world.mentee(4)
    x, y = world.mentor(5), world.mentor(4)
    bulk.constraint_add(program=world.program, mentee=b, mentor=x, kind=ConstraintKind.PIN, user=None)
    # when
    run = world.preview()
    # then
    assert pairs_of(run) == {(b.pk, x.pk), (a.pk, y.pk)}
    assert [p["pinned"] for p in run.pairs if p["mentee"] == b.pk] == [True]


def test_a_pin_to_a_mentor_without_a_free_slot_is_refused_and_nothing_is_saved(world):
    a, b = world.mentee(1), world.mentee(2)
    x = world.mentor(5)
    bulk.constraint_add(program=world.program, mentee=a, mentor=x, kind=ConstraintKind.PIN, user=None)
    with pytest.raises(ValidationFailed) as exc:
        bulk.constraint_add(program=world.program, mentee=b, mentor=x, kind=ConstraintKind.PIN, user=None)
    assert "no free slot" in str(exc.value.errors["mentor"][0])
    assert MatchConstraint.objects.filter(mentee=b).count() == 0


def test_a_pin_the_programs_rules_forbid_is_refused(world):
    boss = PersonFactory()
    a, x = world.mentee(1, manager=boss), world.mentor(5, manager=boss)
    with pytest.raises(ValidationFailed) as exc:
        bulk.constraint_add(program=world.program, mentee=a, mentor=x, kind=ConstraintKind.PIN, user=None)
    assert "same manager" in str(exc.value.errors["mentor"][0])


@pytest.mark.parametrize("case", ["same person", "mentee not enrolled", "mentor enrolled as mentee", "bad kind"])
def test_constraints_need_two_different_people_enrolled_in_their_roles(world, case):
    a, x = world.mentee(1), world.mentor(5)
    kwargs = {"mentee": a, "mentor": x, "kind": ConstraintKind.EXCLUDE}
    if case == "same person":
        kwargs["mentor"] = a
    elif case == "mentee not enrolled":
        kwargs["mentee"] = PersonFactory()
    elif case == "mentor enrolled as mentee":
        kwargs["mentor"] = world.mentee(2)
    else:
        kwargs["kind"] = "maybe"
    with pytest.raises(ValidationFailed):
        bulk.constraint_add(program=world.program, user=None, **kwargs)
    assert MatchConstraint.objects.count() == 0


def test_a_pin_that_can_no_longer_be_honoured_leaves_the_mentee_unmatched_with_the_reason(world):
    a, b = world.mentee(1, "Ann"), world.mentee(2)
    x = world.mentor(5, name="Xavier")
    bulk.constraint_add(program=world.program, mentee=a, mentor=x, kind=ConstraintKind.PIN, user=None)
    world.pair(x, world.mentee(3))  # X fills up after the pin
    run = world.preview()
    assert reasons_of(run)[a.pk] == "pin_conflict"
    row = next(u for u in bulk.run_view(run=run).unmatched if u.mentee == a)
    assert "Pinned to Xavier, who has no free slot left" in row.explanation
    assert b.pk in reasons_of(run)


def test_a_mentor_at_capacity_gets_no_new_mentees(world):
    a = world.mentee(1)
    full, free = world.mentor(5), world.mentor(2)
    world.pair(full, world.mentee(3))
    run = world.preview()
    assert pairs_of(run) == {(a.pk, free.pk)}
    assert bulk.free_slots(program=world.program) == {free.pk: 1}


def test_a_mentee_left_over_when_slots_run_out_is_unmatched_as_capacity_exhausted(world):
    world.mentee(1), world.mentee(2)
    world.mentor(5)
    run = world.preview()
    assert len(run.pairs) == 1
    (u,) = run.unmatched
    assert u["reason"] == "capacity_exhausted"
    assert "slots went to other mentees" in bulk.run_view(run=run).unmatched[0].explanation


def test_without_mentors_every_mentee_is_unmatched_and_told_no_mentor_has_a_free_slot(world):
    world.mentee(1)
    run = world.preview()
    assert run.pairs == [] and run.unmatched[0]["reason"] == "no_allowed_mentor"
    assert bulk.run_view(run=run).unmatched[0].explanation == "No mentor has a free slot."


def test_pairs_carry_machine_reasons_that_read_as_sentences(world):
    world.mentee(1)
    world.mentor(5)
    run = world.preview()
    assert run.pairs[0]["reasons"][0][0] == "gap"
    row = bulk.run_view(run=run).pairs[0]
    assert any("covers the mentee's gap in" in r for r in row.reasons) and len(row.reasons) <= 3


def test_a_new_preview_discards_the_previous_one(world):
    world.mentee(1), world.mentor(5)
    first = world.preview()
    second = world.preview()
    first.refresh_from_db()
    assert first.status == RunStatus.DISCARDED and second.status == RunStatus.PREVIEW


def test_a_closed_program_cannot_be_matched(world):
    world.mentee(1), world.mentor(5)
    run = world.preview()
    Program.objects.filter(pk=world.program.pk).update(status=ProgramStatus.CLOSED)
    world.program.refresh_from_db()
    with pytest.raises(Conflict, match="closed"):
        world.preview()
    with pytest.raises(Conflict, match="closed"):
        bulk.bulk_commit(run=run, user=None)
    assert not Mentorship.objects.exists()


# -- commit ----------------------------------------------------------------------------------


def test_commit_creates_the_mentorships_and_a_second_commit_is_refused(world):
    world.mentee(1), world.mentee(3)
    world.mentor(5), world.mentor(4)
    run = world.preview()
    assert bulk.bulk_commit(run=run, user=world.owner.user) == 2
    made = Mentorship.objects.filter(program=world.program)
    assert {(m.mentee_id, m.mentor_id) for m in made} == pairs_of(run)
    assert {m.origin for m in made} == {MentorshipOrigin.BULK} and {m.status for m in made} == {bulk.COMMIT_STATUS}
    run.refresh_from_db()
    assert run.status == RunStatus.COMMITTED and run.committed_at is not None
    with pytest.raises(Conflict, match="already been committed"):
        bulk.bulk_commit(run=run, user=world.owner.user)
    assert made.count() == 2


def test_commit_after_a_mentee_got_a_mentor_meanwhile_is_refused_and_writes_nothing(world):
    a, _b = world.mentee(1, "Ann"), world.mentee(3)
    world.mentor(5), world.mentor(4)
    other = world.mentor(2, capacity=2)
    run = world.preview()
    world.pair(other, a)  # the mentee found a mentor elsewhere after the preview
    with pytest.raises(Conflict) as exc:
        bulk.bulk_commit(run=run, user=world.owner.user)
    assert "Ann got a mentor since the preview" in str(exc.value.message)
    assert "run the preview again" in str(exc.value.message)
    assert Mentorship.objects.filter(origin=MentorshipOrigin.BULK).count() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.PREVIEW


def test_commit_after_the_mentor_filled_up_is_refused(world):
    a = world.mentee(1)
    x = world.mentor(5, name="Xavier")
    run = world.preview()
    world.pair(x, world.mentee(2))
    with pytest.raises(Conflict, match="Xavier has fewer free slots"):
        bulk.bulk_commit(run=run, user=world.owner.user)
    assert not Mentorship.objects.filter(mentee=a).exists()


def test_rerunning_keeps_existing_pairs_and_only_matches_the_rest(world):
    a, b = world.mentee(1), world.mentee(2)
    x, y = world.mentor(5, capacity=2), world.mentor(4)
    kept = world.pair(y, a, status=MentorshipStatus.INTRO)
    run = world.preview()
    assert pairs_of(run) == {(b.pk, x.pk)}
    bulk.bulk_commit(run=run, user=world.owner.user)
    kept.refresh_from_db()
    assert kept.status == MentorshipStatus.INTRO and kept.mentor == y
    assert world.preview().pairs == []  # nobody left to match


# -- pages -----------------------------------------------------------------------------------


def manager_client(client, world):
    client.force_login(world.owner.user)
    return client


def test_the_manager_previews_and_commits_on_the_page(client, world, django_capture_on_commit_callbacks):
    a = world.mentee(1, "Ann Mentee")
    world.mentor(5, name="Xavier Mentor")
    c = manager_client(client, world)
    url = f"/programs/{world.program.pk}/bulk/"
    page = c.get(url).content.decode()
    assert "No preview yet" in page and 'id="fig-mentees">1<' in page
    # the request queues the preview and the page shows it waiting; the task runs once that commits
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(url + "preview/", follow=True)
        assert "The preview is being computed" in r.content.decode() and 'id="run-status"' in r.content.decode()
    html = c.get(url).content.decode()
    assert "Ann Mentee" in html and "Xavier Mentor" in html and "covers the mentee&#x27;s gap in" in html
    assert "Commit this pair" in html
    run = MatchRun.objects.get()
    r = c.post(url + f"runs/{run.pk}/commit/", follow=True)
    assert "1 pair created" in r.content.decode()
    assert Mentorship.objects.filter(mentee=a, origin=MentorshipOrigin.BULK).exists()
    assert "Committed on" in r.content.decode()
    r = c.post(url + f"runs/{run.pk}/commit/", follow=True)  # a second click
    assert r.status_code == 200 and "already been committed" in r.content.decode()


def test_the_page_shows_what_is_missing_before_anything_can_be_matched(client, world):
    c = manager_client(client, world)
    url = f"/programs/{world.program.pk}/bulk/"
    assert "No mentees are enrolled yet" in c.get(url).content.decode()
    world.mentee(1)
    assert "No mentors are enrolled yet" in c.get(url).content.decode()
    world.pair(world.mentor(5), Enrolment.objects.get(role="mentee").person)
    assert "Nothing to match" in c.get(url).content.decode()


def test_adding_and_removing_a_rule_with_htmx_returns_the_updated_list(client, world):
    a, x = world.mentee(1, "Ann"), world.mentor(5, name="Xavier")
    c = manager_client(client, world)
    base = f"/programs/{world.program.pk}/bulk/constraints/"
    r = c.post(base, {"mentee": a.pk, "mentor": x.pk, "kind": "exclude"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="constraints"' in r.content.decode()
    assert "Ann will never be paired with Xavier" in r.content.decode()
    cons = MatchConstraint.objects.get()
    r = c.post(f"{base}{cons.pk}/remove/", HTTP_HX_REQUEST="true")
    assert "Rule removed" in r.content.decode() and not MatchConstraint.objects.exists()
    r = c.post(base, {"mentee": "nobody", "mentor": x.pk, "kind": "pin"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "Choose a mentee and a mentor" in r.content.decode()


def test_a_pairs_pin_and_exclude_buttons_post_that_pair_through_one_form(client, world):
    a, x = world.mentee(1, "Ann"), world.mentor(5, name="Xavier")
    world.preview()
    c = manager_client(client, world)
    html = c.get(f"/programs/{world.program.pk}/bulk/").content.decode()
    table = html[html.index('<table id="pairs">'):]
    table = table[:table.index("</table>")]
    assert html.count('id="pair-rules"') == 1 and "<form" not in table and "csrfmiddlewaretoken" not in table
    buttons = dict((kind, value) for value, kind in re.findall(r'form="pair-rules" name="pick" value="((pin|exclude):[^"]+)"', html))
    assert buttons == {"pin": f"pin:{a.pk}:{x.pk}", "exclude": f"exclude:{a.pk}:{x.pk}"}
    base = f"/programs/{world.program.pk}/bulk/constraints/"
    r = c.post(base, {"pick": buttons["exclude"]})
    assert r.status_code in (200, 302)
    cons = MatchConstraint.objects.get()
    assert (cons.mentee, cons.mentor, cons.kind) == (a, x, ConstraintKind.EXCLUDE)
    for bad in ("pin:", "pin:x:y", f"pin:{a.pk}", f"pin:{a.pk}:99999999999", f"sideways:{a.pk}:{x.pk}"):
        r = c.post(base, {"pick": bad}, HTTP_HX_REQUEST="true")
        assert r.status_code in (200, 400) and MatchConstraint.objects.count() == 1, bad


def test_the_bulk_page_query_count_does_not_grow_with_the_number_of_pairs(client, db):
    def measure(n):
        world = World()
        for k in range(n):
            world.mentee(1 + k % 3), world.mentor(5)
        bulk.constraint_add(program=world.program, mentee=Enrolment.objects.filter(
            program=world.program, role="mentee").first().person, mentor=Enrolment.objects.filter(
            program=world.program, role="mentor").last().person, kind="exclude", user=None)
        world.preview()
        client.force_login(world.owner.user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/programs/{world.program.pk}/bulk/").status_code == 200
        return len(ctx.captured_queries)

    assert measure(2) == measure(8)


# -- API -------------------------------------------------------------------------------------


def test_api_previews_gets_and_commits_a_run(client, world, django_capture_on_commit_callbacks):
    a = world.mentee(1)
    x = world.mentor(5)
    c = manager_client(client, world)
    base = f"/api/programs/{world.program.pk}/bulk-match"
    with django_capture_on_commit_callbacks(execute=True):  # the task runs once the request commits
        r = c.post(f"{base}/preview")
        assert r.status_code == 202 and r["Location"] == f"{base}/runs/{r.json()['id']}"
        assert r.json()["status"] == "queued" and r.json()["pairs"] == []
    body = c.get(r["Location"]).json()
    assert body["status"] == "preview" and body["progress"] == 100
    assert body["pairs"][0]["mentee"] == a.employee_id and body["pairs"][0]["mentor"] == x.employee_id
    assert any("covers the mentee's gap" in s for s in body["pairs"][0]["reasons"])
    assert c.get(f"{base}/runs/{body['id']}").json()["status"] == "preview"
    r = c.post(f"{base}/runs/{body['id']}/commit")
    assert r.status_code == 200 and r.json()["created"] == 1 and r.json()["run"]["status"] == "committed"
    r = c.post(f"{base}/runs/{body['id']}/commit")
    assert r.status_code == 409 and r.json()["code"] == "already_committed"
    assert c.get(f"{base}/runs/999999").status_code == 404


def test_api_adds_and_removes_constraints_and_names_unknown_people(client, world):
    a, x = world.mentee(1), world.mentor(5)
    c = manager_client(client, world)
    url = f"/api/programs/{world.program.pk}/match-constraints"
    r = c.post(url, {"mentee": a.employee_id, "mentor": x.employee_id, "kind": "pin"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["kind"] == "pin"
    r = c.post(url, {"mentee": "NOPE", "mentor": x.employee_id}, content_type="application/json")
    assert r.status_code == 400 and "NOPE" in str(r.json()["errors"]["mentee"])
    r = c.delete(url, {"mentee": a.employee_id, "mentor": x.employee_id}, content_type="application/json")
    assert r.status_code == 204 and not MatchConstraint.objects.exists()
    r = c.delete(url, {"mentee": a.employee_id, "mentor": x.employee_id}, content_type="application/json")
    assert r.status_code == 404


# -- permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentee", "mentor", "department head", "another program manager"])
def test_only_the_programs_manager_and_hr_may_run_the_bulk_match(client, world, who):
    a, x = world.mentee(1), world.mentor(5)
    if who == "mentee":
        user = a.user
    elif who == "mentor":
        user = x.user
    elif who == "department head":
        head = PersonFactory(user=UserFactory())
        world.dep_a.head = head
        world.dep_a.save()
        user = head.user
    else:
        user = PersonFactory(user=UserFactory(groups=["program_manager"])).user
    client.force_login(user)
    pid = world.program.pk
    assert client.get(f"/programs/{pid}/bulk/").status_code == 403
    assert client.post(f"/programs/{pid}/bulk/preview/").status_code == 403
    assert client.post(f"/api/programs/{pid}/bulk-match/preview").status_code == 403
    r = client.post(f"/api/programs/{pid}/match-constraints", {"mentee": a.employee_id, "mentor": x.employee_id},
                    content_type="application/json")
    assert r.status_code == 403
    assert not MatchRun.objects.exists() and not MatchConstraint.objects.exists()


def test_hr_may_run_the_bulk_match_of_any_program(hr_client, world):
    world.mentee(1), world.mentor(5)
    assert hr_client.get(f"/programs/{world.program.pk}/bulk/").status_code == 200
    assert hr_client.post(f"/api/programs/{world.program.pk}/bulk-match/preview").status_code == 202


# -- mutual programs: one pool on both sides ----------------------------------------------------


def test_mutual_pairing_is_a_maximum_weight_perfect_pairing_on_a_designed_case():
    import numpy as np

    from tandem.matching.flows.bulk import mutual_pairing

    # given four people where greedy (pair the best edge 0-1 first) leaves 2 and 3 unable to pair
    total = np.array([[0, 9, 5, 0], [9, 0, 0, 5], [5, 0, 0, 0], [0, 5, 0, 0]], dtype=float)
    allowed = total > 0
    # when
    partner = mutual_pairing(total, allowed)
    # then everyone is paired: 0-2 and 1-3 (cardinality first), each pair reported once
    assert partner.tolist() == [2, 3, -1, -1]


def test_mutual_pairing_matches_brute_force_on_small_pools():
    import itertools

    import numpy as np

    from tandem.matching.flows.bulk import mutual_pairing

    rng = np.random.default_rng(7)
    for _ in range(30):
        k = int(rng.integers(2, 7))
        t = rng.random((k, k))
        t = (t + t.T) / 2
        allowed = rng.random((k, k)) < 0.7
        allowed = allowed & allowed.T
        np.fill_diagonal(allowed, False)
        partner = mutual_pairing(t, allowed)
        pairs = [(a, int(b)) for a, b in enumerate(partner) if b >= 0]
        people = [p for pair in pairs for p in pair]
        assert len(people) == len(set(people))
        got = (len(pairs), round(sum(t[a, b] for a, b in pairs), 9))
        best = (0, 0.0)
        edges = [(a, b) for a in range(k) for b in range(a + 1, k) if allowed[a, b]]
        for r in range(len(edges) + 1):
            for combo in itertools.combinations(edges, r):
                flat = [p for e in combo for p in e]
                if len(flat) == len(set(flat)):
                    best = max(best, (len(combo), round(sum(t[a, b] for a, b in combo), 9)))
        assert got == best


def test_bulk_preview_in_a_mutual_program_puts_each_person_in_at_most_one_pair(world):
    # given a mutual program of five people who each know the competency at a different level
    world.program.program_type = ProgramType.MUTUAL
    world.program.save()
    people = [world.mentee(level) for level in (1, 2, 3, 4, 5)]
    # when
    run = world.preview()
    # then two pairs, nobody twice, and the fifth person is reported unmatched
    members = [pk for pair in pairs_of(run) for pk in pair]
    assert len(run.pairs) == 2 and len(members) == len(set(members)) == 4
    assert {u["mentee"] for u in run.unmatched} == {p.pk for p in people} - set(members)
    assert bulk.bulk_commit(run=run, user=world.owner.user) == 2


@pytest.mark.django_db(transaction=True)
def test_preview_outside_a_test_transaction_works_as_in_a_real_request():
    """Requests run in autocommit; the preview takes its own transaction for its row lock
    (PostgreSQL refuses select_for_update outside one)."""
    w = World()
    w.mentee(1)
    w.mentor(5)
    run = w.preview()
    assert len(run.pairs) == 1


# -- stale previews and races (the commit re-checks what the preview was computed under) ---------


def test_commit_after_a_pin_was_added_is_refused_and_writes_nothing(world):
    a = world.mentee(1, "Ann")
    x, y = world.mentor(5, name="Xavier"), world.mentor(2, name="Yolanda")
    run = world.preview()
    assert pairs_of(run) == {(a.pk, x.pk)}
    bulk.constraint_add(program=world.program, mentee=a, mentor=y, kind=ConstraintKind.PIN, user=world.owner.user)
    with pytest.raises(Conflict) as exc:
        bulk.bulk_commit(run=run, user=world.owner.user)
    assert exc.value.code == "preview_outdated" and "pin or an exclusion was added" in str(exc.value.message)
    assert not Mentorship.objects.filter(program=world.program).exists()


def test_commit_after_an_exclusion_was_added_is_refused(world):
    a = world.mentee(1)
    x = world.mentor(5)
    run = world.preview()
    bulk.constraint_add(program=world.program, mentee=a, mentor=x, kind=ConstraintKind.EXCLUDE, user=world.owner.user)
    with pytest.raises(Conflict):
        bulk.bulk_commit(run=run, user=world.owner.user)
    assert not Mentorship.objects.filter(program=world.program).exists()


def test_commit_after_the_mentor_filled_up_in_another_program_is_refused(world):
    world.mentee(1)
    x = world.mentor(5, name="Xavier", mentor_capacity=1)
    run = world.preview()
    elsewhere = Program.objects.create(
        name="Elsewhere", program_type=ProgramType.CLASSIC, matching_mode=MatchingMode.BULK, status=ProgramStatus.OPEN,
        starts_on=world.program.starts_on, ends_on=world.program.ends_on, owner=world.owner)
    Mentorship.objects.create(program=elsewhere, mentor=x, mentee=PersonFactory(), status=MentorshipStatus.ACTIVE,
                              origin=MentorshipOrigin.MANUAL)
    with pytest.raises(Conflict, match="Xavier has fewer free slots"):
        bulk.bulk_commit(run=run, user=world.owner.user)
    assert not Mentorship.objects.filter(program=world.program).exists()


@pytest.mark.django_db(transaction=True)
def test_preview_and_commit_racing_never_deadlock():
    """Real concurrency on PostgreSQL: previews and commits of one program in parallel threads.
    Each either succeeds or is refused with a clear conflict; none dies on a deadlock."""
    if connection.vendor != "postgresql":
        pytest.skip("lock ordering is exercised on PostgreSQL")
    import threading

    from django.db import connections

    w = World()
    for level in (1, 2, 3, 1, 2, 3):
        w.mentee(level)
    for level in (5, 4, 3):
        w.mentor(level, capacity=2)
    errors: list[str] = []
    outcomes: list[str] = []

    def preview():
        try:
            bulk.bulk_preview(program=w.program, user=w.owner.user)
            outcomes.append("preview")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:  # noqa: BLE001 - a deadlock or any 500 is the failure we look for
            errors.append(repr(exc))
        finally:
            connections.close_all()

    def commit():
        try:
            run = MatchRun.objects.filter(program=w.program, status=RunStatus.PREVIEW).order_by("-id").first()
            if run is not None:
                bulk.bulk_commit(run=run, user=w.owner.user)
            outcomes.append("commit")
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            connections.close_all()

    bulk.bulk_preview(program=w.program, user=w.owner.user)
    for _round in range(6):
        threads = [threading.Thread(target=f) for f in (preview, commit, preview, commit)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    # nobody was paired twice
    mentee_ids = list(Mentorship.objects.filter(program=w.program).values_list("mentee_id", flat=True))
    assert len(mentee_ids) == len(set(mentee_ids))
