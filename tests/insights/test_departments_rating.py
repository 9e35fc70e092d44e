"""The graduates' rating of a department: read only through the survey's thresholded breakdown by
department, so nothing below the threshold shows — on the page, in the API or in the exports, and
not by setting one department's rating beside the rest."""

from __future__ import annotations

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tandem.assessments import survey_services
from tandem.assessments.models import SurveyTemplate
from tandem.insights import departments_selectors as ds
from tandem.programs.models import (
    Enrolment,
    MatchingMode,
    Phase,
    Program,
    ProgramStatus,
    ProgramType,
)
from tests.factories import DepartmentFactory, actor_of


@pytest.fixture
def rated(db, make_person):
    survey_services.survey_templates_install()
    today = timezone.localdate()
    owner = make_person(groups=["program_manager"])
    program = Program.objects.create(
        name="Graduates", program_type=ProgramType.COHORT, matching_mode=MatchingMode.MUTUAL_SELECTION,
        status=ProgramStatus.RUNNING, starts_on=today - datetime.timedelta(days=30),
        ends_on=today + datetime.timedelta(days=100), owner=owner)
    stage = Phase.objects.create(program=program, order=1, name="Rotation", start_day=1, end_day=120)
    deps = {c: DepartmentFactory(code=f"R-{c}", name=f"Rated {c}") for c in "EF"}
    head = make_person(department=deps["F"])
    deps["F"].head = head
    deps["F"].save(update_fields=["head"])
    grads = {c: [make_person(department=d) for _ in range(6)] for c, d in deps.items()}
    for people in grads.values():
        for g in people:
            Enrolment.objects.create(program=program, person=g, role="mentee")
    template = SurveyTemplate.objects.get(code=ds.SURVEY_TEMPLATE)
    survey = survey_services.survey_send(template=template, actor=actor_of(owner), program=program)

    def answer(code: str, count: int, overall: int) -> None:
        for g in grads[code][:count]:
            survey_services.survey_respond(survey=survey, actor=actor_of(g),
                                           answers={"time": overall, "tasks": overall, "overall": overall})

    def close() -> None:
        survey_services.survey_close(survey=survey, actor=actor_of(owner))

    return SimpleNamespace(program=program, stage=stage, deps=deps, grads=grads, survey=survey, answer=answer,
                           close=close, owner=owner, head=head)


def _rating(report, code):
    row = next(r for r in report.rows if report.departments[r.department_id].code == code)
    return row.figures.get("rating")


def test_the_rating_shows_per_department_when_every_department_and_the_rest_reach_the_threshold(rated):
    rated.answer("E", 5, 4)
    rated.answer("F", 5, 2)
    rated.close()
    report = ds.stage_report(program=rated.program, stage=rated.stage)
    assert report.rating.shown
    e, f = _rating(report, "R-E"), _rating(report, "R-F")
    assert (e.mean, e.n) == (4.0, 5) and (f.mean, f.n) == (2.0, 5)
    # the rating enters the score rescaled: E's (4 - 1) / 4 = 0.75 next to its three zero shares
    e_row = next(r for r in report.rows if r.department_id == rated.deps["E"].pk)
    assert e_row.score == round(100 * 0.75 / 4, 1)


def test_one_small_department_hides_the_rating_of_every_department(rated, client):
    # given E with 6 answers but F with only 2: showing E beside the total would give F's away
    rated.answer("E", 6, 5)
    rated.answer("F", 2, 1)
    rated.close()
    report = ds.stage_report(program=rated.program, stage=rated.stage)
    assert not report.rating.shown and "fewer than 5 answers" in report.rating.message
    assert _rating(report, "R-E") is None and _rating(report, "R-F") is None
    client.force_login(rated.owner.user)
    body = client.get(f"/api/programs/{rated.program.pk}/department-support?stage={rated.stage.pk}").json()
    assert all(f["measure"] != "rating" for d in body["departments"] for f in d["figures"])
    assert body["rating"]["shown"] is False
    assert {m["measure"]: m["median"] for m in body["medians"]}["rating"] is None
    html = client.get(f"/programs/{rated.program.pk}/department-support/?stage={rated.stage.pk}").content.decode()
    assert "of 5 (n =" not in html and "fewer than 5 answers" in html
    csv_text = b"".join(client.get(f"/programs/{rated.program.pk}/department-support/export.csv?stage="
                                   f"{rated.stage.pk}").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(csv_text)))
    rating_columns = [i for i, h in enumerate(rows[0]) if h.startswith("Graduates' rating")]
    assert len(rating_columns) == 3 and all(r[i] == "" for r in rows[1:] for i in rating_columns)
    client.force_login(rated.head.user)
    head = client.get(f"/api/departments/R-F/support?program={rated.program.pk}&stage={rated.stage.pk}").json()
    assert all(f["measure"] != "rating" for f in head["own"]["figures"])


def test_a_survey_still_open_shows_no_rating(rated):
    rated.answer("E", 5, 4)
    rated.answer("F", 5, 2)
    report = ds.stage_report(program=rated.program, stage=rated.stage)
    assert not report.rating.shown and report.rating.survey is None  # nothing closed in the stage yet


def test_no_survey_says_so_honestly(rated, client):
    rated.survey.delete()
    client.force_login(rated.owner.user)
    html = client.get(f"/programs/{rated.program.pk}/department-support/").content.decode()
    assert "No department rating survey closed in this stage yet." in html


def test_the_department_support_template_ships_in_three_languages(rated):
    t = SurveyTemplate.objects.get(code=ds.SURVEY_TEMPLATE)
    assert t.anonymous and t.threshold >= 5
    q = t.versions.get().questions.get(code=ds.RATING_QUESTION)
    assert q.kind == "scale" and q.translations["zh-hans"]["text"] and q.translations["ru"]["text"]
