"""Load the optional O*NET example framework (35 skills, levels 2–4 described; see people/onet.py)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tandem.people.onet import ATTRIBUTION, onet_framework_load


class Command(BaseCommand):
    help = "Add O*NET's skills with their level descriptors to the competency framework (idempotent)."

    def handle(self, *args, **options) -> None:
        result = onet_framework_load()
        self.stdout.write(
            f"O*NET example framework: {result.groups_created} groups and {result.competencies_created} "
            f"competencies added; {result.groups_kept} groups and {result.competencies_kept} competencies "
            "were already there and were left as they are."
        )
        self.stdout.write(ATTRIBUTION)
