"""Background work of the matching flows. Tasks take IDs and call a service."""

from django.utils import timezone
from django_tasks import task

from tandem.matching.models import RoundStatus, SelectionRound


@task()
def compute_bulk_preview(run_id: int) -> None:
    """Compute a requested bulk-match preview (queued by ``bulk_preview_request``)."""
    from tandem.matching.flows.bulk import bulk_preview_run

    bulk_preview_run(run_id=run_id)


@task()
def publish_round(publication_id: int) -> None:
    """Close and publish a round (queued by ``round_publish_request``)."""
    from tandem.matching.flows.rounds import round_publication_run

    round_publication_run(publication_id=publication_id)


@task()
def publish_round_at_deadline(round_id: int) -> str:
    """Queued for the round's deadline when it opens: closes and publishes it if nobody has yet.
    A round whose deadline moved later, or that was already published (or is being published),
    is left alone."""
    from tandem.matching.flows.rounds import round_close_and_publish

    selection_round = SelectionRound.objects.filter(pk=round_id).first()
    if selection_round is None or selection_round.status != RoundStatus.OPEN:
        return "nothing to do"
    if timezone.now() < selection_round.deadline:
        return "deadline not reached"
    round_close_and_publish(round=selection_round)
    return "published"
