from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "tandem.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from tandem.matching import notify

        notify.subscribe()
