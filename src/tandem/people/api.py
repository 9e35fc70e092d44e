"""People, organisation and competency endpoints. Thin: validate, authorise, call, serialise."""


from datetime import date, datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from tandem.core import authz
from tandem.core.errors import Forbidden, NotFound, ValidationFailed
from tandem.core.schemas import (
    MultiLine,
    PageNumberPagination,
    SaneDate,
    StrictInt,
    not_blank_pattern,
)
from tandem.people import selectors, services
from tandem.people.models import Person, Topic

router = Router(tags=["people"])


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    parent_id: int | None
    head_employee_id: str | None = Field(None, alias="head.employee_id")


class JobProfileOut(Schema):
    id: int
    code: str
    title: str


class CompetencyOut(Schema):
    id: int
    code: str
    name: str
    group: str = Field(..., alias="group.name")


class TopicOut(Schema):
    id: int
    code: str
    name: str


_CONTACT_ONLY = (
    "Contact detail: only for HR, the person, their line manager and their active mentor or mentee; "
    "null for everyone else."
)


def _sees_contact(obj: Person, context: dict | None) -> bool:
    request = (context or {}).get("request")
    return request is not None and authz.can_view_contact_details(authz.actor_for(request.user), obj)


class PersonOut(Schema):
    employee_id: str
    full_name: str
    email: str | None = Field(None, description=_CONTACT_ONLY)
    department: str = Field(..., alias="department.code")
    job_profile: str | None = Field(None, alias="job_profile.code")
    time_zone: str
    communication_style: str
    mentor_capacity: int

    @staticmethod
    def resolve_email(obj: Person, context: dict) -> str | None:
        return obj.email if _sees_contact(obj, context) else None


class PersonDetailOut(PersonOut):
    manager: str | None = Field(None, description="The line manager's employee ID. " + _CONTACT_ONLY)
    hire_date: date | None = Field(None, description=_CONTACT_ONLY)
    languages: list[str]
    bio: str
    mentoring_hours_per_month: int

    @staticmethod
    def resolve_languages(obj: Person) -> list[str]:
        return [lang.code for lang in obj.languages.all()]

    @staticmethod
    def resolve_manager(obj: Person, context: dict) -> str | None:
        if obj.manager_id is None or not _sees_contact(obj, context):
            return None
        return obj.manager.employee_id

    @staticmethod
    def resolve_hire_date(obj: Person, context: dict) -> date | None:
        return obj.hire_date if _sees_contact(obj, context) else None


class CompetencyRowOut(Schema):
    competency: str
    name: str
    target: int | None
    current: int | None
    gap: int | None
    source: str | None
    rated_on: date | None


class RatingIn(Schema):
    competency: str = Field(..., description="Competency code")
    level: StrictInt = Field(..., ge=1, le=5)
    source: str = Field(..., description="self, manager, mentor or assessment")
    rated_on: SaneDate | None = None
    note: MultiLine = Field("", max_length=500)


class PeopleRatingOut(Schema):
    id: int
    competency: str = Field(..., alias="competency.code")
    level: int
    source: str
    rated_on: date


class PeopleFilter(Schema):
    q: str = ""
    department: str | None = Field(None, description="Department code (sub-departments included)")
    job_profile: str | None = None
    language: str = ""
    sort: str = Field("name", description="name, -name, department, -department, employee_id; "
                      "hired / -hired (hire date) for HR only")


def _person_or_404(employee_id: str) -> Person:
    person = selectors.person_get(employee_id=employee_id)
    if person is None:
        raise NotFound()
    return person


@router.get("/people", response=list[PersonOut], summary="Search the people directory")
@paginate(PageNumberPagination, page_size=50)
def people_list(request: HttpRequest, filters: Query[PeopleFilter]):
    actor = authz.actor_for(request.user)
    authz.require(authz.can_view_directory(actor))
    if filters.sort.lstrip("-") == "hired" and not authz.can_view_all_contact_details(actor):
        raise Forbidden(_("Only HR can sort people by hire date."), code="sort_not_allowed")
    dep = selectors.department_by_code(code=filters.department) if filters.department else None
    jp = selectors.job_profile_by_code(code=filters.job_profile) if filters.job_profile else None
    if (filters.department and dep is None) or (filters.job_profile and jp is None):
        return []  # an unknown department or job profile: nobody
    return selectors.person_list(
        q=filters.q, department=dep, job_profile=jp, language=filters.language, sort=filters.sort,
        search_email=authz.can_view_all_contact_details(actor),
    )


@router.get("/people/{employee_id}", response=PersonDetailOut, summary="One person")
def person_detail(request: HttpRequest, employee_id: str):
    person = _person_or_404(employee_id)
    authz.require(authz.can_view_profile(authz.actor_for(request.user), person))
    return person


@router.get(
    "/people/{employee_id}/competencies", response=list[CompetencyRowOut],
    summary="Targets, current levels and gaps",
)
def person_competencies(request: HttpRequest, employee_id: str):
    person = _person_or_404(employee_id)
    authz.require(authz.can_view_competencies(authz.actor_for(request.user), person))
    return [
        CompetencyRowOut(
            competency=r.competency.code, name=r.competency.name, target=r.target, current=r.current,
            gap=r.gap, source=r.source, rated_on=r.rated_on,
        )
        for r in selectors.person_competencies(person=person)
    ]


@router.post(
    "/people/{employee_id}/ratings", response={201: PeopleRatingOut},
    summary="Record a competency rating (appended to the history)",
)
def rating_create(request: HttpRequest, employee_id: str, payload: RatingIn):
    actor = authz.actor_for(request.user)
    person = _person_or_404(employee_id)
    authz.require(authz.can_view_competencies(actor, person))
    authz.require(authz.can_rate(actor, person, payload.source))
    competency = selectors.competency_by_code(code=payload.competency)
    if competency is None:
        raise NotFound(_("No competency with code “%(code)s”.") % {"code": payload.competency[:40]})
    rating = services.rating_record(
        person=person, competency=competency, level=payload.level, source=payload.source,
        rated_by=actor.person, rated_on=payload.rated_on, note=payload.note,
    )
    return Status(201, rating)


# Stripped, then required (issue 13: a blank text was valid by the document and a 400).
_NOT_BLANK = not_blank_pattern()
# A blank code is no topic's (issue 13: ``[""]`` was valid by the document and a 400 "Unknown topic
# code"); the handler stays the judge of codes no topic has.
_TOPIC_CODE = {"items": {"type": "string", "pattern": _NOT_BLANK}}


class TopicsIn(Schema):
    can_teach: list[str] = Field(default_factory=list, description="Topic codes", json_schema_extra=_TOPIC_CODE)
    want_to_learn: list[str] = Field(default_factory=list, description="Topic codes", json_schema_extra=_TOPIC_CODE)


class TopicsOut(Schema):
    can_teach: list[str]
    want_to_learn: list[str]


class SelfAssessmentIn(Schema):
    # as services.self_assessment_add reads them; the pattern is the rule, in the document and in validation
    strengths: str = Field(..., max_length=4000, pattern=_NOT_BLANK, description="At least one strength")
    development_areas: str = Field(..., max_length=4000, pattern=_NOT_BLANK,
                                   description="At least one area to develop")


class SelfAssessmentOut(Schema):
    id: int
    strengths: str
    development_areas: str
    created_at: datetime


def _topics_out(person: Person) -> TopicsOut:
    tags = selectors.person_topics(person=person)
    return TopicsOut(can_teach=[t.code for t in tags["can_teach"]], want_to_learn=[t.code for t in tags["want_to_learn"]])


@router.get("/people/{employee_id}/topics", response=TopicsOut, summary="Topics a person can teach and wants to learn")
def person_topics(request: HttpRequest, employee_id: str):
    person = _person_or_404(employee_id)
    authz.require(authz.can_view_profile(authz.actor_for(request.user), person))
    return _topics_out(person)


@router.put("/people/{employee_id}/topics", response=TopicsOut,
            summary="Replace a person's topics (the person themselves, or HR)")
def person_topics_set(request: HttpRequest, employee_id: str, payload: TopicsIn):
    person = _person_or_404(employee_id)
    authz.require(authz.can_edit_own_entries(authz.actor_for(request.user), person))
    codes = set(payload.can_teach) | set(payload.want_to_learn)
    ids = selectors.topic_ids_by_code(codes=codes)
    unknown = sorted(codes - set(ids))
    if unknown:
        raise ValidationFailed({"topics": [_("Unknown topic code: %(code)s") % {"code": c} for c in unknown]})
    services.topics_set(person=person, can_teach=[ids[c] for c in payload.can_teach],
                        want_to_learn=[ids[c] for c in payload.want_to_learn])
    return _topics_out(person)


@router.post("/people/{employee_id}/self-assessments", response={201: SelfAssessmentOut},
             summary="Add my self-assessment (history is kept; only the person themselves)")
def self_assessment_create(request: HttpRequest, employee_id: str, payload: SelfAssessmentIn):
    person = _person_or_404(employee_id)
    authz.require(authz.can_add_self_assessment(authz.actor_for(request.user), person))
    return Status(201, services.self_assessment_add(person=person, strengths=payload.strengths,
                                                    development_areas=payload.development_areas))


@router.get("/departments", response=list[DepartmentOut], summary="Departments (a tree through parent_id)")
@paginate(PageNumberPagination, page_size=200)
def department_list(request: HttpRequest):
    return selectors.department_list(members=False).order_by("name", "id")  # the list has no member counts


@router.get("/job-profiles", response=list[JobProfileOut])
@paginate(PageNumberPagination, page_size=100)
def job_profile_list(request: HttpRequest):
    return selectors.job_profiles_by_title()


@router.get("/competencies", response=list[CompetencyOut])
@paginate(PageNumberPagination, page_size=100)
def competency_list(request: HttpRequest):
    return selectors.competencies_in_order()


@router.get("/topics", response=list[TopicOut], summary="The mentoring topic catalogue")
@paginate(PageNumberPagination, page_size=100)
def topic_list(request: HttpRequest):
    return Topic.objects.order_by("order", "name", "id")
