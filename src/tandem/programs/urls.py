from django.urls import path

from tandem.programs import views

urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/templates/", views.template_list, name="program_templates"),
    path("programs/templates/<slug:code>/", views.template_use, name="program_template_use"),
    path("programs/<int:program_id>/", views.program_detail, name="program_detail"),
    path("programs/<int:program_id>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:program_id>/enrol/", views.program_enrol, name="program_enrol"),
    path("programs/<int:program_id>/enrol/eligible/", views.program_enrol_eligible, name="program_enrol_eligible"),
    path("programs/<int:program_id>/enrol/import/", views.program_enrol_import, name="program_enrol_import"),
    path("programs/<int:program_id>/eligibility/", views.program_eligibility, name="program_eligibility"),
    path("programs/<int:program_id>/status/", views.program_status, name="program_status"),
    path("programs/<int:program_id>/timeline/", views.program_timeline_edit, name="program_timeline"),
    path("programs/<int:program_id>/phases/new/", views.phase_new, name="phase_new"),
    path("programs/<int:program_id>/phases/<int:phase_id>/edit/", views.phase_edit, name="phase_edit"),
    path("programs/<int:program_id>/phases/<int:phase_id>/delete/", views.phase_delete, name="phase_delete"),
    path("programs/<int:program_id>/phases/<int:phase_id>/milestones/new/", views.milestone_new,
         name="milestone_new"),
    path("programs/<int:program_id>/milestones/<int:milestone_id>/edit/", views.milestone_edit,
         name="milestone_edit"),
    path("programs/<int:program_id>/milestones/<int:milestone_id>/delete/", views.milestone_delete,
         name="milestone_delete"),
    path("programs/<int:program_id>/milestones/<int:milestone_id>/done/", views.milestone_done,
         name="milestone_done"),
    path("programs/<int:program_id>/cadence/new/", views.duty_new, name="duty_new"),
    path("programs/<int:program_id>/cadence/<int:duty_id>/edit/", views.duty_edit, name="duty_edit"),
    path("programs/<int:program_id>/cadence/<int:duty_id>/delete/", views.duty_delete, name="duty_delete"),
]
