from django.urls import path

from tandem.programs import views

urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", views.program_create, name="program_create"),
    path("programs/<int:program_id>/", views.program_detail, name="program_detail"),
    path("programs/<int:program_id>/edit/", views.program_edit, name="program_edit"),
    path("programs/<int:program_id>/enrol/", views.program_enrol, name="program_enrol"),
    path("programs/<int:program_id>/status/", views.program_status, name="program_status"),
]
