"""A task for the audit tests (tasks must live at module level)."""

from django_tasks import task

from tandem.programs.models import Program


@task()
def close_program(program_id: int) -> None:
    program = Program.objects.get(pk=program_id)
    program.status = "closed"
    program.save(update_fields=["status", "updated_at"])
