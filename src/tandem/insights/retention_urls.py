"""Retention pages (included from ``config/urls.py``)."""

from django.urls import path, re_path

from tandem.insights import retention_views as views

urlpatterns = [
    path("programs/<int:program_id>/retention/", views.program_retention, name="program_retention"),
    re_path(r"^programs/(?P<program_id>[0-9]{1,10})/retention/export\.(?P<fmt>csv|xlsx)$", views.program_retention_export,
            name="program_retention_export"),
    path("programs/<int:program_id>/at-risk/", views.program_at_risk, name="program_at_risk"),
]
