"""Reads for the competency framework pages (``framework_views``). Querysets come with their joins."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import get_language

from tandem.people.models import (
    Competency,
    CompetencyGroup,
    CompetencyLevel,
    CompetencyRating,
    JobProfile,
    JobProfileRequirement,
)
from tandem.people.onet import ONET_PREFIX


def _reader_language() -> str:
    return (get_language() or "en").lower()


def _text_match(q: str, *fields: str) -> Q:
    """``q`` in the English fields, their translation in the reader's language, or the code."""
    lang = _reader_language()
    match = Q(code__icontains=q)
    for f in fields:
        match |= Q(**{f"{f}__icontains": q})
        if lang != "en":
            match |= Q(**{f"translations__{lang}__{f}__icontains": q})
    return match


def framework_groups() -> QuerySet[CompetencyGroup]:
    return CompetencyGroup.objects.annotate(competency_count=Count("competencies")).order_by("order", "name", "id")


def framework_competencies(*, q: str = "", group: CompetencyGroup | None = None) -> QuerySet[Competency]:
    qs = Competency.objects.select_related("group").annotate(level_count=Count("levels", distinct=True))
    if q:
        qs = qs.filter(_text_match(q, "name", "description"))
    if group is not None:
        qs = qs.filter(group=group)
    return qs.order_by("group__order", "group__name", "name", "id")


def framework_competency(*, competency_id: int) -> Competency | None:
    return (
        Competency.objects.select_related("group")
        .prefetch_related(
            Prefetch("levels", queryset=CompetencyLevel.objects.order_by("level")),
            Prefetch("requirements", queryset=JobProfileRequirement.objects.select_related("job_profile")
                     .order_by("job_profile__title")),
        )
        .filter(pk=competency_id)
        .first()
    )


def competency_rating_count(*, competency: Competency) -> int:
    return CompetencyRating.objects.filter(competency=competency).count()


def framework_group(*, group_id: int) -> CompetencyGroup | None:
    return CompetencyGroup.objects.filter(pk=group_id).first()


def competency_choices() -> QuerySet[Competency]:
    return Competency.objects.select_related("group").order_by("group__order", "group__name", "name", "id")


def framework_job_profiles(*, q: str = "") -> QuerySet[JobProfile]:
    qs = JobProfile.objects.annotate(
        target_count=Count("requirements", distinct=True),
        headcount=Count("people", filter=Q(people__is_active=True), distinct=True),
    )
    if q:
        qs = qs.filter(_text_match(q, "title", "description"))
    return qs.order_by("title", "id")


def framework_job_profile(*, job_profile_id: int) -> JobProfile | None:
    return (
        JobProfile.objects.prefetch_related(
            Prefetch("requirements", queryset=JobProfileRequirement.objects.select_related("competency__group")
                     .order_by("competency__group__order", "competency__group__name", "competency__name")),
        )
        .filter(pk=job_profile_id)
        .first()
    )


def has_onet_competencies() -> bool:
    """Whether the O*NET example (or part of it) is in the framework: its attribution is then shown."""
    return Competency.objects.filter(code__startswith=ONET_PREFIX).exists()
