"""A department head's page of an open round at cohort scale: one page of graduates with a
position input each (it rendered a <select> of every graduate for every graduate: 32 MB at 1,000
graduates), and saving one page merges it into the whole ranking."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tandem.matching.flows import rounds as flow
from tandem.matching.views import rounds as views
from tandem.programs.models import Enrolment, EnrolmentRole
from tests.factories import PersonFactory
from tests.matching.test_rounds import cohort  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def _url(c, name, **kw):
    return reverse(name, kwargs={"program_id": c.program.pk, "round_id": c.round.pk, **kw})


def _ranking(c, dep):
    return [x.applicant_id for x in flow.department_ranking(round=c.round, department=dep).order_by("rank")]


def _more_graduates(c, n):
    people = [PersonFactory(full_name=f"Zed {i:03d}") for i in range(n)]
    Enrolment.objects.bulk_create([Enrolment(program=c.program, person=p, role=EnrolmentRole.MENTEE) for p in people])


def test_head_page_size_and_queries_do_not_grow_with_the_cohort(client, cohort, monkeypatch):  # noqa: F811
    monkeypatch.setattr(views, "GRADUATES_PER_PAGE", 5)
    client.force_login(cohort.head_a.user)
    _more_graduates(cohort, 6)  # 10 graduates: two pages
    with CaptureQueriesContext(connection) as few:
        small = client.get(_url(cohort, "round_detail"))
    _more_graduates(cohort, 30)  # 40 graduates: eight pages
    with CaptureQueriesContext(connection) as many:
        big = client.get(_url(cohort, "round_detail"))
    assert small.status_code == big.status_code == 200
    assert len(many) == len(few)
    assert abs(len(big.content) - len(small.content)) < 200  # only the page count changes
    body = big.content.decode()
    assert body.count('name="rank-') == 5 and "<option" not in body.split('id="dept-SAL"')[1]
    assert "Page 1 of 8" in body


def test_saving_one_page_merges_into_the_whole_ranking(client, cohort, monkeypatch):  # noqa: F811
    monkeypatch.setattr(views, "GRADUATES_PER_PAGE", 2)
    g = cohort.grads  # by name: page 1 = Grad 0, Grad 1; page 2 = Grad 2, Grad 3
    client.force_login(cohort.head_a.user)
    page1 = client.get(_url(cohort, "round_detail")).content.decode()
    assert f'name="rank-{g[0].pk}"' in page1 and f'name="rank-{g[2].pk}"' not in page1
    url = _url(cohort, "round_rank_graduates", code="SAL")
    resp = client.post(url, {"shown": f"{g[0].pk},{g[1].pk}", f"rank-{g[1].pk}": "1", f"rank-{g[0].pk}": "2"})
    assert resp.status_code == 302
    assert _ranking(cohort, cohort.a) == [g[1].pk, g[0].pk]
    resp = client.post(url + "?page=2", {"shown": f"{g[2].pk},{g[3].pk}", f"rank-{g[3].pk}": "1", f"rank-{g[2].pk}": ""})
    assert resp["Location"].endswith("?page=2")
    assert _ranking(cohort, cohort.a) == [g[3].pk, g[1].pk, g[0].pk]
    page2 = client.get(_url(cohort, "round_detail") + "?page=2").content.decode()
    assert f'name="rank-{g[3].pk}" value="1"' in page2 and "3 graduates ranked" in page2
    # clearing one on page 1 takes it out; the other keeps the position given
    client.post(url, {"shown": f"{g[0].pk},{g[1].pk}", f"rank-{g[1].pk}": "2", f"rank-{g[0].pk}": ""})
    assert _ranking(cohort, cohort.a) == [g[3].pk, g[1].pk]


def test_search_finds_a_graduate_by_name(client, cohort):  # noqa: F811
    client.force_login(cohort.head_a.user)
    body = client.get(_url(cohort, "round_detail") + "?q=grad+3").content.decode()
    assert f'name="rank-{cohort.grads[3].pk}"' in body and f'name="rank-{cohort.grads[0].pk}"' not in body
    assert "No graduate matches" in client.get(_url(cohort, "round_detail") + "?q=nobody").content.decode()


@pytest.mark.parametrize("data", [
    {"rank-{g0}": "abc"}, {"rank-{g0}": "0"}, {"rank-{g0}": "99999999999999999999"}, {"rank-²": "1"},
    {"shown": "x,1", "rank-{g0}": "1"}, {"shown": "{g1}", "rank-{g0}": "1"},
    {"rank-99999999999999999999": "1"}, {"rank-{g0}": "1", "rank-{g1}": "1"},
])
def test_bad_rankings_are_refused_with_a_message_and_change_nothing(client, cohort, data):  # noqa: F811
    g = cohort.grads
    flow.department_ranking_save(round=cohort.round, department=cohort.a, applicants=[g[2]])
    client.force_login(cohort.head_a.user)
    post = {k.format(g0=g[0].pk, g1=g[1].pk): v.format(g0=g[0].pk, g1=g[1].pk) for k, v in data.items()}
    resp = client.post(_url(cohort, "round_rank_graduates", code="SAL"), post, follow=True)
    assert resp.status_code == 400
    assert "is saved" not in resp.content.decode()
    assert _ranking(cohort, cohort.a) == [g[2].pk]


def test_round_results_api_is_paginated(client, cohort):  # noqa: F811
    from tests.matching.test_rounds import _designed_case

    _designed_case(cohort)
    flow.round_close_and_publish(round=cohort.round, user=None, force=True)
    client.force_login(cohort.manager.user)
    url = f"/api/rounds/{cohort.round.pk}/results"
    everyone = client.get(url).json()
    assert len(everyone) == 4
    assert client.get(url, {"limit": 3}).json() == everyone[:3]
    assert client.get(url, {"limit": 3, "offset": 3}).json() == everyone[3:]
    assert client.get(url, {"limit": 0}).status_code == 422
    assert client.get(url, {"offset": "99999999999999999999"}).status_code == 422


def test_manager_page_reads_a_page_of_graduates_without_distinct_over_people(client, cohort, monkeypatch):  # noqa: F811
    """The manager's round page sorted a DISTINCT over every column of the 2,500 graduates' rows
    (joined to their enrolments) for a page of 50, and counted the same DISTINCT twice: the
    graduates are a semi-join on their enrolments now, and the page and counts stay right."""
    monkeypatch.setattr(views, "NOT_RANKED_PER_PAGE", 4)
    _more_graduates(cohort, 6)
    # a graduate enrolled twice (another role too) is still one graduate
    Enrolment.objects.create(program=cohort.program, person=cohort.grads[0], role=EnrolmentRole.MENTOR)
    client.force_login(cohort.manager.user)
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(_url(cohort, "round_detail"))
    assert r.status_code == 200
    people_reads = [q["sql"] for q in ctx.captured_queries if 'FROM "people_person"' in q["sql"]]
    assert people_reads and not [sql for sql in people_reads if 'DISTINCT "people_person"' in sql], people_reads
    total = len(cohort.grads) + 6
    assert r.context["progress"]["graduates"] == total
    page = r.context["not_ranked_page"]
    assert page.paginator.count == total and len(page.object_list) == 4
    assert [g.full_name for g in page.object_list] == sorted(g.full_name for g in page.paginator.object_list)[:4]
