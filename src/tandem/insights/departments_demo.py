"""Demo data of this part of insights (run by ``web/demo.py``'s APP_DEMOS)."""

from typing import Any


def seed(rng: Any, users: dict[str, Any]) -> None:
    return None
