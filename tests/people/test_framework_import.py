"""The ``competencies`` import kind: groups, competencies and their level descriptors in three
languages from a spreadsheet; every row valid or nothing written; importing again changes nothing."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from tandem.people import import_services
from tandem.people.models import Competency, CompetencyGroup, ImportJob, ImportStatus
from tests.factories import CompetencyFactory, CompetencyGroupFactory

pytestmark = pytest.mark.django_db

HEADER = "code,group_code,group_name,name,name_ru,description,level_1,level_2,level_2_zh,level_2_ru,level_5\n"
GOOD = HEADER + (
    "listening,SOFT,Soft skills,Listening,Слушание,Hears people out.,Waits their turn,Asks a follow-up question,"
    "追问一个问题,Задаёт уточняющий вопрос,Coaches others\n"
    "speaking,SOFT,,Speaking,,,,Explains a decision to the team,,,\n"
)


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("competencies.csv", text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def run_import(hr_person, django_capture_on_commit_callbacks):
    def run(text: str) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_services.import_job_create(user=hr_person.user, kind="competencies",
                                                    uploaded_file=upload(text))
        job.refresh_from_db()
        return job

    return run


def state():
    return sorted(
        (c.code, c.group.code, c.name, c.description, repr(c.translations),
         tuple((lv.level, lv.descriptor, repr(lv.translations)) for lv in c.levels.order_by("level")))
        for c in Competency.objects.select_related("group")
    )


def test_a_file_creates_groups_competencies_and_descriptors_in_three_languages(run_import):
    job = run_import(GOOD)

    assert job.status == ImportStatus.DONE, job.errors
    assert (job.created_count, job.updated_count) == (2, 0)
    group = CompetencyGroup.objects.get(code="SOFT")
    listening = Competency.objects.get(code="listening")
    assert group.name == "Soft skills" and listening.group == group
    assert dict(listening.levels.values_list("level", "descriptor")) == {
        1: "Waits their turn", 2: "Asks a follow-up question", 5: "Coaches others"}
    with translation.override("ru"):
        assert listening.tr("name") == "Слушание"
        assert listening.levels.get(level=2).tr("descriptor") == "Задаёт уточняющий вопрос"
    with translation.override("zh-hans"):
        assert listening.levels.get(level=2).tr("descriptor") == "追问一个问题"


def test_importing_the_same_file_twice_changes_nothing(run_import):
    run_import(GOOD)
    before = state()

    job = run_import(GOOD)

    assert job.status == ImportStatus.DONE and (job.created_count, job.updated_count) == (0, 2)
    assert state() == before


def test_a_column_left_out_keeps_the_saved_value_and_an_empty_cell_clears_it(run_import):
    run_import(GOOD)

    job = run_import("code,group_code,name,level_2,level_5\nlistening,SOFT,Listening well,Asks two questions,\n")

    assert job.status == ImportStatus.DONE, job.errors
    listening = Competency.objects.get(code="listening")
    assert listening.name == "Listening well" and listening.description == "Hears people out."
    assert listening.translations == {"ru": {"name": "Слушание"}}
    assert dict(listening.levels.values_list("level", "descriptor")) == {1: "Waits their turn", 2: "Asks two questions"}
    # the level-2 translations stay: their columns were not in the file
    assert listening.levels.get(level=2).translations["ru"] == {"descriptor": "Задаёт уточняющий вопрос"}


@pytest.mark.parametrize(("row", "column", "message"), [
    ("bad code,SOFT,Soft,Name,,,,,,,", "code", "Use letters"),
    (",SOFT,Soft,Name,,,,,,,", "code", "required"),
    ("c1,NEW,,Name,,,,,,,", "group_name", "give its name"),
    ("c1,SOFT,Soft,,,,,,,,", "name", "required"),
    ("c1,SOFT,Soft," + "n" * 121 + ",,,,,,,", "name", "At most 120"),
    ("c1,SOFT,Soft,Name,,,,,,Только по-русски,", "level_2", "in English too"),
    ("c1,SOFT,Soft,Name,,,," + "d" * 301 + ",,,", "level_2", "At most 300"),
    ("listening,SOFT,Soft,Again,,,,,,,", "code", "appears again"),
    ("c1,SOFT,Other name,Name,,,,,,,", "group_name", "Differs from the group name"),
])
def test_a_bad_row_is_reported_by_row_and_column_and_nothing_is_written(run_import, row, column, message):
    job = run_import(GOOD + row + "\n")

    assert job.status == ImportStatus.FAILED
    assert any(e["row"] == 4 and e["column"] == column and message in e["message"] for e in job.errors), job.errors
    assert not Competency.objects.exists() and not CompetencyGroup.objects.exists()


def test_a_tab_or_nul_in_a_name_is_refused(run_import):
    job = run_import(HEADER + "c1,SOFT,Soft,Bad\tname,,,,,,,\n")
    assert job.status == ImportStatus.FAILED and job.errors[0]["column"] == "name"


def test_an_unknown_level_column_is_refused(run_import):
    job = run_import("code,group_code,group_name,name,level_6\nc1,SOFT,Soft,Name,Too high\n")
    assert job.status == ImportStatus.FAILED and job.errors[0]["column"] == "level_6"
    assert not Competency.objects.exists()


def test_an_import_updates_a_saved_group_and_moves_a_competency(run_import):
    CompetencyGroupFactory(code="TECH", name="Tech")
    CompetencyFactory(code="python", name="Python", group=CompetencyGroupFactory(code="OLD", name="Old"))

    job = run_import("code,group_code,group_name,name\npython,TECH,Technical skills,Python\n")

    assert job.status == ImportStatus.DONE, job.errors
    python = Competency.objects.select_related("group").get(code="python")
    assert python.group.code == "TECH" and python.group.name == "Technical skills"


def test_the_upload_page_lists_the_competencies_kind_with_a_template(hr_client):
    page = hr_client.get(reverse("import_list")).content.decode()
    assert 'value="competencies"' in page and reverse("import_template", args=["competencies"]) in page
    template = hr_client.get(reverse("import_template", args=["competencies"])).content.decode("utf-8-sig")
    assert template.startswith("code,group_code,group_name,name,name_zh,name_ru,description")
    assert "level_5_ru" in template
