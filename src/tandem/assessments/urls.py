"""Pages of assessments (included from ``config/urls.py``)."""

from django.urls import path

from tandem.assessments import views as v

urlpatterns: list = [
    path("assessments/", v.mine, name="assessments_mine"),
    path("assessments/gaps/<int:gap_id>/", v.gap_status, name="knowledge_gap_status"),
    path("programs/<int:program_id>/teach-backs/", v.program_teach_backs, name="program_teach_backs"),
    path("programs/<int:program_id>/teach-backs/new/", v.teach_back_schedule, name="teach_back_schedule"),
    path("programs/<int:program_id>/teach-backs/settings/", v.teach_back_settings, name="teach_back_settings"),
    path("programs/<int:program_id>/teach-backs/rubric/", v.rubric_edit, name="teach_back_rubric"),
    path("teach-backs/<int:teach_back_id>/", v.teach_back, name="teach_back"),
    path("teach-backs/<int:teach_back_id>/score/", v.teach_back_score, name="teach_back_score"),
    path("teach-backs/<int:teach_back_id>/questions/", v.teach_back_question, name="teach_back_question"),
    path("teach-backs/<int:teach_back_id>/cancel/", v.teach_back_cancel, name="teach_back_cancel"),
    path("teach-backs/<int:teach_back_id>/result/", v.teach_back_result, name="teach_back_result"),
    path("programs/<int:program_id>/surveys/", v.program_surveys, name="program_surveys"),
    path("programs/<int:program_id>/surveys/send/", v.survey_send, name="survey_send"),
    path("mentorships/<int:mentorship_id>/surveys/send/", v.mentorship_survey_send, name="mentorship_survey_send"),
    path("surveys/<int:survey_id>/", v.survey_answer, name="survey_answer"),
    path("surveys/<int:survey_id>/close/", v.survey_close, name="survey_close"),
    path("surveys/<int:survey_id>/results/", v.survey_results, name="survey_results"),
    path("surveys/<int:survey_id>/results.csv", v.survey_results_csv, name="survey_results_csv"),
]
