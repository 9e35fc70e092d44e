"""Reads for the organisation and competency model. Querysets come with their joins applied."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from tandem.mentorships import selectors as mentorship_selectors
from tandem.mentorships.models import OPEN_STATUSES, Mentorship, MentorshipStatus
from tandem.people.models import (
    Competency,
    CompetencyGroup,
    CompetencyRating,
    CurrentLevel,
    Department,
    GapSummary,
    JobProfile,
    JobProfileRequirement,
    Language,
    Person,
    PersonTopic,
    RatingSource,
    SelfAssessment,
    Topic,
    TopicInterest,
)

SORTS = {
    "name": "full_name",
    "-name": "-full_name",
    "department": "department__name",
    "-department": "-department__name",
    "hired": "hire_date",
    "-hired": "-hire_date",
    "employee_id": "employee_id",
}


def person_list(
    *,
    q: str = "",
    department: Department | None = None,
    job_profile: JobProfile | None = None,
    language: str = "",
    style: str = "",
    topic: Topic | None = None,
    interest: str = "",
    available_mentors: bool = False,
    without_mentor: bool = False,
    sort: str = "name",
    search_email: bool = False,
) -> QuerySet[Person]:
    """``search_email``: also match ``q`` in e-mail addresses — only for those who see everyone's
    contact details, or a search would confirm an address it does not show."""
    qs = Person.objects.filter(is_active=True).select_related("department", "job_profile", "location")
    if q:
        # the matching job profiles first (a handful): an OR across the join could use no index,
        # an OR of the person's own columns is a union of index scans (trigram GIN on name and
        # e-mail, UPPER(employee_id), the job profile key) on PostgreSQL
        profiles = list(JobProfile.objects.filter(title__icontains=q).values_list("pk", flat=True))
        match = Q(full_name__icontains=q) | Q(employee_id__iexact=q) | Q(job_profile_id__in=profiles)
        if search_email:
            match |= Q(email__icontains=q)
        qs = qs.filter(match)
    if department is not None:
        qs = qs.filter(department__path__startswith=department.path)
    if job_profile is not None:
        qs = qs.filter(job_profile=job_profile)
    if language:
        qs = qs.filter(languages__code=language)
    if style:
        qs = qs.filter(communication_style=style)
    if topic is not None:
        tags = PersonTopic.objects.filter(person=OuterRef("pk"), topic=topic)
        if interest:
            tags = tags.filter(interest=interest)
        qs = qs.filter(Exists(tags))
    if available_mentors:
        qs = mentorship_selectors.with_free_mentor_slots(qs)
    if without_mentor:
        qs = _waiting_for_a_mentor(qs)
    return qs.order_by(SORTS.get(sort, "full_name"), "id")


def people_by_employee_ids(*, employee_ids: list[str]) -> tuple[list[Person], list[str]]:
    """Active people with these employee IDs, and the IDs that match nobody (sorted)."""
    ids = list(dict.fromkeys(employee_ids))
    people = list(Person.objects.filter(employee_id__in=ids, is_active=True).order_by("id"))
    return people, sorted(set(ids) - {p.employee_id for p in people})


def person_get(*, employee_id: str) -> Person | None:
    return (
        Person.objects.select_related("department", "job_profile", "location", "manager", "user")
        .prefetch_related("languages")
        .filter(employee_id=employee_id)
        .first()
    )


@dataclass(frozen=True)
class CompetencyRow:
    competency: Competency
    target: int | None
    current: int | None
    source: str | None
    rated_on: date | None

    @property
    def source_label(self) -> str:
        return str(RatingSource(self.source).label) if self.source else ""

    @property
    def gap(self) -> int | None:
        if self.target is None or self.current is None:
            return None
        return max(self.target - self.current, 0)


def competencies_ordered() -> dict[int, Competency]:
    """Every competency with its group, in the framework's order (group, then name), by id: read once
    per change of the framework (``people.figures.kept``, the mentor pool's generation, which
    watches competencies and their groups). The instances are shared: read them, never change them."""
    from tandem.people import figures

    return figures.kept("pool", ("competencies",), lambda: {
        c.pk: c for c in Competency.objects.select_related("group").order_by("group__order", "name", "id")})


def job_targets() -> dict[int, dict[int, int]]:
    """Job profile id -> {competency id: target level}, the whole framework's requirements, read once per
    change of the framework (kept under the pool's generation, which watches the requirements; a
    framework has hundreds of them, not people-many). Shared: read it, never change it."""
    from tandem.people import figures

    def read() -> dict[int, dict[int, int]]:
        out: dict[int, dict[int, int]] = {}
        for jp, cid, target in JobProfileRequirement.objects.order_by().values_list(
                "job_profile_id", "competency_id", "target_level"):
            out.setdefault(jp, {})[cid] = target
        return out

    return figures.kept("pool", ("job_targets",), read)


def person_competencies(*, person: Person) -> list[CompetencyRow]:
    """Every competency the job profile requires or that has been rated, with target and current."""
    targets = job_targets().get(person.job_profile_id, {}) if person.job_profile_id else {}
    current = {c.competency_id: c for c in CurrentLevel.objects.filter(person=person)}
    ids = set(targets) | set(current)
    rows = []
    for comp in (c for c in competencies_ordered().values() if c.pk in ids):
        cur = current.get(comp.id)
        rows.append(
            CompetencyRow(
                competency=comp,
                target=targets.get(comp.id),
                current=cur.level if cur else None,
                source=cur.source if cur else None,
                rated_on=cur.rated_on if cur else None,
            )
        )
    return rows


def rating_history(*, person: Person, limit: int = 50) -> QuerySet[CompetencyRating]:
    return (
        CompetencyRating.objects.filter(person=person)
        .select_related("competency", "rated_by")
        .order_by("-rated_on", "-id")[:limit]
    )


def person_topics(*, person: Person) -> dict[str, list[Topic]]:
    out: dict[str, list[Topic]] = {TopicInterest.CAN_TEACH: [], TopicInterest.WANT_TO_LEARN: []}
    for tag in PersonTopic.objects.filter(person=person).select_related("topic"):
        out[tag.interest].append(tag.topic)
    return out


def latest_self_assessment(*, person: Person) -> SelfAssessment | None:
    return SelfAssessment.objects.filter(person=person).first()


def department_list(*, members: bool = True) -> QuerySet[Department]:
    """Departments with their head and parent; ``members``: with ``direct_members``, the active people
    directly in each. A count per department (the department index), not a join of every person
    grouped on the department's columns: that read all 50,000 people and grouped them for the page and
    again for the paginator's count (0.2 s per API list at company scale)."""
    qs = Department.objects.select_related("head", "parent")
    if not members:
        return qs
    count = (Person.objects.filter(department=OuterRef("pk"), is_active=True).order_by()
             .values("department").annotate(n=Count("id")).values("n"))
    return qs.annotate(direct_members=Coalesce(Subquery(count, output_field=IntegerField()), 0))


def competency_framework() -> QuerySet[CompetencyGroup]:
    return CompetencyGroup.objects.prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.prefetch_related("levels"))
    )


@dataclass(frozen=True)
class DirectoryChoices:
    departments: list[Department]
    job_profiles: list[JobProfile]
    languages: list[Language]
    topics: list[Topic]


def directory_choices() -> DirectoryChoices:
    """What the directory's filters offer: every department, job profile, language and topic."""
    return DirectoryChoices(departments=list(Department.objects.all()), job_profiles=list(JobProfile.objects.all()),
                            languages=list(Language.objects.all()), topics=list(Topic.objects.all()))


def job_profile_list() -> QuerySet[JobProfile]:
    return JobProfile.objects.prefetch_related(
        Prefetch("requirements", queryset=JobProfileRequirement.objects.select_related("competency"))
    ).annotate(headcount=Count("people", filter=Q(people__is_active=True)))


def topic_list() -> QuerySet[Topic]:
    return Topic.objects.annotate(
        teachers=Count("person_tags", filter=Q(person_tags__interest=TopicInterest.CAN_TEACH)),
        learners=Count("person_tags", filter=Q(person_tags__interest=TopicInterest.WANT_TO_LEARN)),
    )


# -- figures for dashboards ---------------------------------------------------------------


def headcount_by_department(*, within: Department | None = None) -> list[tuple[Department, int]]:
    """Active people per department, sub-departments included, for the top level (or the
    children of ``within``). The counts per department key come from the dashboard figures
    (``people.figures``: counted once per change, not on every view), rolled up by the departments'
    paths here; a head's home counts only their sub-tree."""
    from tandem.people import figures

    deps = list(Department.objects.all() if within is None else
                Department.objects.filter(path__startswith=within.path))
    if within is None:
        tops = [d for d in deps if d.parent_id is None]
    else:
        tops = [d for d in deps if d.parent_id == within.pk] or [within]
    path_of = {d.pk: d.path for d in deps}
    counts: dict[str, int] = {}
    for pk, row in figures.per_department().items():
        if pk in path_of and row[0]:
            counts[path_of[pk]] = counts.get(path_of[pk], 0) + row[0]
    out = []
    for dep in tops:
        out.append((dep, sum(n for path, n in counts.items() if path.startswith(dep.path))))
    if within is not None and tops != [within] and counts.get(within.path):
        out.append((within, counts[within.path]))  # people directly in ``within``, not in a team
    return sorted(out, key=lambda pair: -pair[1])


@dataclass(frozen=True)
class HeadCounts:
    people: int  # active
    waiting: int  # enrolled as a mentee in an open or running program, no mentor yet
    mentors_free: int  # can take one more mentee


def head_counts(*, paths: tuple[str, ...] = ()) -> HeadCounts:
    """The dashboards' counts over the company (or these departments' sub-trees), from the
    dashboard figures: the same numbers as ``people_in().count()``, ``people_without_mentor().count()``
    and ``with_free_mentor_slots(people_in()).count()``, without counting the company each view."""
    from tandem.people import figures

    ids = None if not paths else list(Department.objects.filter(_under(paths, "path")).values_list("pk", flat=True))
    return HeadCounts(*figures.totals(ids))


def _under(paths: tuple[str, ...], field: str = "department__path") -> Q:
    """People (or rows through ``field``) in any of these departments' sub-trees."""
    cond = Q()
    for p in paths:
        cond |= Q(**{f"{field}__startswith": p})
    return cond


def people_in(*, paths: tuple[str, ...] = ()) -> QuerySet[Person]:
    """Active people, in these departments' sub-trees if given. The departments are resolved to
    their keys first (a few dozen rows): the planner then knows how many people a key filter
    keeps, where a LIKE on the joined path let it guess ~700 of a department of 11,000 and walk
    them one by one (the head home's waiting-for-a-mentor count: 40 -> 11 ms)."""
    qs = Person.objects.filter(is_active=True)
    if not paths:
        return qs
    ids = list(Department.objects.filter(_under(paths, "path")).values_list("pk", flat=True))
    return qs.filter(department_id__in=ids)


def _waiting_for_a_mentor(qs: QuerySet[Person]) -> QuerySet[Person]:
    """Those a mentor is for and who have none yet: enrolled as a mentee in a program that is open
    or running, and not paired past the request (a pending request is no mentor yet). HR staff and
    mentors who are nobody's mentee are not counted."""
    from tandem.programs.models import Enrolment, EnrolmentRole, EnrolmentStatus, ProgramStatus

    enrolled = Enrolment.objects.filter(person=OuterRef("pk"), role=EnrolmentRole.MENTEE,
                                        status=EnrolmentStatus.ACTIVE,
                                        program__status__in=[ProgramStatus.OPEN, ProgramStatus.RUNNING])
    paired = Mentorship.objects.filter(mentee=OuterRef("pk"),
                                       status__in=[s for s in OPEN_STATUSES if s != MentorshipStatus.REQUESTED])
    return qs.filter(Exists(enrolled)).filter(~Exists(paired))


def people_without_mentor(*, paths: tuple[str, ...] = ()) -> QuerySet[Person]:
    """Active people enrolled as mentees who have no mentor yet (see ``_waiting_for_a_mentor``)."""
    return _waiting_for_a_mentor(people_in(paths=paths))


def largest_gaps(*, paths: tuple[str, ...] = (), limit: int = 8) -> list[dict]:
    """Competencies with the most people below their job profile's target, with the mean gap.

    Read from the gap summary (``GapSummary``: per department and competency, kept by
    ``people.services``), at most departments x competencies rows: not the company's 400,000
    current levels joined to their targets on every dashboard view (0.3 s at 50,000 people). The
    mean is exact: sum of gaps / people, ties broken as before (more people, larger mean, the
    competency's id)."""
    qs = GapSummary.objects.filter(people__gt=0)
    if paths:
        qs = qs.filter(_under(paths))
    rows = list(qs.order_by().values("competency_id").annotate(people=Sum("people"), total=Sum("total_gap")))
    rows.sort(key=lambda r: (-r["people"], -Fraction(r["total"], r["people"]), r["competency_id"]))
    rows = rows[:limit]
    comps = Competency.objects.in_bulk([r["competency_id"] for r in rows])
    return [{"competency": comps[r["competency_id"]], "competency_id": r["competency_id"], "people": r["people"],
             "mean_gap": r["total"] / r["people"]} for r in rows]


def departments_by_code(*, codes: list[str]) -> dict[str, Department]:
    """The departments with these codes, by code (unknown codes are simply absent)."""
    return {d.code: d for d in Department.objects.filter(code__in=codes)}


def department_by_code(*, code: str) -> Department | None:
    return Department.objects.filter(code=code).first()


def job_profile_by_code(*, code: str) -> JobProfile | None:
    return JobProfile.objects.filter(code=code).first()


def competency_by_code(*, code: str) -> Competency | None:
    return Competency.objects.filter(code=code).first()


def topic_ids_by_code(*, codes: set[str]) -> dict[str, int]:
    """code -> id of the topics with these codes (unknown codes are simply absent)."""
    return dict(Topic.objects.filter(code__in=codes).values_list("code", "id"))


def job_profiles_by_title() -> QuerySet[JobProfile]:
    return JobProfile.objects.order_by("title", "id")


def competencies_in_order() -> QuerySet[Competency]:
    """Every competency with its group, in the framework's order."""
    return Competency.objects.select_related("group").order_by("group__order", "name", "id")


def topic_by_code(*, code: str) -> Topic | None:
    return Topic.objects.filter(code=code).first()
