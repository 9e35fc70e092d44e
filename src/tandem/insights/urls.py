from django.urls import path, re_path

from tandem.insights import views

urlpatterns = [
    path("insights/compare/", views.compare, name="insights_compare"),
    re_path(r"^insights/compare/export\.(?P<fmt>csv|xlsx)$", views.compare_export, name="insights_compare_export"),
    path("programs/<int:program_id>/roi/", views.program_roi, name="program_roi"),
    re_path(r"^programs/(?P<program_id>[0-9]{1,10})/roi/export\.(?P<fmt>csv|xlsx)$", views.program_roi_export,
            name="program_roi_export"),
]
