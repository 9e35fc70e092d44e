"""API of this part of assessments (mounted in ``config/api.py``)."""

from ninja import Router

router = Router(tags=["assessments"])
