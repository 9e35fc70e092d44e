"""The matching engine: pure NumPy/SciPy functions, no Django.

- :func:`score_matrix` scores every mentee x mentor pair and keeps each criterion's share.
- :func:`top_k` picks the best k mentors per mentee.
- :func:`optimal_assignment` finds the exact maximum-cardinality, maximum-score assignment.
- :func:`stable_match` runs deferred acceptance for mutual-selection rounds.
"""

from tandem.matching.engine.assignment import optimal_assignment
from tandem.matching.engine.scoring import Profiles, ScoreMatrix, Weights, score_matrix
from tandem.matching.engine.stable import blocking_pairs, stable_match
from tandem.matching.engine.topk import top_k

__all__ = [
    "Profiles",
    "ScoreMatrix",
    "Weights",
    "blocking_pairs",
    "optimal_assignment",
    "score_matrix",
    "stable_match",
    "top_k",
]
