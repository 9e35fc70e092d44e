from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentorshipsConfig(AppConfig):
    name = "tandem.mentorships"
    label = "mentorships"
    verbose_name = _("Mentorships")

    def ready(self) -> None:
        from tandem.core import events
        from tandem.mentorships import services

        # Closing a program completes its active pairs (and cancels those that never started).
        events.subscribe("program.closed", services.mentorships_complete_for_program)
