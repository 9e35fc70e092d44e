"""Import pages (see people/import_views.py)."""

from django.urls import path

from tandem.people import import_views

urlpatterns = [
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/template/<str:kind>.csv", import_views.import_template, name="import_template"),
    path("imports/<int:job_id>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/status/", import_views.import_status, name="import_status"),
]
