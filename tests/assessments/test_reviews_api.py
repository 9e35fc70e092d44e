"""Competency reviews through the API and the pages: every role × every page and endpoint (reads:
allowed 200, others 403/404, anonymous to sign-in; writes: only the rater), the forms' errors as
4xx with messages (a NUL byte too), the competency-change resource, pagination, query counts."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from tandem.assessments import review_services as rs
from tandem.assessments.review_models import Review, ReviewAnswer, ReviewAssignment, ReviewCampaign
from tandem.people.models import CompetencyRating
from tests.factories import UserFactory, actor_of
from tests.mentorships.conftest import active_pair, make_pair
from tests.svg_checks import assert_svg_coordinates_are_numbers

_FIXTURES = (active_pair, make_pair)  # pytest finds them by name

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "head", "line_manager", "mentor", "mentee",
         "employee", "no_person"]
EVERYONE = set(ROLES) - {"anonymous"}
TEAM = {"hr", "owner"}
AUDIENCE = {"hr", "owner", "head", "line_manager", "mentor", "mentee"}  # who sees the mentee's ratings


def day(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def rv(active_pair, make_person, hr_person):
    p = active_pair
    c = rs.review_campaign_open(program=p.program, actor=actor_of(p.owner), kind="baseline", opens_on=day(0),
                                closes_on=day(10))
    review = Review.objects.get(campaign=c)
    people = {"hr": hr_person, "owner": p.owner, "pm_owning_nothing": make_person(groups=["program_manager"]),
              "head": p.head, "line_manager": p.line_manager, "mentor": p.mentor, "mentee": p.mentee,
              "employee": make_person()}
    return p, c, review, people


def login(client, people, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role != "anonymous":
        client.force_login(people[role].user)
    return client


READS = [
    ("my reviews", "/reviews/", EVERYONE),
    ("program reviews", "/programs/{p}/reviews/", TEAM),
    ("campaign", "/reviews/campaigns/{c}/", TEAM),
    ("review page", "/reviews/{r}/", AUDIENCE),
    ("profile", "/people/{e}/", EVERYONE),
    ("api campaigns", "/api/programs/{p}/reviews", TEAM),
    ("api campaign reviews", "/api/review-campaigns/{c}/reviews", TEAM),
    ("api review", "/api/reviews/{r}", AUDIENCE),
    ("api change", "/api/people/{e}/competency-change", AUDIENCE),
    ("api program change", "/api/programs/{p}/competency-change", TEAM),
    ("api my assignments", "/api/me/review-assignments", EVERYONE),
]


@pytest.mark.parametrize("role", ROLES)
def test_reads(client, rv, role):
    p, c, review, people = rv
    cl = login(client, people, role)
    for name, url, allowed in READS:
        r = cl.get(url.format(p=p.program.pk, c=c.pk, r=review.pk, e=p.mentee.employee_id))
        if role == "anonymous":
            assert r.status_code in (302, 401), (name, r.status_code)
        elif role in allowed:
            assert r.status_code == 200, (name, role, r.status_code)
        else:
            assert r.status_code in (403, 404), (name, role, r.status_code)


def test_someone_who_cannot_see_the_review_gets_404_not_403(client, rv):
    p, c, review, people = rv
    client.force_login(people["employee"].user)
    for url in (f"/reviews/{review.pk}/", f"/api/reviews/{review.pk}", f"/api/programs/{p.program.pk}/reviews",
                f"/reviews/assignments/{ReviewAssignment.objects.filter(role='self').get().pk}/"):
        assert client.get(url).status_code == 404, url


def _payload(p, level=4, note=""):
    return json.dumps({"answers": [{"competency_id": c.pk, "level": level, "note": note} for c in p.competencies]})


@pytest.mark.parametrize("role", ROLES)
def test_only_the_mentor_submits_the_mentors_ratings(client, rv, role):
    p, c, review, people = rv
    a = ReviewAssignment.objects.get(review=review, role="mentor")
    r = login(client, people, role).post(f"/api/review-assignments/{a.pk}/answers", _payload(p),
                                         content_type="application/json")
    if role == "mentor":
        assert r.status_code == 201, r.content
        assert r.json()["ratings_written"] == 4
        assert CompetencyRating.objects.filter(source="mentor", rated_by=p.mentor).count() == 4
    else:
        assert r.status_code in (401, 403, 404), (role, r.status_code)
        assert not ReviewAnswer.objects.exists()
        if role in AUDIENCE:
            assert r.json()["code"] == "review_not_your_assignment"


def test_the_mentor_cannot_submit_the_mentees_self_rating_through_the_api(client, rv):
    p, c, review, people = rv
    a = ReviewAssignment.objects.get(review=review, role="self")
    client.force_login(p.mentor.user)
    r = client.post(f"/api/review-assignments/{a.pk}/answers", _payload(p), content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "review_not_your_assignment"
    assert not CompetencyRating.objects.filter(source="self", rated_on=day(0)).exists()


@pytest.mark.parametrize(("level", "note"), [(0, ""), (6, ""), ("4", ""), (4, "bad\x00note"), (4, "x" * 501)])
def test_bad_answers_are_422_with_a_message(client, rv, level, note):
    p, c, review, people = rv
    a = ReviewAssignment.objects.get(review=review, role="self")
    client.force_login(p.mentee.user)
    r = client.post(f"/api/review-assignments/{a.pk}/answers", _payload(p, level, note),
                    content_type="application/json")
    assert r.status_code in (400, 422), r.content
    assert r.json().get("message") or r.json().get("detail")
    assert not ReviewAnswer.objects.exists()


def test_resubmitting_is_a_409_with_its_code(client, rv):
    p, c, review, people = rv
    a = ReviewAssignment.objects.get(review=review, role="self")
    client.force_login(p.mentee.user)
    url = f"/api/review-assignments/{a.pk}/answers"
    assert client.post(url, _payload(p), content_type="application/json").status_code == 201
    r = client.post(url, _payload(p, 5), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "review_already_submitted"


def test_api_opens_a_campaign_and_refuses_a_second_baseline(client, rv):
    p, c, review, people = rv
    client.force_login(p.owner.user)
    url = f"/api/programs/{p.program.pk}/reviews"
    body = {"kind": "follow_up", "opens_on": day(1).isoformat(), "closes_on": day(8).isoformat()}
    r = client.post(url, json.dumps(body), content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["reviews"] == 1 and r.json()["asked"] == 3 and r.json()["answered"] == 0
    r = client.post(url, json.dumps({**body, "kind": "baseline"}), content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "review_baseline_exists"
    r = client.post(url, json.dumps({**body, "closes_on": day(-3).isoformat()}), content_type="application/json")
    assert r.status_code == 400 and "closes_on" in r.json()["errors"]
    r = client.post(url, json.dumps({**body, "kind": "weekly"}), content_type="application/json")
    assert r.status_code == 400 and "kind" in r.json()["errors"]
    client.force_login(p.mentor.user)
    assert client.post(url, json.dumps(body), content_type="application/json").status_code in (403, 404)
    assert ReviewCampaign.objects.count() == 2
    listing = client.get(url)
    assert listing.status_code in (403, 404)
    client.force_login(p.owner.user)
    items = client.get(url).json()
    assert items["count"] == 2 and {i["kind"] for i in items["items"]} == {"baseline", "follow_up"}


def test_competency_change_resource(client, rv):
    p, c, review, people = rv
    for role, who in (("self", p.mentee), ("mentor", p.mentor)):
        rs.review_submit(assignment=ReviewAssignment.objects.get(review=review, role=role), actor=actor_of(who),
                         answers=[{"competency_id": x.pk, "level": 4} for x in p.competencies])
    client.force_login(p.line_manager.user)
    r = client.get(f"/api/people/{p.mentee.employee_id}/competency-change?program_id={p.program.pk}")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["program_id"] == p.program.pk
    row = next(x for x in body["competencies"] if x["competency"] == p.competencies[0].code)
    assert row["target"] == 5
    # the fixture's manager ratings 40 days ago were the "before": 2 → the mentor's 4 today
    assert row["rated"]["before"]["level"] == 2 and row["rated"]["before"]["source"] == "manager"
    assert row["rated"]["after"] == {"level": 4, "on": day(0).isoformat(), "source": "mentor",
                                     "rated_by_id": p.mentor.pk}
    assert row["rated"]["change"] == 2 and row["rated"]["n"] == 2
    assert row["self_assessed"]["before"]["level"] == 4 and row["self_assessed"]["change"] is None
    # a window before today's review: no "after" yet
    r = client.get(f"/api/people/{p.mentee.employee_id}/competency-change?start={day(-50)}&end={day(-1)}")
    row = next(x for x in r.json()["competencies"] if x["competency"] == p.competencies[0].code)
    assert row["rated"]["n"] == 1 and row["rated"]["change"] is None
    assert client.get(f"/api/people/{p.mentee.employee_id}/competency-change?start={day(0)}&end={day(-1)}"
                      ).status_code == 400
    assert client.get("/api/people/nobody/competency-change").status_code == 404
    client.force_login(p.owner.user)
    agg = client.get(f"/api/programs/{p.program.pk}/competency-change").json()
    first = next(x for x in agg["competencies"] if x["competency"] == p.competencies[0].code)
    assert (first["rated_n"], first["rated_before"], first["rated_after"]) == (1, 2.0, 4.0)


# -- the pages -------------------------------------------------------------------------------


def test_the_mentee_rates_themselves_through_the_page(client, rv):
    p, c, review, people = rv
    a = ReviewAssignment.objects.get(review=review, role="self")
    client.force_login(p.mentee.user)
    url = f"/reviews/assignments/{a.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and b"Submit my ratings" in page.content
    data = {f"level-{x.pk}": "3" for x in p.competencies}
    r = client.post(url, {**data, f"level-{p.competencies[0].pk}": "9"})
    assert r.status_code == 400 and b"Choose a level from 1 to 5." in r.content
    r = client.post(url, {**data, f"note-{p.competencies[1].pk}": "a\x00b"})
    assert r.status_code == 400 and b"NUL" in r.content
    assert not ReviewAnswer.objects.exists()
    r = client.post(url, data)
    assert r.status_code == 302
    assert CompetencyRating.objects.filter(person=p.mentee, source="self", rated_on=day(0)).count() == 4
    r = client.post(url, data)
    assert r.status_code == 409


def test_the_program_team_opens_a_review_and_adds_a_peer_through_the_pages(client, rv, make_person):
    p, c, review, people = rv
    client.force_login(p.owner.user)
    r = client.post(f"/programs/{p.program.pk}/reviews/open/",
                    {"kind": "follow_up", "opens_on": day(0).isoformat(), "closes_on": day(-1).isoformat()})
    assert r.status_code == 400 and b"on or after" in r.content
    r = client.post(f"/programs/{p.program.pk}/reviews/open/",
                    {"kind": "baseline", "opens_on": day(0).isoformat(), "closes_on": day(5).isoformat()})
    assert r.status_code == 409 and b"already has its baseline" in r.content
    peer = make_person()
    r = client.post(f"/reviews/{review.pk}/peers/", {"employee_id": peer.employee_id})
    assert r.status_code == 302
    assert ReviewAssignment.objects.filter(review=review, rater=peer, role="peer").exists()
    r = client.post(f"/reviews/{review.pk}/peers/", {"employee_id": "no-such-id"})
    assert r.status_code == 422


def test_the_review_page_hides_other_raters_answers_from_a_peer(client, rv, make_person):
    p, c, review, people = rv
    peer = make_person()
    rs.review_peer_add(review=review, actor=actor_of(p.owner), peer=peer)
    rs.review_submit(assignment=ReviewAssignment.objects.get(review=review, role="mentor"), actor=actor_of(p.mentor),
                     answers=[{"competency_id": x.pk, "level": 4, "note": "mentor-note"} for x in p.competencies])
    client.force_login(peer.user)
    body = client.get(f"/api/reviews/{review.pk}").json()
    mentor_row = next(a for a in body["assignments"] if a["role"] == "mentor")
    assert mentor_row["answers"] is None
    assert b"mentor-note" not in client.get(f"/reviews/{review.pk}/").content
    client.force_login(p.mentee.user)
    assert b"mentor-note" in client.get(f"/reviews/{review.pk}/").content


def test_the_profile_and_the_program_page_show_the_before_after_chart(client, rv):
    p, c, review, people = rv
    rs.review_submit(assignment=ReviewAssignment.objects.get(review=review, role="mentor"), actor=actor_of(p.mentor),
                     answers=[{"competency_id": x.pk, "level": 4} for x in p.competencies])
    client.force_login(p.mentee.user)
    page = client.get(f"/people/{p.mentee.employee_id}/").content.decode()
    assert "Competency reviews: before and after" in page and 'class="rated-after"' in page
    assert page.index("Competency reviews: before and after") < page.index("</main>") if "</main>" in page else True
    client.force_login(people["employee"].user)
    assert "Competency reviews: before and after" not in client.get(f"/people/{p.mentee.employee_id}/").content.decode()
    client.force_login(p.owner.user)
    page = client.get(f"/programs/{p.program.pk}/reviews/").content.decode()
    assert "Before and after" in page and 'class="rated-after"' in page and "n = 1" in page
    # in Russian the chart's coordinates are still numbers (a decimal comma made the browser drop them)
    client.cookies["django_language"] = "ru"
    for url in (f"/programs/{p.program.pk}/reviews/", f"/people/{p.mentee.employee_id}/"):
        page = client.get(url).content.decode()
        assert '<html lang="ru"' in page and assert_svg_coordinates_are_numbers(page) > 20, url


def test_list_endpoints_do_not_grow_queries_with_campaigns(client, rv, django_assert_max_num_queries):
    p, c, review, people = rv
    for i in range(1, 6):
        rs.review_campaign_open(program=p.program, actor=actor_of(p.owner), kind="follow_up", opens_on=day(i),
                                closes_on=day(i + 5))
    client.force_login(p.owner.user)
    with django_assert_max_num_queries(12):
        assert client.get(f"/api/programs/{p.program.pk}/reviews").json()["count"] == 6


PAIR_AUDIENCE = {"hr", "owner", "head", "line_manager", "mentor", "mentee"}


@pytest.mark.parametrize("role", ROLES)
def test_pair_change_is_for_those_who_see_the_pair_and_the_mentees_ratings(client, rv, role):
    p, c, review, people = rv
    rs.review_submit(assignment=ReviewAssignment.objects.get(review=review, role="mentor"), actor=actor_of(p.mentor),
                     answers=[{"competency_id": x.pk, "level": 4} for x in p.competencies])
    r = login(client, people, role).get(f"/api/mentorships/{p.mentorship.pk}/competency-change")
    if role == "anonymous":
        assert r.status_code == 401
    elif role in PAIR_AUDIENCE:
        assert r.status_code == 200, (role, r.content)
        row = next(x for x in r.json()["competencies"] if x["competency"] == p.competencies[0].code)
        assert (row["rated"]["before"]["level"], row["rated"]["after"]["level"], row["rated"]["change"]) == (2, 4, 2)
    else:
        assert r.status_code in (403, 404), (role, r.status_code)


def test_a_mentor_whose_pair_ended_no_longer_sees_the_change(client, rv):
    p, c, review, people = rv
    from tandem.mentorships.models import Mentorship

    Mentorship.objects.filter(pk=p.mentorship.pk).update(status="ended_early", ended_on=day(0))
    client.force_login(p.mentor.user)
    assert client.get(f"/api/people/{p.mentee.employee_id}/competency-change").status_code == 403
    # still a rater of the review: they see it, with their own answers only
    body = client.get(f"/api/reviews/{review.pk}").json()
    assert {a["role"]: a["answers"] for a in body["assignments"]}["self"] is None


@pytest.mark.parametrize("role", ROLES)
def test_only_the_program_team_opens_campaigns_and_adds_peers(client, rv, role, make_person):
    p, c, review, people = rv
    cl = login(client, people, role)
    body = {"kind": "follow_up", "opens_on": day(1).isoformat(), "closes_on": day(8).isoformat()}
    r1 = cl.post(f"/api/programs/{p.program.pk}/reviews", json.dumps(body), content_type="application/json")
    peer = make_person()
    r2 = cl.post(f"/api/reviews/{review.pk}/peers", json.dumps({"employee_id": peer.employee_id}),
                 content_type="application/json")
    if role in TEAM:
        assert (r1.status_code, r2.status_code) == (201, 201), (r1.content, r2.content)
    else:
        assert r1.status_code in (401, 403, 404) and r2.status_code in (401, 403, 404), (role, r1.status_code,
                                                                                          r2.status_code)
        assert ReviewCampaign.objects.count() == 1
        assert not ReviewAssignment.objects.filter(role="peer").exists()


def test_the_campaign_page_does_not_grow_queries_with_people(client, active_pair, make_person,
                                                             django_assert_max_num_queries):
    from tandem.programs.models import Enrolment

    p = active_pair
    for _ in range(4):
        Enrolment.objects.create(program=p.program, role="mentee",
                                 person=make_person(job_profile=p.mentee.job_profile, manager=p.line_manager))
    c = rs.review_campaign_open(program=p.program, actor=actor_of(p.owner), kind="follow_up", opens_on=day(0),
                                closes_on=day(5))
    assert c.reviews.count() == 5
    client.force_login(p.owner.user)
    with django_assert_max_num_queries(25):
        r = client.get(f"/reviews/campaigns/{c.pk}/")
    assert r.status_code == 200 and r.content.count(b"/reviews/") >= 5


def test_the_program_slot_links_the_team_to_the_reviews_and_a_rater_to_their_ratings(rv, rf):
    from django.template import Context, Template

    p, c, review, people = rv
    tpl = Template("{% load review_tags %}{% program_reviews program %}")

    def render(person):
        request = rf.get("/")
        request.user = person.user
        return tpl.render(Context({"request": request, "program": p.program}))

    assert f"/programs/{p.program.pk}/reviews/" in render(p.owner)
    mentor_view = render(p.mentor)
    assert "1 review waits for your ratings." in mentor_view and f"/programs/{p.program.pk}/reviews/" not in mentor_view
    assert render(people["employee"]).strip() == ""


def test_the_campaign_resource_lists_who_has_answered(client, rv):
    p, c, review, people = rv
    rs.review_submit(assignment=ReviewAssignment.objects.get(review=review, role="self"), actor=actor_of(p.mentee),
                     answers=[{"competency_id": x.pk, "level": 3} for x in p.competencies])
    client.force_login(p.owner.user)
    body = client.get(f"/api/review-campaigns/{c.pk}/reviews").json()
    assert body["count"] == 1
    raters = {r["role"]: r["submitted_at"] is not None for r in body["items"][0]["raters"]}
    assert raters == {"self": True, "mentor": False, "manager": False}
