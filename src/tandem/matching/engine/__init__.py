"""The matching engine: pure NumPy/SciPy functions, no Django.

- :func:`score_matrix` scores every mentee x mentor pair and keeps each criterion's share.
- :func:`top_k` picks the best k mentors per mentee.
- :func:`optimal_assignment` finds the exact maximum-cardinality, maximum-score assignment.
- :func:`stable_match` runs deferred acceptance for mutual-selection rounds;
  :func:`blocking_pairs` checks a matching for blocking pairs.

Names are loaded from their modules on first use (PEP 562), so importing one part does not
import the others.
"""

from importlib import import_module
from typing import Any

_WHERE = {
    "Profiles": "scoring",
    "ScoreMatrix": "scoring",
    "Weights": "scoring",
    "Reason": "scoring",
    "score_matrix": "scoring",
    "top_k": "topk",
    "optimal_assignment": "assignment",
    "stable_match": "stable",
    "stable_match_reviewer_optimal": "stable",
    "blocking_pairs": "stable",
    "explain_applicant": "stable",
}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"tandem.matching.engine.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'tandem.matching.engine' has no attribute {name!r}")


def __dir__() -> list[str]:
    return __all__
