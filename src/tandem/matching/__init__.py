"""Matching: the pure engine (``tandem.matching.engine``) and the Django side that feeds it.

This module imports no Django. ``from tandem.matching import stable_match`` works in any Python
process with NumPy and SciPy; the engine is imported on first use, so loading the Django app does
not pay for NumPy until a flow needs it.
"""

from typing import Any

__all__ = [
    "Profiles",
    "Reason",
    "ScoreMatrix",
    "Weights",
    "blocking_pairs",
    "explain_applicant",
    "optimal_assignment",
    "score_matrix",
    "stable_match",
    "stable_match_reviewer_optimal",
    "top_k",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tandem.matching import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'tandem.matching' has no attribute {name!r}")
