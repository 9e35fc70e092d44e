"""Import pages (see people/import_views.py)."""

from django.urls import path

from tandem.people import import_views, mapping_views

urlpatterns = [
    path("imports/", import_views.import_list, name="import_list"),
    path("imports/template/<str:kind>.csv", import_views.import_template, name="import_template"),
    path("imports/template/<str:kind>.xlsx", import_views.import_template_xlsx, name="import_template_xlsx"),
    path("imports/mappings/", mapping_views.mapping_list, name="import_mappings"),
    path("imports/mappings/<int:mapping_id>/", mapping_views.mapping_detail, name="import_mapping"),
    path("imports/mappings/<int:mapping_id>/delete/", mapping_views.mapping_delete, name="import_mapping_delete"),
    path("imports/<int:job_id>/", import_views.import_detail, name="import_detail"),
    path("imports/<int:job_id>/status/", import_views.import_status, name="import_status"),
    path("imports/<int:job_id>/remap/", import_views.import_remap, name="import_remap"),
]
