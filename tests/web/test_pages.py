from __future__ import annotations

import pytest

from tandem.people.models import CompetencyRating, PersonTopic, SelfAssessment
from tests.factories import DepartmentFactory, PersonFactory, RequirementFactory, TopicFactory

pytestmark = pytest.mark.django_db


def test_hr_home_shows_real_headcount_and_people_without_mentor(client, hr_person):
    dep = DepartmentFactory(name="Logistics")
    for _ in range(3):
        PersonFactory(department=dep)
    client.force_login(hr_person.user)
    html = client.get("/").content.decode()
    assert "Logistics" in html
    assert "mentees with no mentor yet" in html
    assert '"values": [' in html  # the chart's data is on the page


def test_directory_filters_and_pages(client, hr_person):
    dep = DepartmentFactory(code="LOG", name="Logistics")
    for i in range(30):
        PersonFactory(department=dep, full_name=f"Worker {i:02d}")
    client.force_login(hr_person.user)
    page1 = client.get("/people/?department=LOG").content.decode()
    assert "30 people" in page1 and "Page 1 of 2" in page1
    page2 = client.get("/people/?department=LOG&page=2").content.decode()
    assert "Worker 29" in page2 and "Worker 00" not in page2


def test_directory_htmx_request_returns_only_the_results(client, hr_person):
    client.force_login(hr_person.user)
    response = client.get("/people/?q=zzz", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Nobody matches these filters." in html


def test_directory_ignores_garbage_filters_without_error(client, hr_person):
    client.force_login(hr_person.user)
    response = client.get("/people/?department=NOPE&style=shouty&page=abc&sort=drop+table")
    assert response.status_code == 200


def test_profile_shows_gaps_to_the_person(client, make_person):
    req = RequirementFactory(target_level=5)
    me = make_person(job_profile=req.job_profile)
    client.force_login(me.user)
    client.post(f"/people/{me.employee_id}/ratings/", {"competency": req.competency.pk, "level": 2, "source": "self"})
    html = client.get(f"/people/{me.employee_id}/").content.decode()
    assert "Competencies and gaps" in html and str(req.competency.name) in html
    assert CompetencyRating.objects.get().level == 2


def test_invalid_rating_from_the_page_writes_nothing_and_says_why(client, make_person):
    req = RequirementFactory()
    me = make_person(job_profile=req.job_profile)
    client.force_login(me.user)
    response = client.post(f"/people/{me.employee_id}/ratings/",
                           {"competency": req.competency.pk, "level": 9, "source": "self"}, follow=True)
    assert not CompetencyRating.objects.exists()
    assert "msg-error" in response.content.decode()


def test_person_cannot_rate_themselves_as_their_manager(client, make_person):
    req = RequirementFactory()
    me = make_person(job_profile=req.job_profile)
    client.force_login(me.user)
    client.post(f"/people/{me.employee_id}/ratings/", {"competency": req.competency.pk, "level": 5, "source": "manager"})
    assert not CompetencyRating.objects.exists()


def test_self_assessment_from_the_page(client, make_person):
    me = make_person()
    client.force_login(me.user)
    client.post(f"/people/{me.employee_id}/self-assessment/", {"strengths": "Listening", "development_areas": "Planning"})
    assert SelfAssessment.objects.get(person=me).strengths == "Listening"


def test_self_assessment_errors_name_their_field_and_save_nothing(client, make_person):
    me = make_person()
    client.force_login(me.user)
    response = client.post(f"/people/{me.employee_id}/self-assessment/", {"strengths": "", "development_areas": "  "},
                           follow=True)
    html = response.content.decode()
    assert "My strengths: This field is required." in html
    assert "What I want to develop: This field is required." in html
    assert not SelfAssessment.objects.filter(person=me).exists()


def test_editing_own_profile_and_topics(client, make_person):
    me = make_person()
    teach, learn = TopicFactory(), TopicFactory()
    client.force_login(me.user)
    response = client.post(f"/people/{me.employee_id}/edit/", {
        "bio": "Hello", "communication_style": "analytical", "mentoring_hours_per_month": 4,
        "time_zone": "Europe/Moscow", "can_teach": [teach.pk], "want_to_learn": [learn.pk],
    })
    assert response.status_code == 302
    me.refresh_from_db()
    assert (me.bio, me.time_zone) == ("Hello", "Europe/Moscow")
    assert PersonTopic.objects.filter(person=me).count() == 2


def test_editing_own_profile_with_bad_hours_shows_the_error_and_saves_nothing(client, make_person):
    me = make_person(bio="Before")
    client.force_login(me.user)
    response = client.post(f"/people/{me.employee_id}/edit/", {
        "bio": "After", "mentoring_hours_per_month": 999, "time_zone": "Europe/Moscow",
    })
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    me.refresh_from_db()
    assert me.bio == "Before"


def test_times_are_shown_in_the_users_time_zone(client, make_person):
    me = make_person(time_zone="Asia/Shanghai")
    client.force_login(me.user)
    assert "Asia/Shanghai" in client.get("/").content.decode()


def test_organisation_and_competency_pages_render_the_tree_and_framework(client, hr_person):
    root = DepartmentFactory(name="Root dept")
    DepartmentFactory(name="Child dept", parent=root)
    req = RequirementFactory()
    client.force_login(hr_person.user)
    assert "Child dept" in client.get("/departments/").content.decode()
    assert req.job_profile.title in client.get("/competencies/").content.decode()


def test_the_account_menu_holds_the_tokens_and_the_home_links_to_the_self_assessment(client, make_person):
    me = make_person()
    client.force_login(me.user)
    html = client.get("/").content.decode()
    menu = html.split('<details class="account">', 1)[1].split("</details>", 1)[0]
    assert me.full_name in menu and 'href="/account/tokens/"' in menu and "Sign out" in menu
    assert f'href="/people/{me.employee_id}/#self-assessment"' in html  # "Write your self-assessment" is a link
    assert 'id="self-assessment"' in client.get(f"/people/{me.employee_id}/").content.decode()


def test_mentor_capacity_reads_in_the_right_plural(client, make_person):
    me = make_person()
    me.mentor_capacity = 1
    me.save(update_fields=["mentor_capacity"])
    client.force_login(me.user)
    html = client.get(f"/people/{me.employee_id}/").content.decode()
    assert "up to 1 mentee," in html and "up to 1 mentees" not in html
    me.mentor_capacity = 3
    me.save(update_fields=["mentor_capacity"])
    assert "up to 3 mentees," in client.get(f"/people/{me.employee_id}/").content.decode()
