"""Reads of the matching side that other apps need (notifications take IDs and read through here)."""

from __future__ import annotations

from tandem.matching.models import Placement, RoundStatus, SelectionRound


def published_round(round_id: int) -> SelectionRound | None:
    return SelectionRound.objects.select_related("program").filter(pk=round_id, status=RoundStatus.PUBLISHED).first()


def round_placements(selection_round: SelectionRound) -> list[Placement]:
    return list(Placement.objects.filter(round=selection_round).select_related("applicant", "department__head"))
