"""Background work of the matching flows."""

from django.utils import timezone
from django_tasks import task

from tandem.matching.models import RoundStatus, SelectionRound


@task()
def publish_round_at_deadline(round_id: int) -> str:
    """Queued for the round's deadline when it opens: closes and publishes it if nobody has yet.
    A round whose deadline moved later, or that was already published, is left alone."""
    from tandem.matching.flows.rounds import round_close_and_publish

    selection_round = SelectionRound.objects.filter(pk=round_id).first()
    if selection_round is None or selection_round.status != RoundStatus.OPEN:
        return "nothing to do"
    if timezone.now() < selection_round.deadline:
        return "deadline not reached"
    round_close_and_publish(round=selection_round)
    return "published"
