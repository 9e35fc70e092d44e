from django.urls import include, path

from tandem.mentorships import views

urlpatterns = [
    path("mentorships/", views.mentorship_list, name="mentorship_list"),
    path("mentorships/<int:mentorship_id>/", views.mentorship_detail, name="mentorship_detail"),
    path("mentorships/<int:mentorship_id>/agreement/", views.agreement, name="mentorship_agreement"),
    path("mentorships/<int:mentorship_id>/agreement/sign/", views.agreement_sign, name="mentorship_agreement_sign"),
    path("mentorships/<int:mentorship_id>/agreement/print/", views.agreement_print, name="mentorship_agreement_print"),
    path("mentorships/<int:mentorship_id>/agreement/versions/<int:version>/", views.agreement_version,
         name="mentorship_agreement_version"),
    path("", include("tandem.mentorships.plan_urls")),  # the plan: needs, goals, milestones, comments
    path("", include("tandem.mentorships.log_urls")),  # the coaching log: sessions, messages, action items
    path("", include("tandem.mentorships.library_urls")),  # resources, transcripts, private notes, search
    path("", include("tandem.mentorships.duty_urls")),  # the duties checklist and compliance
    path("mentorships/<int:mentorship_id>/rematch/", views.mentorship_rematch, name="mentorship_rematch"),
    path("mentorships/<int:mentorship_id>/<str:action>/", views.mentorship_action, name="mentorship_action"),
    path("programs/<int:program_id>/pairs/", views.program_pairs, name="program_pairs"),
    path("programs/<int:program_id>/pairs/export.csv", views.program_pairs_export, {"fmt": "csv"},
         name="program_pairs_csv"),
    path("programs/<int:program_id>/pairs/export.xlsx", views.program_pairs_export, {"fmt": "xlsx"},
         name="program_pairs_xlsx"),
]
