from django_tasks import task

from tandem.notifications.services import mentorship_email_send, round_results_email_send


@task()
def send_mentorship_email(mentorship_id: int, event: str) -> int:
    return mentorship_email_send(mentorship_id=mentorship_id, event=event)


@task()
def send_round_results(round_id: int) -> int:
    return round_results_email_send(round_id=round_id)
