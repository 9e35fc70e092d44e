from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from tandem.accounts.services import api_token_create


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (the last line is the token)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        _token, raw = api_token_create(user=user, name=name)
        self.stdout.write(f"Token for {username} ({name}); send it as 'Authorization: Bearer <token>':")
        self.stdout.write(raw)
