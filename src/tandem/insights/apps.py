from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "tandem.insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self) -> None:
        import datetime

        from tandem.insights import importing
        from tandem.notifications.scheduler import Job, register

        importing.register()  # the "outcomes" kind of the people import
        # a program's manager hears once when a stage has ended and its department support report is ready
        register(Job("department_reports_ready", "tandem.insights.departments_jobs.stage_reports_ready",
                     daily_at=datetime.time(7, 0)))
