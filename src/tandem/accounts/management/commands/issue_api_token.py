from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tandem.accounts.models import TokenScope
from tandem.accounts.services import api_token_create
from tandem.core.errors import ApplicationError, error_messages


class Command(BaseCommand):
    help = "Create a personal API token for USERNAME and print it (the last line is the token)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="what the token is for")
        parser.add_argument("--read-only", action="store_true", help="the token may only read (GET)")
        parser.add_argument("--expires-in-days", type=int, default=None, metavar="DAYS",
                            help="the token stops working after DAYS days (default: until revoked)")

    def handle(self, *args, username: str, name: str, read_only: bool, expires_in_days: int | None, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        if expires_in_days is not None and not 1 <= expires_in_days <= 5 * 365:
            raise CommandError("--expires-in-days must be between 1 and 1825.")
        expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        scope = TokenScope.READ if read_only else TokenScope.READ_WRITE
        try:
            token, raw = api_token_create(user=user, name=name, scope=scope, expires_at=expires_at)
        except ApplicationError as exc:
            raise CommandError(" ".join(error_messages(exc))) from exc
        details = [str(token.get_scope_display()).lower()]
        details.append(f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "no expiry")
        self.stdout.write(f"Token for {username} ({name}; {', '.join(details)}); "
                          "send it as 'Authorization: Bearer <token>':")
        self.stdout.write(raw)
