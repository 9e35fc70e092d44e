from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from tandem.core.errors import Conflict, Forbidden, ValidationFailed
from tandem.matching.flows import choose
from tandem.mentorships import services as ms
from tests.factories import actor_of
from tandem.mentorships.models import Mentorship, MentorshipStatus
from tandem.people import services as people_services
from tandem.people.models import RatingSource
from tandem.programs.models import Enrolment
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def rate(person, competency, level):
    people_services.rating_record(person=person, competency=competency, level=level, source=RatingSource.MANAGER,
                                  rated_by=None, rated_on=timezone.localdate())


def test_three_recommendations_come_best_first_with_reasons(choose_program):
    # given a mentee at level 1 and mentors at 5, 3 and 2 in the competency they lack
    mentee, (strong, mid, weak), comp = choose_program["mentee"], choose_program["mentors"], choose_program["competency"]
    rate(mentee, comp, 1)
    rate(strong, comp, 5), rate(mid, comp, 3), rate(weak, comp, 2)
    # when
    recs = choose.recommendations_for(program=choose_program["program"], mentee=mentee)
    # then
    assert [r.mentor for r in recs] == [strong, mid, weak]
    assert f"covers your gap in {comp.name}: 4 levels" in recs[0].reasons


def test_a_mentor_at_capacity_is_never_offered(choose_program):
    program, mentors = choose_program["program"], choose_program["mentors"]
    other = PersonFactory()
    Enrolment.objects.create(program=program, person=other, role="mentee")
    Mentorship.objects.create(program=program, mentor=mentors[0], mentee=other, status=MentorshipStatus.ACTIVE,
                              origin="manual")
    recs = choose.recommendations_for(program=program, mentee=choose_program["mentee"], k=5)
    assert mentors[0] not in [r.mentor for r in recs] and len(recs) == 2


def test_same_manager_is_never_recommended(choose_program):
    mentee, mentors = choose_program["mentee"], choose_program["mentors"]
    boss = PersonFactory()
    for p in (mentee, mentors[1]):
        p.manager = boss
        p.save()
    recs = choose.recommendations_for(program=choose_program["program"], mentee=mentee, k=5)
    assert mentors[1] not in [r.mentor for r in recs]


def test_a_mentor_who_declined_is_not_offered_again(choose_program):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    ms.mentorship_decline(mentorship=m, actor=actor_of(mentor), reason="Too busy this quarter")
    assert mentor not in [r.mentor for r in choose.recommendations_for(program=program, mentee=mentee, k=5)]
    with pytest.raises(ValidationFailed):
        choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)


def test_request_accept_intro_and_both_confirm_starts_the_mentorship(choose_program):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor, message="Hi!")
    assert m.status == MentorshipStatus.REQUESTED
    when = timezone.now() + datetime.timedelta(days=2)
    m = ms.mentorship_accept(mentorship=m, actor=actor_of(mentor), intro_at=when)
    assert m.status == MentorshipStatus.INTRO and m.intro_at == when
    m = ms.mentorship_confirm(mentorship=m, actor=actor_of(mentee))
    assert m.status == MentorshipStatus.INTRO
    m = ms.mentorship_confirm(mentorship=m, actor=actor_of(mentor))
    assert m.status == MentorshipStatus.ACTIVE and m.started_on == timezone.localdate()


def test_a_mentee_can_hold_only_one_open_request_per_program(choose_program):
    program, mentee, mentors = choose_program["program"], choose_program["mentee"], choose_program["mentors"]
    choose.mentorship_request(program=program, mentee=mentee, mentor=mentors[0])
    with pytest.raises(Conflict):
        choose.mentorship_request(program=program, mentee=mentee, mentor=mentors[1])
    assert Mentorship.objects.count() == 1


def test_request_to_a_full_mentor_is_refused_with_a_clear_message(choose_program):
    program, mentor = choose_program["program"], choose_program["mentors"][0]
    first, second = PersonFactory(), PersonFactory()
    for p in (first, second):
        Enrolment.objects.create(program=program, person=p, role="mentee")
    choose.mentorship_request(program=program, mentee=first, mentor=mentor)
    with pytest.raises(Conflict, match="no free slot"):
        choose.mentorship_request(program=program, mentee=second, mentor=mentor)


def test_only_the_requested_mentor_answers(choose_program):
    program, mentee, mentors = choose_program["program"], choose_program["mentee"], choose_program["mentors"]
    m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentors[0])
    with pytest.raises(Forbidden):
        ms.mentorship_accept(mentorship=m, actor=actor_of(mentors[1]))
    with pytest.raises(Forbidden):
        ms.mentorship_accept(mentorship=m, actor=actor_of(mentee))


def test_answering_twice_is_a_conflict(choose_program):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    ms.mentorship_decline(mentorship=m, actor=actor_of(mentor))
    with pytest.raises(Conflict):
        ms.mentorship_accept(mentorship=m, actor=actor_of(mentor))


def test_withdrawing_frees_the_slot_for_someone_else(choose_program):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    ms.mentorship_cancel(mentorship=m, actor=actor_of(mentee))
    other = PersonFactory()
    Enrolment.objects.create(program=program, person=other, role="mentee")
    assert choose.mentorship_request(program=program, mentee=other, mentor=mentor).status == MentorshipStatus.REQUESTED


def test_intro_meeting_in_the_past_is_refused(choose_program):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    with pytest.raises(ValidationFailed):
        ms.mentorship_accept(mentorship=m, actor=actor_of(mentor), intro_at=timezone.now() - datetime.timedelta(hours=1))
    m.refresh_from_db()
    assert m.status == MentorshipStatus.REQUESTED


def test_a_person_who_is_not_enrolled_cannot_request(choose_program):
    outsider = PersonFactory()
    with pytest.raises(Forbidden):
        choose.mentorship_request(program=choose_program["program"], mentee=outsider,
                                  mentor=choose_program["mentors"][0])


# -- pages and API -------------------------------------------------------------------------


def test_mentee_requests_from_the_page_and_the_mentor_accepts_from_theirs(client, choose_program):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    client.force_login(mentee.user)
    html = client.get(f"/programs/{program.pk}/recommendations/").content.decode()
    assert mentor.full_name in html
    assert "How the match is scored" in html and " of 8.0" in html  # the score says what it is out of
    client.post(f"/programs/{program.pk}/request/", {"mentor": mentor.employee_id, "message": "Hello"})
    m = Mentorship.objects.get()
    client.force_login(mentor.user)
    assert "Hello" in client.get(f"/programs/{program.pk}/requests/").content.decode()
    client.post(f"/mentorships/{m.pk}/accept/", {"intro_at": ""})
    m.refresh_from_db()
    assert m.status == MentorshipStatus.INTRO


def test_recommendations_page_is_only_for_enrolled_mentees(client, choose_program):
    program = choose_program["program"]
    client.force_login(choose_program["mentors"][0].user)
    assert client.get(f"/programs/{program.pk}/recommendations/").status_code == 403
    assert client.get(f"/api/programs/{program.pk}/recommendations").status_code == 403


def test_api_request_for_a_full_mentor_returns_409_json(client, choose_program):
    program, mentor = choose_program["program"], choose_program["mentors"][0]
    other = PersonFactory()
    Enrolment.objects.create(program=program, person=other, role="mentee")
    choose.mentorship_request(program=program, mentee=other, mentor=mentor)
    client.force_login(choose_program["mentee"].user)
    response = client.post(f"/api/programs/{program.pk}/mentorship-requests", {"mentor": mentor.employee_id},
                           content_type="application/json")
    assert response.status_code == 409 and "free slot" in response.json()["message"]


def test_api_full_cycle(client, choose_program):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][1]
    client.force_login(mentee.user)
    recs = client.get(f"/api/programs/{program.pk}/recommendations?k=2").json()
    assert len(recs) == 2 and all(r["reasons"] for r in recs)
    assert all(r["score_out_of"] == 8.0 and 0 < r["score"] <= r["score_out_of"] and isinstance(r["concerns"], list)
               for r in recs)
    created = client.post(f"/api/programs/{program.pk}/mentorship-requests", {"mentor": mentor.employee_id},
                          content_type="application/json").json()
    client.force_login(mentor.user)
    assert client.post(f"/api/mentorships/{created['id']}/accept", {}, content_type="application/json").json()["status"] == "intro"
    client.post(f"/api/mentorships/{created['id']}/confirm")
    client.force_login(mentee.user)
    assert client.post(f"/api/mentorships/{created['id']}/confirm").json()["status"] == "active"


def test_a_stranger_cannot_see_or_touch_someone_elses_mentorship(client, choose_program):
    program, mentee, mentor = choose_program["program"], choose_program["mentee"], choose_program["mentors"][0]
    m = choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
    client.force_login(PersonFactory(user=UserFactory()).user)
    assert client.post(f"/api/mentorships/{m.pk}/withdraw").status_code == 404
    assert client.post(f"/mentorships/{m.pk}/withdraw/").status_code in (403, 404)
    m.refresh_from_db()
    assert m.status == MentorshipStatus.REQUESTED


@pytest.mark.django_db(transaction=True)
def test_two_requests_for_the_last_slot_never_both_succeed(choose_program):
    """Real concurrency: two threads, two connections. Meaningful on PostgreSQL (row locks);
    SQLite serialises writers anyway."""
    if connection.vendor != "postgresql":
        pytest.skip("row-lock race is exercised on PostgreSQL")
    program, mentor = choose_program["program"], choose_program["mentors"][0]
    a, b = PersonFactory(), PersonFactory()
    for p in (a, b):
        Enrolment.objects.create(program=program, person=p, role="mentee")
    barrier = threading.Barrier(2)
    results: list[str] = []

    def attempt(mentee):
        from django.db import connections

        try:
            barrier.wait()
            choose.mentorship_request(program=program, mentee=mentee, mentor=mentor)
            results.append("ok")
        except Conflict:
            results.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    assert Mentorship.objects.filter(mentor=mentor, status=MentorshipStatus.REQUESTED).count() == 1


def test_recommendations_say_what_the_score_is_out_of_and_keep_concerns_apart():
    from types import SimpleNamespace

    from tandem.matching import adapter
    from tandem.matching.engine import Weights
    from tandem.matching.engine.scoring import Reason

    # the best possible score is the sum of the weights, listed heaviest first
    scale = adapter.score_scale(Weights())
    assert scale.out_of == pytest.approx(8.0)
    assert scale.criteria[0] == ("the competency gaps the mentor covers", 3.0)
    assert [w for _l, w in scale.criteria] == sorted((w for _l, w in scale.criteria), reverse=True)
    assert adapter.score_scale(Weights(mode="mutual")).out_of == pytest.approx(9.0)  # + reciprocity
    # "8 hours time difference" and a low rating are things to be aware of, not reasons to choose
    pool = SimpleNamespace(languages={0: SimpleNamespace(name="English")})
    reasons = [Reason("language", 1.0, {"languages": [0]}), Reason("timezone", 0.3, {"hours": 8}),
               Reason("rating", 0.1, {"rating": 2.0}), Reason("timezone", 0.9, {"hours": 1})]
    fits, concerns = adapter.reason_split(pool, reasons)
    assert fits == ["you both speak English", "1 hour time difference"]
    assert concerns == ["8 hours time difference", "rated 2.0 of 5 by mentees"]
