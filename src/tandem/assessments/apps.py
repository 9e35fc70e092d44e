from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "tandem.assessments"
    label = "assessments"
    verbose_name = _("Assessments")

    def ready(self) -> None:
        # GRAI reviews meet the cadence policy's "grai_review" duties (the checklist's evaluator)
        from tandem.assessments.grai_selectors import evaluate_grai_review
        from tandem.mentorships import duties

        duties.register_requirement("grai_review", evaluate_grai_review)
