"""Every role × every GRAI page and endpoint.

Texts and comments: the pair only. The pair's page and list: also HR and the program's manager, as a
summary (periods and dates, no texts). The program's who-is-behind list: HR and the program's
manager only (not a manager who owns nothing, not the participants). Writes: the pair while active
(changes: the author only); someone else's pair and everyone else get 403/404, and a refused write
changes nothing."""

from __future__ import annotations


import pytest
from django.db import transaction

from tandem.assessments import grai_services
from tandem.assessments.grai_models import GraiComment, GraiReview
from tests.factories import UserFactory, actor_of
from tests.mentorships.conftest import build_pair
from tests.mentorships.test_permissions_matrix import build_world  # the matrix's pair and people
from tests.shared_world import shared_world

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "hr", "owner", "pm_owning_nothing", "line_manager", "head", "mentor", "mentee",
         "colleague", "no_person", "pm_without_person", "requested_mentor", "other_mentor", "other_mentee"]
PAIR = {"mentor", "mentee"}
SUMMARY = {"hr", "owner", "mentor", "mentee"}
TEAM = {"hr", "owner"}
SECRETS = ("PRIVATE-GOAL", "PRIVATE-INSIGHT", "PRIVATE-COMMENT-OF-THE-MENTOR")
TEXTS = {"goal": "PRIVATE-GOAL", "result": "r", "analysis": "a", "insight": "PRIVATE-INSIGHT"}


def build_grai():
    p, people = build_world()
    other = build_pair()
    people = {**people, "other_mentor": other.mentor, "other_mentee": other.mentee}
    review = grai_services.grai_review_submit(mentorship=p.mentorship, actor=actor_of(p.mentee), **TEXTS)
    grai_services.grai_comment_add(review=review, actor=actor_of(p.mentor), text="PRIVATE-COMMENT-OF-THE-MENTOR")
    other_review = grai_services.grai_review_submit(mentorship=other.mentorship, actor=actor_of(other.mentee),
                                                    **{**TEXTS, "goal": "OTHER-PAIRS-GOAL"})
    return p, people, review, other, other_review


# The pairs, their people and reviews, built once for this module (tests/shared_world.py); each test's writes
# are undone.
_built, grai = shared_world(build_grai)


def login(client, people, role):
    if role == "no_person":
        client.force_login(UserFactory())
    elif role == "pm_without_person":
        client.force_login(UserFactory(groups=["program_manager"]))
    elif role != "anonymous":
        client.force_login(people[role].user)
    return client


READS = [
    ("pair page", "/mentorships/{m}/grai/", SUMMARY),
    ("api list", "/api/mentorships/{m}/grai-reviews", SUMMARY),
    ("api review", "/api/grai-reviews/{r}", PAIR),
    ("program page", "/programs/{p}/grai/", TEAM),
    ("api program", "/api/programs/{p}/grai", TEAM),
    ("mentorship page", "/mentorships/{m}/", None),  # the slot: shown to SUMMARY, no texts to anyone else
]


@pytest.mark.parametrize("role", ROLES)
def test_reads(client, grai, role):
    p, people, review, _other, _other_review = grai
    c = login(client, people, role)
    for name, url, allowed in READS:
        r = c.get(url.format(m=p.mentorship.pk, r=review.pk, p=p.program.pk))
        text = r.content.decode()
        if role == "anonymous":
            assert r.status_code in (302, 401), (name, role, r.status_code)
            continue
        if allowed is None:
            if r.status_code == 200:
                assert (f"/mentorships/{p.mentorship.pk}/grai/" in text) == (role in SUMMARY), (name, role)
        elif role in allowed:
            assert r.status_code == 200, (name, role, r.status_code)
        else:
            assert r.status_code in (403, 404), (name, role, r.status_code)
        if role not in PAIR:
            assert not any(s in text for s in SECRETS), (name, role)
        assert "OTHER-PAIRS-GOAL" not in text, (name, role)


def test_a_manager_who_owns_nothing_is_refused_the_program_list_but_sees_the_program(client, grai):
    p, people, *_ = grai
    c = login(client, people, "pm_owning_nothing")
    assert c.get(f"/programs/{p.program.pk}/grai/").status_code == 403
    assert c.get(f"/api/programs/{p.program.pk}/grai").status_code == 403
    assert c.get("/programs/999999/grai/").status_code == 404


def _state():
    return (sorted(GraiReview.objects.values_list("id", "goal", "insight")),
            sorted(GraiComment.objects.values_list("id", "text")))


WRITES = [
    ("api write", "post", "/api/mentorships/{m}/grai-reviews", {**TEXTS, "period_start": "{last_week}"}, PAIR),
    ("api comment", "post", "/api/grai-reviews/{r}/comments", {"text": "hello"}, PAIR),
    ("api change", "patch", "/api/grai-reviews/{r}", {"insight": "changed"}, {"mentee"}),
    ("page write", "form", "/mentorships/{m}/grai/add", {**TEXTS, "period_start": "{last_week}"}, PAIR),
    ("page comment", "form", "/mentorships/{m}/grai/{r}/comment", {"text": "hello"}, PAIR),
    ("page change", "form", "/mentorships/{m}/grai/{r}/edit", {"insight": "changed"}, {"mentee"}),
    # someone else's pair's IDs, whoever asks
    ("api write elsewhere", "post", "/api/mentorships/{om}/grai-reviews", TEXTS, set()),
    ("api comment elsewhere", "post", "/api/grai-reviews/{or}/comments", {"text": "hello"}, set()),
    ("page comment elsewhere", "form", "/mentorships/{m}/grai/{or}/comment", {"text": "hello"}, set()),
]


@pytest.mark.parametrize("role", [r for r in ROLES if r not in ("anonymous", "other_mentor", "other_mentee")])
def test_writes(client, grai, role):
    import datetime

    from django.utils import timezone

    p, people, review, other, other_review = grai
    last_week = (timezone.localdate() - datetime.timedelta(days=7)).isoformat()
    c = login(client, people, role)
    for name, method, url, payload, allowed in WRITES:
        sid = transaction.savepoint()
        before = _state()
        target = url.format(m=p.mentorship.pk, r=review.pk, om=other.mentorship.pk, **{"or": other_review.pk})
        body = {k: v.format(last_week=last_week) for k, v in payload.items()}
        if method == "form":
            r = c.post(target, body)
        else:
            r = getattr(c, method)(target, body, content_type="application/json")
        if role in allowed:
            assert r.status_code in (200, 201, 302), (name, role, r.status_code, r.content[:300])
            assert _state() != before, (name, role)
        else:
            assert r.status_code in (403, 404), (name, role, r.status_code, r.content[:300])
            assert _state() == before, (name, role)
        transaction.savepoint_rollback(sid)
