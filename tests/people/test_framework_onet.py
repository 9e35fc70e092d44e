"""The optional O*NET example framework: level mapping, idempotent loading, attribution (issue 14 §6)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from tandem.people import onet
from tandem.people.models import Competency, CompetencyGroup, CompetencyLevel

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(CompetencyGroup.objects.values_list("code", "name", "order", "updated_at")),
        sorted(Competency.objects.values_list("code", "name", "group__code", "description", "updated_at")),
        sorted(CompetencyLevel.objects.values_list("competency__code", "level", "descriptor")),
    )


def test_the_three_anchors_become_levels_2_3_4_by_rank_and_levels_1_and_5_stay_empty():
    assert onet.tandem_levels([{"level": 4, "descriptor": "mid"}, {"level": 2, "descriptor": "low"},
                               {"level": 6, "descriptor": "high"}]) == {2: "low", 3: "mid", 4: "high"}
    # some O*NET elements anchor elsewhere (1/4/7): the rule is by rank, the same three levels
    assert onet.tandem_levels([{"level": 1, "descriptor": "a"}, {"level": 4, "descriptor": "b"},
                               {"level": 7, "descriptor": "c"}]) == {2: "a", 3: "b", 4: "c"}
    with pytest.raises(ValueError):
        onet.tandem_levels([{"level": 2, "descriptor": "only one"}])


def test_the_shipped_subset_is_small_attributed_and_every_skill_has_three_anchors():
    data = json.loads(onet.DATA_FILE.read_text(encoding="utf-8"))
    assert len(data["elements"]) == 35 and len(data["groups"]) == 7
    assert data["attribution"] == onet.ATTRIBUTION
    assert all(len(e["anchors"]) == 3 for e in data["elements"])
    assert (onet.DATA_FILE.parent / "README.md").read_text(encoding="utf-8").count("CC BY 4.0") >= 1
    assert "used under the cc by 4.0 license" in onet.ATTRIBUTION.lower()


def test_loading_adds_the_skills_with_mapped_descriptors():
    result = onet.onet_framework_load()

    assert (result.groups_created, result.competencies_created) == (7, 35)
    reading = Competency.objects.get(code="onet-2.A.1.a")
    assert reading.name == "Reading Comprehension" and reading.group.code == "onet-2.A.1"
    assert reading.group.name == "Basic Skills: Content"
    assert dict(reading.levels.values_list("level", "descriptor")) == {
        2: "Read step-by-step instructions for completing a form",
        3: "Understand an email from management describing new personnel policies",
        4: "Read a scientific journal article describing surgical procedures",
    }
    assert not CompetencyLevel.objects.filter(competency__code__startswith="onet-", level__in=[1, 5]).exists()


def test_loading_twice_changes_nothing_and_keeps_hrs_edits():
    onet.onet_framework_load()
    Competency.objects.filter(code="onet-2.B.5.a").update(name="Managing one's time")
    before = snapshot()

    again = onet.onet_framework_load()

    assert (again.groups_created, again.competencies_created) == (0, 0)
    assert (again.groups_kept, again.competencies_kept) == (7, 35)
    assert snapshot() == before
    assert Competency.objects.get(code="onet-2.B.5.a").name == "Managing one's time"


def test_a_deleted_skill_comes_back_on_the_next_load_and_nothing_else_changes():
    onet.onet_framework_load()
    Competency.objects.get(code="onet-2.B.3.l").delete()  # Repairing: not needed here
    before = Competency.objects.count()

    result = onet.onet_framework_load()

    assert result.competencies_created == 1 and Competency.objects.count() == before + 1


def test_the_command_loads_idempotently_and_prints_the_attribution():
    out = io.StringIO()
    call_command("load_onet_framework", stdout=out)
    call_command("load_onet_framework", stdout=out)

    text = out.getvalue()
    assert "7 groups and 35 competencies added" in text
    assert "0 groups and 0 competencies added" in text
    assert onet.ATTRIBUTION in text
    assert Competency.objects.filter(code__startswith="onet-").count() == 35


def test_hr_loads_the_example_after_a_confirmation_and_the_attribution_shows(hr_client):
    url = reverse("framework_onet_load")
    confirm = hr_client.get(url).content.decode()
    assert "35 skills" in confirm and onet.ATTRIBUTION in confirm.replace("&#x27;", "'")
    assert not Competency.objects.exists()  # nothing is written by looking
    assert onet.ATTRIBUTION not in hr_client.get(reverse("framework")).content.decode()

    response = hr_client.post(url, follow=True)

    assert Competency.objects.filter(code__startswith="onet-").count() == 35
    page = response.content.decode()
    assert "35 competencies added" in page and onet.ATTRIBUTION in page
    detail = hr_client.get(reverse("framework_competency", args=[Competency.objects.get(code="onet-2.A.1.a").pk]))
    assert onet.ATTRIBUTION in detail.content.decode()
    again = hr_client.post(url, follow=True).content.decode()
    assert "already loaded: nothing changed" in again


def test_the_attribution_shows_to_every_reader_once_onet_competencies_exist(client, make_person):
    onet.onet_framework_load()
    client.force_login(make_person().user)
    assert onet.ATTRIBUTION in client.get(reverse("framework")).content.decode()


def test_the_read_only_competencies_page_carries_the_attribution_only_with_onet_competencies(client, make_person):
    client.force_login(make_person().user)
    assert onet.ATTRIBUTION not in client.get(reverse("competencies")).content.decode()

    onet.onet_framework_load()

    page = client.get(reverse("competencies")).content.decode()
    assert "Read step-by-step instructions for completing a form" in page and onet.ATTRIBUTION in page
