from django.core.management.base import BaseCommand, CommandError

from tandem.matching.adapter import warm_engine
from tandem.people.models import Person
from tandem.web.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the demo organisation (only into an empty database) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=320, help="number of people (at least 100)")

    def handle(self, *args, size: int, **options):
        if size < 100:
            raise CommandError("--size must be at least 100")
        if Person.objects.exists():
            self.stdout.write("Demo data already present; nothing loaded.")
        else:
            seed_demo(size=size)
            self.stdout.write(self.style.SUCCESS(f"Loaded {Person.objects.count()} people."))
        self.stdout.write("Preparing the matching engine (compiled once per machine)...")
        warm_engine()
        self.stdout.write("Demo logins (password: %s):" % DEMO_PASSWORD)
        for username, role in [("hr", "HR admin"), ("manager", "program manager"), ("head", "department head"),
                               ("mentor", "mentor"), ("mentee", "mentee"),
                               ("graduate", "graduate in the cohort's selection round"),
                               ("newcomer", "mentee with no mentor yet: try choosing one")]:
            self.stdout.write(f"  {username:8} {role}")
