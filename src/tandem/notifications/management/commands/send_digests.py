from django.core.management.base import BaseCommand

from tandem.notifications.services import digests_send


class Command(BaseCommand):
    help = ("Send each person on the daily digest one e-mail with their notifications not yet e-mailed. "
            "Safe to run repeatedly: a notification is marked sent in the transaction that sends it.")

    def handle(self, *args, **options):
        sent = digests_send()
        self.stdout.write(f"{sent} digest(s) sent")
