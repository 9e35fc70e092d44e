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


def compliance_program_for(actor: Any, program_id: int) -> Any:
    """The program whose compliance view ``actor`` asks for: not found when they may not even see
    the program, forbidden when they see it but do not manage it (another manager's program)."""
    from tandem.core import authz
    from tandem.core.errors import NotFound
    from tandem.programs.selectors import program_get

    program = program_get(program_id=program_id)
    if program is None or not authz.can_view_program(actor, program):
        raise NotFound()
    authz.require(authz.can_view_compliance(actor, program))
    return program


def compliance(*, program: Any, today: Any = None, state: str = "", q: str = "") -> tuple[list[Any], dict[str, int]]:
    """The compliance rows of ``program`` (overdue first), kept to ``state`` when given and to the
    pairs whose names contain ``q``; with the count of rows in each state before the state filter."""
    from tandem.mentorships import duties

    rows = duties.program_compliance(program, today=today, mentorships=list(active_pairs(program=program, q=q)))
    counts = {s: 0 for s in duties.STATES}
    for r in rows:
        counts[r.state.state] += 1
    if state:
        rows = [r for r in rows if r.state.state == state]
    return rows, counts
