"""The check the tests of values kept per change (people.figures.kept) share."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction


def fresh(shown: Callable[[], Any]) -> Any:
    """``shown()`` computed afresh: nothing is kept inside a transaction."""
    with transaction.atomic():
        return shown()


def assert_follows_every_step(shown: Callable[[], Any], steps: Iterable[Callable[[], Any]], before: Any) -> None:
    """After each write, what is shown equals a fresh computation and differs from what was shown
    before it (each step changes what the reader sees)."""
    for step in steps:
        step()
        now = shown()
        assert now == fresh(shown)
        assert now != before, step
        before = now
