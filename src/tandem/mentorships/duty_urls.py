"""Pages of a mentorship's duties (included from ``mentorships/urls.py``)."""

from django.urls import path

from tandem.mentorships import duty_views as v

urlpatterns: list = [
    path("mentorships/<int:mentorship_id>/duties/", v.checklist, name="mentorship_duties"),
    path("programs/<int:program_id>/duties/", v.compliance, name="program_duties"),
    path("programs/<int:program_id>/duties/export.csv", v.compliance_export, {"fmt": "csv"},
         name="program_duties_csv"),
    path("programs/<int:program_id>/duties/export.xlsx", v.compliance_export, {"fmt": "xlsx"},
         name="program_duties_xlsx"),
]
