from django_tasks import task

from tandem.accounts.invitation_services import invitation_email_send


@task()
def send_invitation_email(invitation_id: int, sent_count: int) -> int:
    return invitation_email_send(invitation_id=invitation_id, sent_count=sent_count)
