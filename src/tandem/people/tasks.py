"""Background work for the people app. Tasks take IDs and call a service."""

from __future__ import annotations

from django_tasks import task

from tandem.people import import_services


@task()
def run_import(job_id: int, language: str | None = None) -> None:
    """Validate and write one uploaded spreadsheet (see import_services.import_job_run)."""
    import_services.import_job_run(job_id=job_id, language=language)
