from django.urls import path

from tandem.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.directory, name="directory"),
    path("people/<str:employee_id>/", views.profile, name="profile"),
    path("people/<str:employee_id>/edit/", views.profile_edit, name="profile_edit"),
    path("people/<str:employee_id>/ratings/", views.rating_add, name="rating_add"),
    path("people/<str:employee_id>/self-assessment/", views.self_assessment_add, name="self_assessment_add"),
    path("departments/", views.departments, name="departments"),
    path("competencies/", views.competencies, name="competencies"),
]
