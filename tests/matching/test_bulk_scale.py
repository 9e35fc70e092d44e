"""The bulk page at program scale: the pairs table is paginated (it rendered every pair with two
forms each: 5.7 MB at 5,000 x 1,500) and the pin/exclusion form searches people as you type
instead of listing every mentee and mentor in drop-downs."""
from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tandem.matching.models import MatchConstraint
from tandem.matching.views import bulk as views
from tests.matching.test_bulk import World

pytestmark = pytest.mark.django_db


def _world(n, unmatched=0):
    w = World()
    for k in range(n):
        w.mentee(1 + k % 3, name=f"Mentee {k:03d}")
        w.mentor(5, name=f"Mentor {k:03d}")
    for k in range(unmatched):  # no mentor slot left for these
        w.mentee(1, name=f"Zulu {k:03d}")
    return w


def _pairs_rows(html):
    table = html.split('id="pairs"')[1].split("</table>")[0]
    return re.findall(r"<tr>\s*<td>([\w ]+?)<br>", table)


def test_bulk_page_size_and_queries_do_not_grow_with_the_pairs(client, monkeypatch):
    monkeypatch.setattr(views, "PAIRS_PER_PAGE", 3)

    def measure(n):
        w = _world(n)
        w.preview()
        client.force_login(w.owner.user)
        with CaptureQueriesContext(connection) as ctx:
            r = client.get(f"/programs/{w.program.pk}/bulk/")
        assert r.status_code == 200
        return len(ctx), r.content.decode()

    q_small, small = measure(4)
    q_big, big = measure(12)
    assert q_small == q_big
    assert len(_pairs_rows(small)) == len(_pairs_rows(big)) == 3
    assert abs(len(big) - len(small)) < 300  # the totals and page count only
    assert "Commit these 12 pairs" in big and "Page 1 of 4" in big
    assert '<select name="mentee"' not in big and '<select name="mentor"' not in big


def test_pages_of_pairs_and_of_unmatched_mentees_go_by_name(client, monkeypatch):
    monkeypatch.setattr(views, "PAIRS_PER_PAGE", 2)
    w = _world(5, unmatched=3)
    w.preview()
    client.force_login(w.owner.user)
    url = f"/programs/{w.program.pk}/bulk/"
    pages = [_pairs_rows(client.get(url, {"page": n}).content.decode()) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [2, 2, 1]
    names = [n for p in pages for n in p]
    assert names == sorted(names) and len(set(names)) == 5
    assert _pairs_rows(client.get(url + "?page=99").content.decode()) == pages[2]  # the last page
    for bad in ("0", "-1", "x", "99999999999999999999", "²"):
        assert _pairs_rows(client.get(url, {"page": bad}).content.decode()) == pages[0]
    html = client.get(url + "?page=2&unmatched_page=2").content.decode()
    assert _pairs_rows(html) == pages[1]
    unmatched = [re.findall(r"<tr><td>([\w ]+?) <span", client.get(url, {"unmatched_page": n}).content.decode()
                            .split('id="unmatched"')[1].split("</table>")[0]) for n in (1, 2)]
    assert [len(u) for u in unmatched] == [2, 1] and unmatched[0] + unmatched[1] == sorted(unmatched[0] + unmatched[1])
    assert "5 pairs" in html and "3 mentees stay unmatched" in html


def test_people_search_offers_a_few_matching_people_as_json_and_options(client, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_LIMIT", 2)
    w = _world(3)
    paired = w.mentee(1, name="Mentee Paired")
    w.pair(w.mentor(5, name="Other Mentor"), paired)
    client.force_login(w.owner.user)
    url = f"/programs/{w.program.pk}/bulk/people/"
    got = client.get(url, {"role": "mentee", "q": "mentee"}).json()["results"]
    assert [r["name"] for r in got] == ["Mentee 000", "Mentee 001"]  # bounded, by name
    got = client.get(url, {"role": "mentee", "q": "Paired"}).json()["results"]
    assert got == []  # already has a mentor: not one to pin
    got = client.get(url, {"role": "mentor", "q": "mentor 002"}).json()["results"]
    assert [r["name"] for r in got] == ["Mentor 002"]
    by_id = client.get(url, {"role": "mentor", "q": got[0]["employee_id"]}).json()["results"]
    assert [r["name"] for r in by_id] == ["Mentor 002"]
    html = client.get(url, {"role": "mentee", "mentee_id": "Mentee 002"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.count("<option") == 1 and "Mentee 002" in html
    assert client.get(url, {"role": "mentee", "q": "a\x00b"}).status_code in (200, 400)


def test_the_search_is_for_the_programs_team_only(client, make_person):
    w = _world(1)
    client.force_login(make_person().user)
    assert client.get(f"/programs/{w.program.pk}/bulk/people/", {"q": "M"}).status_code == 403


def test_a_rule_is_added_by_employee_id_from_the_search_field(client):
    w = _world(2)
    from tandem.people.models import Person

    mentee, mentor = Person.objects.get(full_name="Mentee 001"), Person.objects.get(full_name="Mentor 000")
    client.force_login(w.owner.user)
    base = f"/programs/{w.program.pk}/bulk/constraints/"
    r = client.post(base, {"mentee_id": mentee.employee_id, "mentor_id": mentor.employee_id, "kind": "pin"},
                    HTTP_HX_REQUEST="true")
    assert "Mentee 001 will always be paired with Mentor 000" in r.content.decode()
    assert MatchConstraint.objects.filter(mentee=mentee, mentor=mentor, kind="pin").exists()
    for bad in ({"mentee_id": "NOPE", "mentor_id": mentor.employee_id}, {"mentee_id": "a\x00", "mentor_id": "b"},
                {"mentee_id": "x" * 500, "mentor_id": mentor.employee_id}, {"mentee": "99999999999999999999"}):
        r = client.post(base, {**bad, "kind": "exclude"}, HTTP_HX_REQUEST="true")
        assert r.status_code in (200, 400) and MatchConstraint.objects.count() == 1
        if r.status_code == 200:
            assert "Choose a mentee and a mentor" in r.content.decode()


def test_api_lists_of_the_bulk_match_are_paginated(client):
    w = _world(5)
    run = w.preview()
    for k in range(3):
        from tandem.matching.flows import bulk as flow

        mentee = run.pairs[k]["mentee"]
        from tandem.people.models import Person

        flow.constraint_add(program=w.program, mentee=Person.objects.get(pk=mentee),
                            mentor=Person.objects.get(pk=run.pairs[k]["mentor"]), kind="exclude", user=None)
    client.force_login(w.owner.user)
    got = client.get(f"/api/programs/{w.program.pk}/bulk-match/runs/{run.pk}", {"limit": 2, "offset": 4}).json()
    assert got["pair_count"] == 5 and len(got["pairs"]) == 1
    first = client.get(f"/api/programs/{w.program.pk}/bulk-match/runs/{run.pk}", {"limit": 2}).json()
    assert [p["mentee_name"] for p in first["pairs"]] == ["Mentee 000", "Mentee 001"]
    url = f"/api/programs/{w.program.pk}/match-constraints"
    assert len(client.get(url, {"limit": 2}).json()) == 2
    assert len(client.get(url, {"limit": 2, "offset": 2}).json()) == 1
    for bad in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"limit": "99999999999999999999"}):
        r = client.get(url, bad)
        assert r.status_code == 422, (bad, r.status_code)
    schema = client.get("/api/openapi.json").json()
    params = {p["name"]: p["schema"] for p in schema["paths"]["/api/programs/{program_id}/match-constraints"]["get"]
              ["parameters"]}
    assert params["limit"]["maximum"] == 200 and params["offset"]["minimum"] == 0


def test_the_page_reads_one_page_of_the_run_not_its_whole_lists(client, monkeypatch):
    """2,196 proposed pairs were decoded from the run's JSON twice per view (the latest run and the
    run status card) and sorted in Python; the database now pages them, and the page is the same."""
    from tandem.matching.flows import bulk
    from tandem.matching.models import MatchRun

    monkeypatch.setattr(views, "PAIRS_PER_PAGE", 2)
    w = _world(5, unmatched=3)
    w.preview()
    client.force_login(w.owner.user)
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(f"/programs/{w.program.pk}/bulk/", {"page": 2}).content.decode()
    reads = [q["sql"] for q in ctx.captured_queries if 'FROM "matching_matchrun"' in q["sql"]]
    assert reads and not [sql for sql in reads if '"matching_matchrun"."pairs",' in sql
                          or '"matching_matchrun"."pairs" FROM' in sql], reads
    run = MatchRun.objects.get(program=w.program)
    full = bulk.run_view(run=run)  # every pair, by mentee name (the Python path)
    paged = bulk.run_view(run=run, pairs_page=(2, 2), unmatched_page=(2, 2))
    assert [(p.mentee, p.mentor, p.score, p.reasons) for p in paged.pairs] == [
        (p.mentee, p.mentor, p.score, p.reasons) for p in full.pairs[2:4]]
    assert [u.mentee for u in paged.unmatched] == [u.mentee for u in full.unmatched[2:4]]
    assert (paged.pair_count, paged.unmatched_count) == (5, 3)
    assert _pairs_rows(html) == [p.mentee.full_name for p in full.pairs[2:4]]


def test_a_preview_is_stored_by_name_and_its_pages_are_slices_equal_to_sorting_in_the_database():
    """A new preview keeps its pairs and unmatched mentees by mentee name, so a page is a slice of
    the stored list; the slices equal what joining every entry to its mentee and sorting gives
    (the path older runs, stored in the solver's order, still take)."""
    from tandem.matching.flows import bulk
    from tandem.matching.models import MatchRun

    w = _world(7, unmatched=5)
    w.preview()
    run = MatchRun.objects.get(program=w.program)
    assert run.by_name
    for column, pages in (("pairs", [(0, 3), (3, 3), (6, 3), (9, 3)]), ("unmatched", [(0, 2), (2, 2), (4, 2)])):
        sliced = [bulk._page_in_db(run, column, p) for p in pages]
        run.by_name = False
        joined = [bulk._page_in_db(run, column, p) for p in pages]
        run.by_name = True
        assert sliced == joined, column
        assert sum(len(p) for p in sliced) == len(getattr(run, column))
