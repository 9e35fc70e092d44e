"""The duties API of a mentorship (mounted in ``config/api.py``)."""

from ninja import Router

router = Router(tags=["duties"])
