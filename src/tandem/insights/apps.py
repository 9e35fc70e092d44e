from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "tandem.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        from tandem.insights import importing

        importing.register()  # the "outcomes" kind of the people import
