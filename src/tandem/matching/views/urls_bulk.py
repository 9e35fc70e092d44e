from django.urls import path

from tandem.matching.views import bulk

urlpatterns = [
    path("bulk/", bulk.bulk_match, name="bulk_match"),
    path("bulk/preview/", bulk.bulk_run_preview, name="bulk_preview"),
    path("bulk/runs/<int:run_id>/status/", bulk.bulk_run_status, name="bulk_run_status"),
    path("bulk/runs/<int:run_id>/commit/", bulk.bulk_run_commit, name="bulk_commit"),
    path("bulk/runs/<int:run_id>/discard/", bulk.bulk_run_discard, name="bulk_discard"),
    path("bulk/people/", bulk.bulk_people_search, name="bulk_people_search"),
    path("bulk/constraints/", bulk.bulk_constraint_add, name="bulk_constraint_add"),
    path("bulk/constraints/<int:constraint_id>/remove/", bulk.bulk_constraint_remove, name="bulk_constraint_remove"),
]
