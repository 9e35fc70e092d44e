"""Pages of survey schedules, survey templates and the results export (included from ``config/urls.py``)."""

from django.urls import path

from tandem.assessments import survey_views as v

urlpatterns: list = [
    path("programs/<int:program_id>/surveys/schedules/", v.schedule_add, name="survey_schedule_add"),
    path("survey-schedules/<int:schedule_id>/remove/", v.schedule_remove, name="survey_schedule_remove"),
    path("survey-schedules/<int:schedule_id>/results/", v.schedule_results, name="survey_schedule_results"),
    path("survey-templates/", v.templates_list, name="survey_templates"),
    path("survey-templates/new/", v.template_new, name="survey_template_new"),
    path("survey-templates/<int:template_id>/", v.template_detail, name="survey_template"),
    path("surveys/<int:survey_id>/export.<str:fmt>", v.results_export, name="survey_results_export"),
]
