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

        # competency reviews: the daily job opening campaigns from milestones, and their notifications
        import datetime

        from tandem.assessments import review_services
        from tandem.core import events
        from tandem.notifications.scheduler import Job, register

        register(Job("review_campaigns_due", "tandem.assessments.review_services.review_campaigns_due_job",
                     daily_at=datetime.time(6, 0)))
        events.subscribe("review.opened", review_services.review_opened_notify)
        events.subscribe("mentorship.started", review_services.review_mentor_join)

        # surveys: the daily job sending scheduled surveys (milestones, after sessions), the
        # after-session check on each held session, and the recipients told when one is sent
        from tandem.assessments import survey_services

        register(Job("surveys_due", "tandem.assessments.survey_services.surveys_due_job",
                     daily_at=datetime.time(6, 15)))
        events.subscribe("session.held", survey_services.survey_after_session)
        events.subscribe("survey.sent", survey_services.survey_sent_notify)
