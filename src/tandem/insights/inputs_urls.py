"""Pages of inputs versus outputs (included from ``config/urls.py``)."""

from django.urls import path, re_path

from tandem.insights import inputs_views as views

urlpatterns = [
    path("insights/inputs-outputs/", views.inputs_outputs, name="insights_inputs_outputs"),
    re_path(r"^insights/inputs-outputs/export\.(?P<fmt>csv|xlsx)$", views.inputs_outputs_export,
            name="insights_inputs_outputs_export"),
]
