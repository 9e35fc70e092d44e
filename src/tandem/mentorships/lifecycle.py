"""The one transition table of a mentorship.

::

    requested ──accept──▶ intro ──both confirm──▶ agreement ──fully signed──▶ active ──▶ completed
        │                  │                        │                           └──▶ ended_early
        ├──decline──▶ declined                      │
        └──withdraw / cancel──▶ cancelled ◀─────────┘   (intro → active when the program needs no agreement)

Each edge says who may take it. ``pair`` is either side; ``program_team`` is the program's
manager or HR; ``hr_decision`` is HR moving a pair on, on the record (a reason is required);
``system`` edges are taken by services only (both confirmed, agreement fully signed, program
closed), never asked for directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from tandem.mentorships.models import MentorshipStatus as S


@dataclass(frozen=True)
class Edge:
    who: frozenset[str]
    reason_required: bool = False


def _e(*who: str, reason: bool = False) -> Edge:
    return Edge(frozenset(who), reason)


TRANSITIONS: dict[tuple[str, str], Edge] = {
    (S.REQUESTED, S.INTRO): _e("mentor"),
    (S.REQUESTED, S.DECLINED): _e("mentor"),
    (S.REQUESTED, S.CANCELLED): _e("mentor", "mentee", "program_team"),
    (S.INTRO, S.AGREEMENT): _e("system", "hr_decision", reason=True),
    (S.INTRO, S.ACTIVE): _e("system", "hr_decision", reason=True),
    (S.INTRO, S.CANCELLED): _e("mentor", "mentee", "program_team"),
    (S.AGREEMENT, S.ACTIVE): _e("system", "hr_decision", reason=True),
    (S.AGREEMENT, S.CANCELLED): _e("mentor", "mentee", "program_team"),
    (S.ACTIVE, S.COMPLETED): _e("mentor", "mentee", "program_team", "system"),
    (S.ACTIVE, S.ENDED_EARLY): _e("mentor", "mentee", "program_team", reason=True),
}


def edge(from_status: str, to_status: str) -> Edge | None:
    return TRANSITIONS.get((from_status, to_status))


def next_statuses(from_status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == from_status]
