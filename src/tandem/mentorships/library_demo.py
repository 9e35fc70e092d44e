"""Demo data of the resource library (called from ``web/demo.py``'s ``APP_DEMOS``)."""

from __future__ import annotations

import random

from tandem.people.models import Person


def seed(rng: random.Random, users: dict[str, Person]) -> None:
    """the resource library: not built yet."""
