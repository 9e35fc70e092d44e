"""Error codes of the programs app (Saleor's ``AccountErrorCode``): a client can tell one from another."""

from __future__ import annotations

from enum import StrEnum


class ProgramErrorCode(StrEnum):
    ALREADY_WITHDRAWN = "already_withdrawn"
    PROGRAM_CLOSED = "program_closed"
    HAS_PAIRS = "has_pairs"
