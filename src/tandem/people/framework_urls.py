"""Competency framework pages (included from ``config/urls.py``; see people/framework_views.py)."""

from django.urls import path

from tandem.people import framework_views as views

urlpatterns = [
    path("framework/", views.framework_home, name="framework"),
    path("framework/competencies/new/", views.competency_new, name="framework_competency_new"),
    path("framework/competencies/<int:competency_id>/", views.competency_detail, name="framework_competency"),
    path("framework/competencies/<int:competency_id>/edit/", views.competency_edit, name="framework_competency_edit"),
    path("framework/competencies/<int:competency_id>/delete/", views.competency_delete,
         name="framework_competency_delete"),
    path("framework/groups/new/", views.group_new, name="framework_group_new"),
    path("framework/groups/<int:group_id>/edit/", views.group_edit, name="framework_group_edit"),
    path("framework/groups/<int:group_id>/delete/", views.group_delete, name="framework_group_delete"),
    path("framework/job-profiles/", views.job_profile_list, name="framework_job_profiles"),
    path("framework/job-profiles/new/", views.job_profile_new, name="framework_job_profile_new"),
    path("framework/job-profiles/<int:job_profile_id>/", views.job_profile_detail, name="framework_job_profile"),
    path("framework/job-profiles/<int:job_profile_id>/edit/", views.job_profile_edit,
         name="framework_job_profile_edit"),
    path("framework/job-profiles/<int:job_profile_id>/targets/", views.job_profile_targets,
         name="framework_job_profile_targets"),
    path("framework/example/onet/", views.onet_load, name="framework_onet_load"),
]
