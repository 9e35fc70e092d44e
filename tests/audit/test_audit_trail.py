"""The audit trail: captured generically, append-only, HR-only, filterable and exportable."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from openpyxl import load_workbook

from tandem.accounts.services import api_token_create
from tandem.audit import audit_context, record_many
from tandem.audit.models import AppendOnly, AuditEntry, AuditPerson
from tandem.mentorships.models import Mentorship
from tandem.programs.models import Enrolment, Program, ProgramStatus
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def make_program(owner, **kw):
    return Program.objects.create(**({
        "name": "Mentoring", "program_type": "classic", "matching_mode": "choose",
        "starts_on": D(2026, 1, 1), "ends_on": D(2026, 12, 31), "owner": owner,
    } | kw))


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


# -- capture ------------------------------------------------------------------------------------


def test_a_change_through_a_page_records_who_when_before_after_and_the_page(client, hr_person):
    program = make_program(hr_person)
    client.force_login(hr_person.user)
    before = timezone.now()

    response = client.post(f"/programs/{program.pk}/status/", {"status": "open"})

    assert response.status_code == 302
    [entry] = entries(object_type="programs.program", object_id=str(program.pk), action="update")
    assert entry.actor == hr_person.user and entry.actor_username == hr_person.user.username
    assert entry.via == "page" and entry.method == "POST" and entry.path == f"/programs/{program.pk}/status/"
    assert entry.changes["status"] == ["draft", "open"]
    assert entry.at >= before
    assert hr_person.pk in {p.person_id for p in entry.persons.all()}  # the owner is concerned


def test_a_change_through_the_api_records_the_token_user_and_the_endpoint(client, hr_person):
    program = make_program(hr_person)
    mentee = PersonFactory()
    _token, raw = api_token_create(user=hr_person.user, name="HRIS")

    response = client.post(
        f"/api/programs/{program.pk}/enrolments", {"role": "mentee", "employee_ids": [mentee.employee_id]},
        content_type="application/json", headers={"Authorization": f"Bearer {raw}"},
    )

    assert response.status_code == 200, response.content
    [entry] = entries(object_type="programs.enrolment")  # bulk_create is captured too
    assert entry.action == "create" and entry.via == "api"
    assert entry.actor == hr_person.user
    assert entry.path == f"/api/programs/{program.pk}/enrolments"
    assert entry.changes["person"] == [None, mentee.pk] and entry.changes["role"] == [None, "mentee"]
    assert {p.person_id for p in entry.persons.all()} == {mentee.pk}


def test_revoking_a_token_through_the_api_records_before_and_after(client, hr_person):
    token, _raw = api_token_create(user=hr_person.user, name="CI")
    client.force_login(hr_person.user)

    assert client.delete(f"/api/tokens/{token.pk}").status_code == 204

    [entry] = entries(object_type="accounts.apitoken", action="update")
    before, after = entry.changes["revoked_at"]
    assert before is None and after and entry.via == "api" and entry.actor == hr_person.user
    assert [p.person_id for p in entry.persons.all()] == [hr_person.pk]
    assert "key_hash" not in entries(object_type="accounts.apitoken", action="create")[0].changes


def test_an_update_that_changes_no_tracked_field_writes_nothing(hr_person):
    program = make_program(hr_person)
    count = AuditEntry.objects.count()
    program.save()
    assert AuditEntry.objects.count() == count


def test_hr_fields_of_a_person_and_permission_settings_are_recorded(hr_person):
    manager, person = PersonFactory(), PersonFactory(user=User.objects.create_user("lee"))
    person.manager = manager
    person.mentor_capacity = 3
    person.save()
    [entry] = entries(object_type="people.person", object_id=str(person.pk), action="update")
    assert entry.changes == {"manager": [None, manager.pk], "mentor_capacity": [0, 3]}
    assert {p.person_id for p in entry.persons.all()} == {person.pk, manager.pk}

    user = person.user
    user.groups.add(Group.objects.get_or_create(name="program_manager")[0])
    user.is_staff = True
    user.save()
    user.groups.clear()
    added, staff, cleared = entries(object_type="auth.user", object_id=str(user.pk))[-3:]
    assert (added.action, added.changes) == ("m2m_add", {"groups": [[], ["program_manager"]]})
    assert staff.changes == {"is_staff": [False, True]}
    assert (cleared.action, cleared.changes) == ("m2m_clear", {"groups": [["program_manager"], []]})
    assert {p.person_id for p in added.persons.all()} == {person.pk}


def test_queryset_updates_and_deletes_of_registered_models_are_recorded(hr_person):
    program = make_program(hr_person)
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.OPEN)
    mentor, mentee = PersonFactory(), PersonFactory()
    pair = Mentorship.objects.create(program=program, mentor=mentor, mentee=mentee, origin="manual")
    Mentorship.objects.filter(pk=pair.pk).delete()

    [upd] = entries(object_type="programs.program", action="update")
    assert upd.changes == {"status": ["draft", "open"]} and upd.via == "command"
    [gone] = entries(object_type="mentorships.mentorship", action="delete")
    assert gone.changes["mentor"] == [mentor.pk, None]
    assert {p.person_id for p in gone.persons.all()} == {mentor.pk, mentee.pk}


def test_record_many_writes_one_entry_per_object_for_writes_without_signals(hr_person):
    program = make_program(hr_person)
    a, b = PersonFactory(), PersonFactory()
    rows = [Enrolment(pk=900 + i, program=program, person=p, role="mentee") for i, p in enumerate((a, b))]
    with audit_context(via="task", path="import"):
        written = record_many(Enrolment, rows, action="update", changes=lambda e: {"status": ["withdrawn", "active"]})
    assert [e.object_id for e in written] == ["900", "901"]
    assert {e.via for e in written} == {"task"} and written[0].changes == {"status": ["withdrawn", "active"]}
    assert set(AuditPerson.objects.filter(entry__in=written).values_list("person_id", flat=True)) == {a.pk, b.pk}


def test_a_background_task_is_recorded_as_a_task(hr_person):
    from tests.audit.tasks import close_program

    program = make_program(hr_person)
    close_program.enqueue(program.pk)
    [entry] = entries(object_type="programs.program", action="update")
    assert entry.via == "task" and entry.path.endswith("close_program")
    assert entry.changes == {"status": ["draft", "closed"]}


def test_entries_survive_the_deletion_of_the_user_who_made_them(client):
    user = User.objects.create_user("temp")
    with audit_context(user=user):
        make_program(PersonFactory())
    user.delete()
    [entry] = entries(object_type="programs.program")
    assert entry.actor is None and entry.actor_username == "temp"


# -- nobody can edit it ---------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted_through_the_model(hr_person):
    make_program(hr_person)
    entry = AuditEntry.objects.first()
    entry.label = "forged"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(label="forged")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    entry.refresh_from_db()
    assert entry.label == "Mentoring"


def test_the_back_office_cannot_add_change_or_delete_entries_even_for_a_superuser(client):
    boss = User.objects.create_superuser("boss", "boss@example.com", "pw")
    make_program(PersonFactory())
    entry = AuditEntry.objects.first()
    client.force_login(boss)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/change/", {"label": "forged"}).status_code == 403
    assert client.post(f"/admin/audit/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post("/admin/audit/auditentry/", {"action": "delete_selected", "_selected_action": [entry.pk],
                                                         "post": "yes"})
    assert response.status_code in (200, 302, 403)
    entry.refresh_from_db()
    assert entry.label == "Mentoring" and AuditEntry.objects.filter(pk=entry.pk).exists()


# -- HR only -------------------------------------------------------------------------------------

NON_HR = [["program_manager"], []]


@pytest.mark.parametrize("groups", NON_HR, ids=["program_manager", "employee"])
@pytest.mark.parametrize("url", ["/audit/", "/audit/export.csv", "/audit/export.xlsx", "/api/audit",
                                 "/people/{eid}/data-export", "/people/{eid}/data-export?format=json",
                                 "/api/people/{eid}/data-export"])
def test_only_hr_reads_the_trail_and_personal_data(client, make_person, groups, url):
    actor = make_person(groups=groups)
    target = PersonFactory()
    client.force_login(actor.user)
    assert client.get(url.format(eid=target.employee_id)).status_code == 403


@pytest.mark.parametrize("groups", NON_HR, ids=["program_manager", "employee"])
def test_only_hr_anonymises(client, make_person, groups):
    actor = make_person(groups=groups)
    target = PersonFactory(is_active=False)
    client.force_login(actor.user)
    assert client.post(f"/people/{target.employee_id}/anonymise", {"confirm": target.employee_id}).status_code == 403
    assert client.post(f"/api/people/{target.employee_id}/anonymise", {"confirm": target.employee_id},
                       content_type="application/json").status_code == 403
    target.refresh_from_db()
    assert not target.full_name.startswith("Former employee")


def test_hr_sees_the_trail_in_the_navigation(hr_client, make_person, client):
    assert 'href="/audit/"' in hr_client.get("/").content.decode()
    other = make_person()
    client.force_login(other.user)
    assert 'href="/audit/"' not in client.get("/").content.decode()


# -- filters and exports ---------------------------------------------------------------------------


@pytest.fixture
def trail(hr_person):
    """Two programs with a pair each, one made through the 'api' and one on a past day."""
    owner = PersonFactory()
    a, b, c, d = (PersonFactory() for _ in range(4))
    with audit_context(via="api", user=hr_person.user):
        p1 = make_program(owner, name="One")
        m1 = Mentorship.objects.create(program=p1, mentor=a, mentee=b, origin="manual")
    p2 = make_program(owner, name="Two")
    m2 = Mentorship.objects.create(program=p2, mentor=c, mentee=d, origin="manual")
    old = AuditEntry.objects.get(object_type="programs.program", object_id=str(p2.pk))
    # put one entry on a past day (the base queryset, with the database unlocked: the app cannot)
    from django.db.models import QuerySet

    from tandem.audit.models import AuditUnlock

    unlock = AuditUnlock.objects.create()
    QuerySet.update(AuditEntry.objects.filter(pk=old.pk), at=timezone.now() - datetime.timedelta(days=30))
    unlock.delete()
    return {"people": (a, b, c, d), "pairs": (m1, m2), "programs": (p1, p2), "hr": hr_person}


def test_the_page_filters_by_person_action_type_channel_and_date(hr_client, trail):
    a, _b, c, d = trail["people"]
    m1, m2 = trail["pairs"]
    page = hr_client.get("/audit/", {"person": a.employee_id})
    assert page.status_code == 200
    body = page.content.decode()
    assert f"(mentorships.mentorship) #{m1.pk}" in body and f"(mentorships.mentorship) #{m2.pk}" not in body

    api = hr_client.get("/api/audit", {"via": "api"}).json()
    assert sorted(r["object_type"] for r in api["results"]) == ["mentorships.mentorship", "programs.program"]
    assert {r["via"] for r in api["results"]} == {"api"} and api["count"] == 2
    assert {r["actor"] for r in api["results"]} == {trail["hr"].user.username}

    api = hr_client.get("/api/audit", {"object_type": "mentorships.mentorship", "person": d.employee_id}).json()
    assert [r["object_id"] for r in api["results"]] == [str(m2.pk)]
    assert set(api["results"][0]["employee_ids"]) == {c.employee_id, d.employee_id}

    today = timezone.localdate()
    recent = hr_client.get("/api/audit", {"object_type": "programs.program", "date_from": today.isoformat()}).json()
    assert [r["label"] for r in recent["results"]] == ["One"]
    past = hr_client.get("/api/audit", {"object_type": "programs.program",
                                        "date_to": (today - datetime.timedelta(days=1)).isoformat()}).json()
    assert [r["label"] for r in past["results"]] == ["Two"]
    none = hr_client.get("/api/audit", {"person": "NOBODY"}).json()
    assert none["count"] == 0


def test_the_api_pages_newest_first(hr_client, trail):
    first = hr_client.get("/api/audit", {"page_size": 2}).json()
    second = hr_client.get("/api/audit", {"page_size": 2, "page": 2}).json()
    assert first["count"] == second["count"] >= 4
    ids = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(ids)) == 4
    ats = [r["at"] for r in first["results"] + second["results"]]
    assert ats == sorted(ats, reverse=True)
    assert hr_client.get("/api/audit", {"page": 10_000}).json()["results"] == []


def test_the_csv_and_xlsx_exports_hold_the_filtered_set(hr_client, trail):
    _a, b, _c, _d = trail["people"]
    m1, _m2 = trail["pairs"]
    response = hr_client.get("/audit/export.csv", {"person": b.employee_id})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    # header, b's mentorship, b's own record (newest first)
    assert [r[6:8] for r in rows[1:]] == [["mentorships.mentorship", str(m1.pk)], ["people.person", str(b.pk)]]

    response = hr_client.get("/audit/export.xlsx", {"object_type": "programs.program"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert len(values) == 3 and {r[8] for r in values[1:]} == {"One", "Two"}


def test_export_cells_are_not_run_as_formulas(hr_client, hr_person):
    make_program(hr_person, name="=HYPERLINK(\"http://evil\")")
    sheet = load_workbook(io.BytesIO(hr_client.get("/audit/export.xlsx").content)).active
    labels = [r[8] for r in list(sheet.values)[1:]]
    assert "'=HYPERLINK(\"http://evil\")" in labels


@pytest.mark.parametrize("params", [
    {"actor": "a\x00b"}, {"object_id": "1\x00"}, {"person": "\x00"}, {"date_from": "2024-13-45"},
    {"date_to": "31/12/2026"}, {"action": "DROP TABLE"}, {"via": "carrier-pigeon"},
    {"object_type": "auth.permission"}, {"object_id": "x" * 65},
])
def test_bad_filters_are_a_clear_4xx_never_a_500(hr_client, trail, params):
    for url in ("/audit/", "/audit/export.csv", "/audit/export.xlsx", "/api/audit"):
        response = hr_client.get(url, params)
        assert 400 <= response.status_code < 500, (url, params, response.status_code)
    assert hr_client.get("/api/audit", {"page": "99999999999999999999"}).status_code == 422
    assert hr_client.get("/audit/", {"page": "99999999999999999999"}).status_code == 200


@pytest.mark.parametrize("params", [{"date_to": "9999-12-31"}, {"date_from": "0001-01-01"},
                                    {"date_from": "0001-01-01", "date_to": "9999-12-31"}])
def test_dates_at_the_ends_of_the_calendar_are_answered(hr_client, trail, params):
    for url in ("/audit/", "/audit/export.csv", "/api/audit"):
        assert hr_client.get(url, params).status_code == 200
    assert hr_client.get("/api/audit", params).json()["count"] == AuditEntry.objects.count()


def test_an_end_before_the_start_finds_nothing(hr_client, trail):
    assert hr_client.get("/api/audit", {"date_from": "2026-02-01", "date_to": "2026-01-01"}).json()["count"] == 0


def test_a_change_in_the_back_office_is_recorded_as_such(client):
    boss = User.objects.create_superuser("boss", "boss@example.com", "pw")
    token, _raw = api_token_create(user=boss, name="old name")
    client.force_login(boss)
    response = client.post(f"/admin/accounts/apitoken/{token.pk}/change/",
                           {"name": "new name", "revoked_at_0": "", "revoked_at_1": ""})
    assert response.status_code == 302, response.content
    [entry] = entries(object_type="accounts.apitoken", action="update")
    assert entry.via == "admin" and entry.actor == boss and entry.method == "POST"
    assert entry.changes == {"name": ["old name", "new name"]}


def test_a_management_command_is_recorded_as_a_command(make_person):
    from django.core.management import call_command

    person = make_person()
    call_command("issue_api_token", person.user.username, stdout=io.StringIO())
    [entry] = entries(object_type="accounts.apitoken", action="create")
    assert entry.via == "command" and entry.actor is None
    assert [p.person_id for p in entry.persons.all()] == [person.pk]


def test_the_trail_page_costs_the_same_queries_for_few_or_many_entries(hr_client, hr_person):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert hr_client.get("/audit/").status_code == 200
        return len(ctx)

    owner = PersonFactory()
    make_program(owner)
    few = queries()
    for i in range(25):
        Mentorship.objects.create(program=make_program(owner, name=f"P{i}"), mentor=PersonFactory(),
                                  mentee=PersonFactory(), origin="manual")
    assert queries() == few


def test_the_database_itself_refuses_to_rewrite_an_entry(hr_person):
    from django.db import DatabaseError, connection, transaction

    make_program(hr_person)
    entry = AuditEntry.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET label = %s WHERE id = %s", ["forged", entry.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    entry.refresh_from_db()
    assert entry.label == "Mentoring"


def test_adding_people_to_a_group_from_the_group_side_is_recorded_per_user():
    group = Group.objects.create(name="hr_admin")
    ann, bob = User.objects.create_user("ann"), User.objects.create_user("bob")
    bob.groups.add(Group.objects.create(name="program_manager"))
    group.user_set.add(ann, bob)
    group.user_set.clear()
    added = entries(object_type="auth.user", action="m2m_add")
    cleared = entries(object_type="auth.user", action="m2m_clear")
    assert {e.object_id for e in added} == {str(ann.pk), str(bob.pk)}
    by_user = {e.object_id: e.changes["groups"] for e in added}
    assert by_user[str(ann.pk)] == [[], ["hr_admin"]]
    assert by_user[str(bob.pk)] == [["program_manager"], ["hr_admin", "program_manager"]]
    by_user = {e.object_id: e.changes["groups"] for e in cleared}
    assert by_user[str(ann.pk)] == [["hr_admin"], []]
    assert by_user[str(bob.pk)] == [["hr_admin", "program_manager"], ["program_manager"]]


@pytest.mark.django_db
def test_framework_edits_are_in_the_audit_trail():
    from tandem.audit.models import AuditEntry
    from tandem.people import framework_services
    from tests.factories import CompetencyGroupFactory

    group = CompetencyGroupFactory()
    comp = framework_services.competency_create(code="negotiation", group=group, name="Negotiation",
                                                levels={3: {"en": "Closes a routine deal"}})
    framework_services.competency_update(competency=comp, code="negotiation", group=group, name="Negotiating")
    entries = AuditEntry.objects.filter(object_type="people.competency", object_id=str(comp.pk))
    assert entries.count() == 2
    assert entries.first().changes["name"] == ["Negotiation", "Negotiating"]
    assert AuditEntry.objects.filter(object_type="people.competencylevel").exists()
