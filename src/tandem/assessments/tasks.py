"""Background work of the assessments app. Tasks take IDs and call a service."""

from __future__ import annotations

from django_tasks import task

from tandem.assessments import teachback_services


@task()
def finalise_teach_back(teach_back_id: int) -> None:
    """When a slot's scoring window closes: its result becomes final (rating, flag, event)."""
    teachback_services.teachback_finalise(teach_back_id=teach_back_id)
