from django_tasks import task

from tandem.notifications.services import (
    digests_send,
    notification_email_send,
    round_results_email_send,
)


@task()
def send_notification_email(notification_id: int) -> int:
    return notification_email_send(notification_id=notification_id)


@task()
def send_digests() -> int:
    """The daily digest; the periodic scheduler (or cron through ``manage.py send_digests``) runs it."""
    return digests_send()


@task()
def send_round_results(round_id: int) -> int:
    return round_results_email_send(round_id=round_id)


@task()
def run_scheduled_job(name: str) -> object:
    """One run of a periodic job, enqueued by the scheduler's tick (``scheduler.py``)."""
    from tandem.notifications.scheduler import scheduled_job_run

    return scheduled_job_run(name=name)
