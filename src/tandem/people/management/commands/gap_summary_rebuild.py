"""Rebuild the dashboards' gap summary (people.models.GapSummary) from the current levels, the
people and their job profiles' targets: after loading data past the services (SQL, COPY)."""

from django.core.management.base import BaseCommand

from tandem.people.services import gap_summary_rebuild


class Command(BaseCommand):
    help = "Rebuild the largest-gaps summary of the HR and department-head dashboards from scratch."

    def handle(self, *args, **options):
        cells = gap_summary_rebuild()
        self.stdout.write(f"{cells} department x competency cells")
