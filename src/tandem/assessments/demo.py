"""Demo data of assessments (called from ``web/demo.py``'s ``APP_DEMOS``)."""

from __future__ import annotations

import random

from tandem.people.models import Person


def seed(rng: random.Random, users: dict[str, Person]) -> None:
    """assessments: not built yet."""
