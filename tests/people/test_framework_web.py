"""Framework pages: who may read and who may edit (a matrix), forms with their errors, descriptors
in the reader's language, search and pagination, confirmed deletes (issue 14 §6)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tandem.people import framework_services as fs
from tandem.people import services as people_services
from tandem.people.models import (
    Competency,
    CompetencyGroup,
    CompetencyLevel,
    JobProfile,
    JobProfileRequirement,
)
from tests.factories import (
    CompetencyFactory,
    CompetencyGroupFactory,
    JobProfileFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    group = CompetencyGroupFactory(code="SOFT", name="Soft skills", translations={"ru": {"name": "Гибкие навыки"}})
    comp = fs.competency_create(
        code="listening", group=group, name="Listening", description="Hears people out.",
        translations={"ru": {"name": "Слушание"}, "zh-hans": {"name": "倾听"}},
        levels={2: {"en": "Asks a follow-up question", "ru": "Задаёт уточняющий вопрос", "zh-hans": "追问一个问题"}},
    )
    profile = JobProfileFactory(code="ANALYST", title="Analyst")
    fs.job_profile_targets_set(job_profile=profile, targets={comp.pk: 3})
    return {"group": group, "comp": comp, "profile": profile}


def _login(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_role(client, make_person):
    """A client signed in as one of the roles of the matrix (None: signed out)."""

    def make(role: str):
        if role == "anonymous":
            return client
        if role == "hr":
            user = make_person(groups=["hr_admin"]).user
        elif role == "superuser":
            user = UserFactory(is_superuser=True, is_staff=True)
        elif role == "program_manager":  # owns no program
            user = make_person(groups=["program_manager"]).user
        elif role == "mentor":
            user = make_person(mentor_capacity=2).user
        elif role == "employee":
            user = make_person().user
        elif role == "no_person":
            user = UserFactory()
        elif role == "hr_no_person":
            user = UserFactory(groups=["hr_admin"])
        else:  # pragma: no cover - a typo in the matrix
            raise AssertionError(role)
        return _login(client, user)

    return make


EDITORS = {"hr", "superuser", "hr_no_person"}
ROLES = ["anonymous", "hr", "superuser", "hr_no_person", "program_manager", "mentor", "employee", "no_person"]


def read_urls(w):
    return [reverse("framework"), reverse("framework_competency", args=[w["comp"].pk]),
            reverse("framework_job_profiles"), reverse("framework_job_profile", args=[w["profile"].pk])]


def edit_urls(w):
    return [
        reverse("framework_competency_new"), reverse("framework_competency_edit", args=[w["comp"].pk]),
        reverse("framework_competency_delete", args=[w["comp"].pk]), reverse("framework_group_new"),
        reverse("framework_group_edit", args=[w["group"].pk]), reverse("framework_group_delete", args=[w["group"].pk]),
        reverse("framework_job_profile_new"), reverse("framework_job_profile_edit", args=[w["profile"].pk]),
        reverse("framework_onet_load"),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_everyone_signed_in_reads_only_hr_edits(as_role, world, role):
    client = as_role(role)

    for url in read_urls(world):
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and "/login" in response["Location"], url
        else:
            assert response.status_code == 200, url
            page = response.content.decode()
            assert (reverse("framework_competency_new") in page or reverse("framework_job_profile_new") in page
                    or reverse("framework_competency_edit", args=[world["comp"].pk]) in page
                    or reverse("framework_job_profile_targets", args=[world["profile"].pk]) in page
                    ) == (role in EDITORS), url
    for url in edit_urls(world):
        response = client.get(url)
        expected = 302 if role == "anonymous" else 200 if role in EDITORS else 403
        assert response.status_code == expected, url


@pytest.mark.parametrize("role", ["program_manager", "mentor", "employee", "no_person"])
def test_no_one_but_hr_can_write_through_the_pages(as_role, world, role):
    client = as_role(role)
    comp, group, profile = world["comp"], world["group"], world["profile"]
    posts = [
        (reverse("framework_competency_new"), {"code": "new", "group": group.pk, "name": "New"}),
        (reverse("framework_competency_edit", args=[comp.pk]), {"code": "listening", "group": group.pk, "name": "X"}),
        (reverse("framework_competency_delete", args=[comp.pk]), {}),
        (reverse("framework_group_new"), {"code": "G2", "name": "G2"}),
        (reverse("framework_group_edit", args=[group.pk]), {"code": "SOFT", "name": "X"}),
        (reverse("framework_group_delete", args=[group.pk]), {}),
        (reverse("framework_job_profile_new"), {"code": "NEW", "title": "New"}),
        (reverse("framework_job_profile_edit", args=[profile.pk]), {"code": "ANALYST", "title": "X"}),
        (reverse("framework_job_profile_targets", args=[profile.pk]), {f"target_{comp.pk}": "5"}),
        (reverse("framework_onet_load"), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url

    comp.refresh_from_db()
    group.refresh_from_db()
    assert comp.name == "Listening" and group.name == "Soft skills"
    assert Competency.objects.count() == 1 and CompetencyGroup.objects.count() == 1
    assert not JobProfile.objects.filter(code="NEW").exists() and JobProfile.objects.get(pk=profile.pk).title == "Analyst"
    assert profile.requirements.get().target_level == 3


def test_the_navigation_links_the_framework_for_hr_only(as_role, world):
    framework = f'href="{reverse("framework")}"'
    assert framework in as_role("hr").get(reverse("home")).content.decode()


def test_an_employee_has_no_framework_link_in_the_navigation(as_role, world):
    assert f'href="{reverse("framework")}"' not in as_role("employee").get(reverse("home")).content.decode()


def test_the_import_page_links_the_framework(hr_client):
    assert reverse("framework") in hr_client.get(reverse("import_list")).content.decode()


# -- reading ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "name", "descriptor", "group"), [
    ("en", "Listening", "Asks a follow-up question", "Soft skills"),
    ("ru", "Слушание", "Задаёт уточняющий вопрос", "Гибкие навыки"),
    ("zh-hans", "倾听", "追问一个问题", "Soft skills"),  # no Chinese group name: English
])
def test_descriptors_show_in_the_readers_language(as_role, world, lang, name, descriptor, group):
    client = as_role("employee")

    page = client.get(reverse("framework_competency", args=[world["comp"].pk]), HTTP_ACCEPT_LANGUAGE=lang)

    text = page.content.decode()
    assert name in text and descriptor in text and group in text


def test_the_list_searches_names_codes_and_translations_and_filters_by_group(as_role, world):
    CompetencyFactory(code="python", name="Python", group=CompetencyGroupFactory(name="Tech"))
    client = as_role("employee")

    def names(**params):
        page = client.get(reverse("framework"), params, HTTP_ACCEPT_LANGUAGE=params.pop("lang", "en"))
        return {c.code for c in page.context["page"].object_list}

    assert names() == {"listening", "python"}
    assert names(q="listen") == {"listening"}
    assert names(q="PYTH") == {"python"}
    assert names(q="Слуш", lang="ru") == {"listening"}
    assert names(q="倾听", lang="zh-hans") == {"listening"}
    assert names(q="Слуш", lang="en") == set()  # the English reader searches the English texts
    assert names(group=str(world["group"].pk)) == {"listening"}
    assert names(q="nothing like this") == set()
    assert "No competency matches this search." in client.get(reverse("framework"), {"q": "zzz"}).content.decode()


def test_the_list_is_paginated_with_its_total(as_role, world):
    group = world["group"]
    Competency.objects.bulk_create([Competency(code=f"c{i:03d}", name=f"C {i:03d}", group=group) for i in range(30)])
    client = as_role("employee")

    first = client.get(reverse("framework"))
    second = client.get(reverse("framework"), {"page": 2})

    assert len(first.context["page"].object_list) == 25 and len(second.context["page"].object_list) == 6
    assert "31 competencies" in first.content.decode()
    assert client.get(reverse("framework"), {"page": "999999999999999999999"}).status_code == 200


def test_the_list_runs_a_fixed_number_of_queries(as_role, world, django_assert_max_num_queries):
    group = world["group"]
    Competency.objects.bulk_create([Competency(code=f"c{i:03d}", name=f"C {i:03d}", group=group) for i in range(20)])
    client = as_role("employee")
    client.get(reverse("framework"))  # warm the session and the actor

    with django_assert_max_num_queries(14):
        client.get(reverse("framework"))


@pytest.mark.parametrize("size", [3, 30])
def test_job_profile_pages_and_a_competency_page_do_not_grow_in_queries(hr_client, world, size,
                                                                       django_assert_max_num_queries):
    group, comp, profile = world["group"], world["comp"], world["profile"]
    comps = Competency.objects.bulk_create([Competency(code=f"c{i:03d}", name=f"C {i:03d}", group=group)
                                            for i in range(size)])
    JobProfile.objects.bulk_create([JobProfile(code=f"J{i:03d}", title=f"J {i:03d}") for i in range(size)])
    fs.job_profile_targets_set(job_profile=profile, targets={c.pk: 2 for c in comps} | {comp.pk: 3})
    for other in JobProfile.objects.exclude(pk=profile.pk)[:size]:
        fs.job_profile_targets_set(job_profile=other, targets={comp.pk: 4})
    hr_client.get(reverse("framework_job_profiles"))  # warm the session and the actor

    for url in (reverse("framework_job_profiles"), reverse("framework_job_profile", args=[profile.pk]),
                reverse("framework_competency", args=[comp.pk])):
        with django_assert_max_num_queries(14):
            assert hr_client.get(url).status_code == 200


def test_an_empty_framework_says_so_and_offers_the_example_to_hr(hr_client):
    page = hr_client.get(reverse("framework")).content.decode()
    assert "No competency framework yet." in page and reverse("framework_onet_load") in page


def test_an_unknown_competency_is_404(as_role):
    assert as_role("employee").get(reverse("framework_competency", args=[99999])).status_code == 404


# -- editing -----------------------------------------------------------------------------------


def test_hr_creates_a_competency_with_descriptors_in_three_languages(hr_client, world):
    response = hr_client.post(reverse("framework_competency_new"), {
        "code": "feedback", "group": world["group"].pk, "name": "Giving feedback", "name_ru": "Обратная связь",
        "description": "Says what worked.", "level_1_en": "Says thanks", "level_1_zh": "说谢谢", "level_1_ru": "Благодарит",
        "level_4_en": "Gives specific feedback",
    })

    comp = Competency.objects.get(code="feedback")
    assert response.status_code == 302 and response["Location"] == reverse("framework_competency", args=[comp.pk])
    assert comp.translations == {"ru": {"name": "Обратная связь"}}
    assert dict(comp.levels.values_list("level", "descriptor")) == {1: "Says thanks", 4: "Gives specific feedback"}
    assert comp.levels.get(level=1).translations == {"zh-hans": {"descriptor": "说谢谢"}, "ru": {"descriptor": "Благодарит"}}


def test_the_edit_form_shows_what_is_saved_and_saves_changes(hr_client, world):
    comp = world["comp"]
    url = reverse("framework_competency_edit", args=[comp.pk])
    form = hr_client.get(url).context["form"]
    assert form.initial["level_2_ru"] == "Задаёт уточняющий вопрос" and form.initial["name_zh"] == "倾听"

    response = hr_client.post(url, {"code": "listening", "group": comp.group_id, "name": "Active listening",
                                    "level_2_en": "Asks a good follow-up question", "level_5_en": "Teaches it"})

    assert response.status_code == 302
    comp.refresh_from_db()
    assert comp.name == "Active listening" and comp.translations == {}
    assert dict(comp.levels.values_list("level", "descriptor")) == {2: "Asks a good follow-up question",
                                                                    5: "Teaches it"}


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"name": ""}, "name", "This field is required."),
    ({"name": "x" * 121}, "name", "121"),
    ({"code": "listening"}, "code", "This code is already used."),
    ({"code": "with space"}, "code", "Use letters, digits"),
    ({"level_3_ru": "Только по-русски"}, "level_3_en", "Describe level 3 in English too"),
    ({"level_2_en": "d" * 301}, "level_2_en", "301"),
    ({"group": "999999"}, "group", "Select a valid choice"),
])
def test_invalid_input_shows_the_form_again_with_the_message_and_a_400(hr_client, world, data, field, message):
    before = Competency.objects.count()
    post = {"code": "new", "group": world["group"].pk, "name": "New"} | data

    response = hr_client.post(reverse("framework_competency_new"), post)

    assert response.status_code == 400
    assert any(message in e for e in response.context["form"].errors[field])
    assert Competency.objects.count() == before


def test_a_nul_byte_in_a_field_is_a_400_with_a_message(hr_client, world):
    response = hr_client.post(reverse("framework_competency_new"),
                              {"code": "new", "group": world["group"].pk, "name": "Bad\x00name"})

    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert not Competency.objects.filter(code="new").exists()


def test_a_nul_byte_in_the_search_is_a_400(as_role, world):
    assert as_role("employee").get(reverse("framework"), {"q": "a\x00"}).status_code == 400


def test_hr_creates_and_edits_a_group(hr_client):
    r1 = hr_client.post(reverse("framework_group_new"), {"code": "TECH", "name": "Technical", "name_ru": "Технические",
                                                         "order": "2"})
    group = CompetencyGroup.objects.get(code="TECH")
    r2 = hr_client.post(reverse("framework_group_edit", args=[group.pk]),
                        {"code": "TECH", "name": "Technical skills", "order": "1"})

    assert r1.status_code == r2.status_code == 302
    group.refresh_from_db()
    assert (group.name, group.order, group.translations) == ("Technical skills", 1, {})
    assert hr_client.post(reverse("framework_group_new"), {"code": "TECH", "name": "Again"}).status_code == 400


def test_hr_creates_a_job_profile_and_sets_target_levels(hr_client, world):
    comp = world["comp"]
    other = CompetencyFactory(group=world["group"], name="Speaking")
    hr_client.post(reverse("framework_job_profile_new"), {"code": "LEAD", "title": "Team lead"})
    profile = JobProfile.objects.get(code="LEAD")
    url = reverse("framework_job_profile_targets", args=[profile.pk])

    added = hr_client.post(url, {"add_competency": comp.pk, "add_level": "4"})
    changed = hr_client.post(url, {f"target_{comp.pk}": "5", "add_competency": other.pk, "add_level": "2"})
    removed = hr_client.post(url, {f"target_{comp.pk}": "", f"target_{other.pk}": "2"})

    assert added.status_code == changed.status_code == removed.status_code == 302
    assert dict(profile.requirements.values_list("competency_id", "target_level")) == {other.pk: 2}
    page = hr_client.get(reverse("framework_job_profile", args=[profile.pk])).content.decode()
    assert "Speaking" in page


@pytest.mark.parametrize("data", [
    {"add_competency": "", "add_level": "3"},
    {"add_competency": "COMP", "add_level": ""},
    {"add_competency": "COMP", "add_level": "7"},
    {"add_competency": "99999999", "add_level": "3"},
    {"add_competency": "9" * 40, "add_level": "3"},
    {"target_COMP": "0"},
])
def test_an_invalid_target_is_refused_with_a_message_and_nothing_changes(hr_client, world, data):
    comp, profile = world["comp"], world["profile"]
    data = {k.replace("COMP", str(comp.pk)): v.replace("COMP", str(comp.pk)) for k, v in data.items()}
    data.setdefault(f"target_{comp.pk}", "3")

    response = hr_client.post(reverse("framework_job_profile_targets", args=[profile.pk]), data)

    assert response.status_code == 400 and response.context["problems"]
    assert dict(profile.requirements.values_list("competency_id", "target_level")) == {comp.pk: 3}


# -- deleting ----------------------------------------------------------------------------------


def test_deleting_an_unrated_competency_asks_first_then_deletes(hr_client, world):
    comp = world["comp"]
    url = reverse("framework_competency_delete", args=[comp.pk])

    confirm = hr_client.get(url)
    assert confirm.status_code == 200 and "This cannot be undone." in confirm.content.decode()
    assert Competency.objects.filter(pk=comp.pk).exists()

    done = hr_client.post(url)
    assert done.status_code == 302 and not Competency.objects.filter(pk=comp.pk).exists()
    assert not JobProfileRequirement.objects.filter(competency_id=comp.pk).exists()


def test_deleting_a_rated_competency_is_refused_with_a_clear_message(hr_client, world, make_person):
    comp = world["comp"]
    person = make_person()
    for day in (1, 2):
        people_services.rating_record(person=person, competency=comp, level=2, source="manager", rated_by=None,
                                      rated_on=datetime.date(2026, 3, day))
    url = reverse("framework_competency_delete", args=[comp.pk])

    confirm = hr_client.get(url).content.decode()
    refused = hr_client.post(url, follow=True)

    assert "has 2 ratings and cannot be deleted" in confirm and "Delete for good" not in confirm
    assert "has 2 ratings and cannot be deleted" in refused.content.decode()
    assert Competency.objects.filter(pk=comp.pk).exists() and CompetencyLevel.objects.filter(competency=comp).exists()


def test_a_group_with_competencies_is_not_deleted(hr_client, world):
    group = world["group"]
    refused = hr_client.post(reverse("framework_group_delete", args=[group.pk]), follow=True)
    assert "still holds 1 competency" in refused.content.decode()
    assert CompetencyGroup.objects.filter(pk=group.pk).exists()

    empty = CompetencyGroupFactory()
    assert hr_client.post(reverse("framework_group_delete", args=[empty.pk])).status_code == 302
    assert not CompetencyGroup.objects.filter(pk=empty.pk).exists()


def test_a_user_without_a_person_in_hr_can_edit(as_role, world):
    client = as_role("hr_no_person")
    assert User.objects.filter(person__isnull=True, groups__name="hr_admin").exists()
    response = client.post(reverse("framework_group_new"), {"code": "NP", "name": "No person"})
    assert response.status_code == 302 and CompetencyGroup.objects.filter(code="NP").exists()
