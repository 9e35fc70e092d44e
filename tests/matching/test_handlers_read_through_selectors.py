"""The matching pages and API read people and departments through ``tandem.matching.selectors``
(house style: handlers call flows and selectors, never the ORM of another app)."""
from __future__ import annotations

import pathlib
import re

import pytest

import tandem.matching
from tests.matching.test_rounds import cohort  # noqa: F401  (the fixture)

HANDLERS = pathlib.Path(tandem.matching.__file__).parent
FILES = sorted([*HANDLERS.glob("api/*.py"), *HANDLERS.glob("views/*.py")])


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_handler_queries_people_or_departments_itself(path):
    found = re.findall(r"\b(?:Person|Department)\.objects\b", path.read_text())
    assert not found, f"{path.name}: {found}"


def test_an_unknown_graduate_in_a_ranking_and_an_unknown_explanation_stay_4xx(client, cohort):  # noqa: F811
    client.force_login(cohort.head_a.user)
    r = client.put(f"/api/rounds/{cohort.round.pk}/departments/{cohort.a.code}/ranking",
                   {"applicants": ["NOBODY-1"]}, content_type="application/json")
    assert r.status_code in (400, 422) and "NOBODY-1" in r.content.decode(), r.content
    client.force_login(cohort.manager.user)
    assert client.get(f"/api/rounds/{cohort.round.pk}/results/NOBODY-1/explanation").status_code in (404, 409)
