"""Retention API (mounted in ``config/api.py``)."""

from ninja import Router

router = Router(tags=["insights"])
