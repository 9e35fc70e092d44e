"""Matching: the pure engine (``tandem.matching.engine``) and the Django side that feeds it.

This module imports no Django, so ``from tandem.matching import stable_match`` works in any
Python process with NumPy and SciPy.
"""

from tandem.matching.engine import (
    ScoreMatrix,
    blocking_pairs,
    optimal_assignment,
    score_matrix,
    stable_match,
    top_k,
)

__all__ = [
    "ScoreMatrix",
    "blocking_pairs",
    "optimal_assignment",
    "score_matrix",
    "stable_match",
    "top_k",
]
