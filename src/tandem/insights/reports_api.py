"""API of this part of insights (mounted in ``config/api.py``)."""

from ninja import Router

router = Router(tags=["insights"])
