"""Reads for the duties checklist and the program's compliance view (the evaluator is
:mod:`tandem.mentorships.duties`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tandem.mentorships.models import Mentorship, MentorshipStatus

_RELATED = ("program", "mentor", "mentee", "mentee__department", "mentor__department")


def active_pairs(*, program: Any, q: str = "") -> QuerySet[Mentorship]:
    """A program's ACTIVE pairs with both people loaded; ``q`` keeps pairs where either name (or
    employee ID) contains it."""
    qs = Mentorship.objects.filter(program=program, status=MentorshipStatus.ACTIVE).select_related(*_RELATED)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(mentor__full_name__icontains=q) | Q(mentee__full_name__icontains=q)
                       | Q(mentor__employee_id__iexact=q) | Q(mentee__employee_id__iexact=q))
    return qs.order_by("mentee__full_name", "id")


def active_pair_ids() -> QuerySet[Any]:
    """Every ACTIVE mentorship's ID, in order (for background work that goes through them in batches)."""
    return Mentorship.objects.filter(status=MentorshipStatus.ACTIVE).order_by("id").values_list("id", flat=True)


def pairs_by_ids(ids: list[int]) -> QuerySet[Mentorship]:
    return Mentorship.objects.filter(pk__in=ids).select_related(*_RELATED).order_by("id")
