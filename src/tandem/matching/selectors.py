"""Reads of the matching side that other apps need (notifications take IDs and read through here),
and the reads of people and departments that the matching pages and API make (handlers do not query
models themselves)."""

from __future__ import annotations

from collections.abc import Iterable

from tandem.matching.models import MatchConstraint, Placement, RoundStatus, SelectionRound
from tandem.people.models import Department, Person


def published_round(round_id: int) -> SelectionRound | None:
    return SelectionRound.objects.select_related("program").filter(pk=round_id, status=RoundStatus.PUBLISHED).first()


def round_placements(selection_round: SelectionRound) -> list[Placement]:
    return list(Placement.objects.filter(round=selection_round).select_related("applicant", "department__head"))


def people_by_employee_id(employee_ids: Iterable[str]) -> dict[str, Person]:
    """The people with these employee IDs (any of them, active or not), by employee ID: a ranking
    names graduates by employee ID, and the flow checks that each takes part in the round."""
    return {p.employee_id: p for p in Person.objects.filter(employee_id__in=list(employee_ids)).order_by()}


def person_by_employee_id(employee_id: str) -> Person | None:
    return Person.objects.filter(employee_id=employee_id).first()


def person_by_id(pk: int) -> Person | None:
    return Person.objects.filter(pk=pk).first()


def departments_by_path() -> list[Department]:
    """Every department, in tree order (the places a round offers are chosen from them)."""
    return list(Department.objects.order_by("path"))


def constraint_in(*, program, constraint_id: int) -> MatchConstraint | None:
    """One pin or exclusion of this program with both people (someone else's ID: None)."""
    return MatchConstraint.objects.filter(program=program, pk=constraint_id).select_related("mentee", "mentor").first()
