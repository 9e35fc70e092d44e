"""Writes for the organisation and competency model. Each validates and runs in a transaction."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F, FilteredRelation, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.core.errors import ValidationFailed
from tandem.people.models import (
    CommunicationStyle,
    Competency,
    CompetencyRating,
    CurrentLevel,
    Department,
    GapSummary,
    Language,
    Person,
    PersonTopic,
    RatingSource,
    SelfAssessment,
    Topic,
    TopicInterest,
)

# -- departments -----------------------------------------------------------------------------


def _department_path(dep: Department) -> str:
    return (dep.parent.path if dep.parent_id else "/") + f"{dep.pk}/"


@transaction.atomic
def department_save(*, department: Department) -> Department:
    """Create or update a department and keep the materialised paths of its subtree right."""
    if department.parent_id and department.pk:
        ancestor = department.parent
        while ancestor is not None:
            if ancestor.pk == department.pk:
                raise ValidationFailed({"parent": [_("A department cannot sit inside itself.")]})
            ancestor = ancestor.parent
    old_path = department.path if department.pk else None
    department.save()
    new_path = _department_path(department)
    if new_path != department.path:
        department.path = new_path
        department.save(update_fields=["path"])
        if old_path and old_path != "/":
            department_paths_rebuild()
    return department


def department_paths_rebuild() -> None:
    """Recompute every materialised path top-down (after imports or moves)."""
    deps = {d.pk: d for d in Department.objects.all()}
    paths: dict[int, str] = {}

    def path_of(pk: int, seen: frozenset[int] = frozenset()) -> str:
        if pk in paths:
            return paths[pk]
        if pk in seen:
            raise ValidationFailed({"parent": [_("Departments form a cycle.")]})
        dep = deps[pk]
        prefix = path_of(dep.parent_id, seen | {pk}) if dep.parent_id else "/"
        paths[pk] = f"{prefix}{pk}/"
        return paths[pk]

    changed = []
    for pk, dep in deps.items():
        p = path_of(pk)
        if dep.path != p:
            dep.path = p
            changed.append(dep)
    Department.objects.bulk_update(changed, ["path"], batch_size=1000)


# -- people ----------------------------------------------------------------------------------


def _clean_time_zone(value: str) -> str:
    if value not in zoneinfo.available_timezones():
        raise ValidationFailed({"time_zone": [_("“%(value)s” is not a known time zone.") % {"value": value}]})
    return value


@transaction.atomic
def person_update_own(
    *,
    person: Person,
    bio: str,
    communication_style: str,
    mentoring_hours_per_month: int,
    time_zone: str,
    languages: Iterable[str],
) -> Person:
    """The fields a person keeps up to date themselves."""
    errors: dict[str, list[str]] = {}
    if communication_style and communication_style not in CommunicationStyle.values:
        errors["communication_style"] = [_("Choose one of the listed styles.")]
    if not 0 <= int(mentoring_hours_per_month) <= 160:
        errors["mentoring_hours_per_month"] = [_("Enter between 0 and 160 hours.")]
    if len(bio) > 2000:
        errors["bio"] = [_("Keep the bio under 2,000 characters.")]
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = [_("“%(value)s” is not a known time zone.") % {"value": time_zone}]
    codes = sorted(set(languages))
    langs = list(Language.objects.filter(code__in=codes))
    if len(langs) != len(codes):
        errors["languages"] = [_("Unknown language code.")]
    if errors:
        raise ValidationFailed(errors)
    person.bio = bio
    person.communication_style = communication_style
    person.mentoring_hours_per_month = int(mentoring_hours_per_month)
    person.time_zone = time_zone
    person.save(
        update_fields=["bio", "communication_style", "mentoring_hours_per_month", "time_zone", "updated_at"]
    )
    person.languages.set(langs)
    return person


# -- the dashboards' gap summary ----------------------------------------------------------------


def _gap_cells(people: Q) -> dict[tuple[int, int], tuple[int, int]]:
    """(department, competency) -> (people below target, sum of their gaps) for these people as the
    database has them now: the rule of ``selectors.largest_gaps``, for a few people."""
    rows = (
        CurrentLevel.objects.filter(person__in=Person.objects.filter(people), person__is_active=True)
        .annotate(req=FilteredRelation(
            "competency__requirements",
            condition=Q(competency__requirements__job_profile=F("person__job_profile")),
        ))
        .filter(req__target_level__gt=F("level"))
        .order_by()
        .values_list("person__department_id", "competency_id")
        .annotate(n=Count("id"), gap=Sum(F("req__target_level") - F("level")))
    )
    return {(dep, comp): (n, gap) for dep, comp, n, gap in rows}


@contextmanager
def gaps_kept(*, people: Q) -> Iterator[None]:
    """Keep the gap summary right across a write that may change the gaps of ``people`` (a filter
    on Person: the rated person, everyone with a job profile whose targets change, a person moved,
    given another profile or deactivated): their cells before and after, and the difference added
    to the summary, in the caller's transaction. The people are locked first, so two writes about
    the same person take turns and each sees the other's result."""
    if not connection.in_atomic_block:
        raise RuntimeError("gaps_kept() needs a transaction")
    list(Person.objects.select_for_update().filter(people).order_by("pk").values_list("pk", flat=True))
    before = _gap_cells(people)
    yield
    after = _gap_cells(people)
    delta = {}
    for cell in before.keys() | after.keys():
        n0, g0 = before.get(cell, (0, 0))
        n1, g1 = after.get(cell, (0, 0))
        if (n1 - n0, g1 - g0) != (0, 0):
            delta[cell] = (n1 - n0, g1 - g0)
    _gap_summary_add(delta)


def _gap_summary_add(delta: dict[tuple[int, int], tuple[int, int]]) -> None:
    """Add the differences to the summary: a missing cell is inserted empty first (a concurrent
    insert of the same cell waits, then does nothing), each cell is updated in place, in one order
    (no deadlock between two writes). Empty cells stay: deleting one could lose another's update."""
    if not delta:
        return
    if connection.vendor == "postgresql":  # waits for a rebuild from scratch to finish
        with connection.cursor() as cursor:
            cursor.execute("LOCK TABLE people_gapsummary IN ROW EXCLUSIVE MODE")
    cells = sorted(delta)
    GapSummary.objects.bulk_create(
        [GapSummary(department_id=dep, competency_id=comp, people=0, total_gap=0) for dep, comp in cells],
        ignore_conflicts=True,
    )
    for dep, comp in cells:
        dn, dg = delta[(dep, comp)]
        GapSummary.objects.filter(department_id=dep, competency_id=comp).update(
            people=F("people") + dn, total_gap=F("total_gap") + dg)


# One statement, the same as the migration that created the summary.
_REBUILD_GAPS = """
INSERT INTO people_gapsummary (department_id, competency_id, people, total_gap)
SELECT p.department_id, cl.competency_id, COUNT(*), SUM(r.target_level - cl.level)
FROM people_currentlevel cl
JOIN people_person p ON p.id = cl.person_id
JOIN people_jobprofilerequirement r ON r.job_profile_id = p.job_profile_id AND r.competency_id = cl.competency_id
WHERE p.is_active AND r.target_level > cl.level
GROUP BY p.department_id, cl.competency_id
"""


@transaction.atomic
def gap_summary_rebuild() -> int:
    """The gap summary from scratch (after imports and bulk loads; the ``gap_summary_rebuild``
    command). On PostgreSQL the summary is locked against concurrent updates meanwhile."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("LOCK TABLE people_gapsummary IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute("DELETE FROM people_gapsummary")
        cursor.execute(_REBUILD_GAPS)
    return GapSummary.objects.count()


# -- ratings ---------------------------------------------------------------------------------


def _current_from_history(person_id: int, competency_id: int) -> CompetencyRating | None:
    history = CompetencyRating.objects.filter(person_id=person_id, competency_id=competency_id)
    return (
        history.exclude(source=RatingSource.SELF).order_by("-rated_on", "-id").first()
        or history.order_by("-rated_on", "-id").first()
    )


def current_level_refresh(*, person_id: int, competency_id: int) -> None:
    best = _current_from_history(person_id, competency_id)
    if best is None:
        CurrentLevel.objects.filter(person_id=person_id, competency_id=competency_id).delete()
        return
    CurrentLevel.objects.update_or_create(
        person_id=person_id,
        competency_id=competency_id,
        defaults={"level": best.level, "source": best.source, "rated_on": best.rated_on},
    )


@transaction.atomic
def rating_record(
    *,
    person: Person,
    competency: Competency,
    level: int,
    source: str,
    rated_by: Person | None,
    rated_on: date | None = None,
    note: str = "",
) -> CompetencyRating:
    """Append a rating (history is never overwritten) and refresh the current level."""
    errors: dict[str, list[str]] = {}
    if not isinstance(level, int) or not 1 <= level <= 5:
        errors["level"] = [_("Choose a level from 1 to 5.")]
    if source not in RatingSource.values:
        errors["source"] = [_("Unknown rating source.")]
    rated_on = rated_on or timezone.localdate()
    if rated_on > timezone.localdate():
        errors["rated_on"] = [_("The date cannot be in the future.")]
    if len(note) > 500:
        errors["note"] = [_("Keep the note under 500 characters.")]
    if errors:
        raise ValidationFailed(errors)
    with gaps_kept(people=Q(pk=person.pk)):
        rating = CompetencyRating.objects.create(
            person=person, competency=competency, level=level, source=source,
            rated_by=rated_by, rated_on=rated_on, note=note,
        )
        current_level_refresh(person_id=person.pk, competency_id=competency.pk)
    return rating


# -- topics and self-assessment --------------------------------------------------------------


@transaction.atomic
def topics_set(*, person: Person, can_teach: Iterable[int], want_to_learn: Iterable[int]) -> None:
    teach, learn = set(map(int, can_teach)), set(map(int, want_to_learn))
    known = set(Topic.objects.filter(id__in=teach | learn).values_list("id", flat=True))
    if (teach | learn) - known:
        raise ValidationFailed({"topics": [_("Unknown topic.")]})
    PersonTopic.objects.filter(person=person).delete()
    PersonTopic.objects.bulk_create(
        [PersonTopic(person=person, topic_id=t, interest=TopicInterest.CAN_TEACH) for t in sorted(teach)]
        + [PersonTopic(person=person, topic_id=t, interest=TopicInterest.WANT_TO_LEARN) for t in sorted(learn)]
    )


@transaction.atomic
def self_assessment_add(*, person: Person, strengths: str, development_areas: str) -> SelfAssessment:
    strengths, development_areas = strengths.strip(), development_areas.strip()
    errors: dict[str, list[str]] = {}
    if not strengths:
        errors["strengths"] = [_("Name at least one strength.")]
    if not development_areas:
        errors["development_areas"] = [_("Name at least one area you want to develop.")]
    for field, value in (("strengths", strengths), ("development_areas", development_areas)):
        if len(value) > 4000:
            errors[field] = [_("Keep this under 4,000 characters.")]
    if errors:
        raise ValidationFailed(errors)
    return SelfAssessment.objects.create(
        person=person, strengths=strengths, development_areas=development_areas
    )


@transaction.atomic
def current_levels_rebuild(*, person_ids: Iterable[int] | None = None) -> int:
    """Recompute CurrentLevel in bulk from the rating history (after imports and demo loads).
    Same rule as :func:`current_level_refresh`; a handful of queries, not one per rating. The gap
    summary follows: for these people, or rebuilt from scratch for everyone."""
    if person_ids is None:
        n = _current_levels_rebuild(None)
        gap_summary_rebuild()
        return n
    ids = list(person_ids)
    with gaps_kept(people=Q(pk__in=ids)):
        return _current_levels_rebuild(ids)


def _current_levels_rebuild(person_ids: list[int] | None) -> int:
    ratings = CompetencyRating.objects.all()
    existing = CurrentLevel.objects.all()
    if person_ids is not None:
        ids = list(person_ids)
        ratings = ratings.filter(person_id__in=ids)
        existing = existing.filter(person_id__in=ids)
    best: dict[tuple[int, int], tuple] = {}
    for pid, cid, level, source, rated_on, rid in ratings.values_list(
        "person_id", "competency_id", "level", "source", "rated_on", "id"
    ).iterator(chunk_size=5000):
        key = (pid, cid)
        rank = (source != RatingSource.SELF, rated_on, rid)
        if key not in best or rank > best[key][0]:
            best[key] = (rank, level, source, rated_on)
    existing.delete()
    CurrentLevel.objects.bulk_create(
        [
            CurrentLevel(person_id=pid, competency_id=cid, level=lv, source=src, rated_on=on)
            for (pid, cid), (_rank, lv, src, on) in best.items()
        ],
        batch_size=2000,
    )
    return len(best)
