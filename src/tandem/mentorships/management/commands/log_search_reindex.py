"""Rebuild the coaching logs' search index from their rows.

The services keep the index in step as they write; this is for data written before the index
existed (an upgrade) or restored from elsewhere. ``--mentorship ID`` rebuilds one log."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from tandem.mentorships import search
from tandem.mentorships.models import Mentorship


class Command(BaseCommand):
    help = "Rebuild the coaching logs' search index (sessions, messages, items, resources, transcripts, notes)."

    def add_arguments(self, parser):
        parser.add_argument("--mentorship", type=int, help="Only this mentorship's log")

    def handle(self, *args, **options):
        qs = Mentorship.objects.order_by("pk")
        if options.get("mentorship"):
            qs = qs.filter(pk=options["mentorship"])
        total = 0
        for m in qs.iterator():
            with transaction.atomic():
                total += search.reindex_mentorship(m)
        self.stdout.write(f"{total} entries indexed")
