"""Pages of this part of insights (included from ``config/urls.py``): the program report as a PDF."""

from django.urls import path

from tandem.insights import reports_views

urlpatterns: list = [
    path("programs/<int:program_id>/insights/report.pdf", reports_views.program_report_pdf,
         name="program_report_pdf"),
]
