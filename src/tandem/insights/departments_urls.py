"""Department support pages (included from ``config/urls.py``)."""

from django.urls import path, re_path

from tandem.insights import departments_views as views

urlpatterns = [
    path("programs/<int:program_id>/department-support/", views.program_support, name="program_department_support"),
    re_path(r"^programs/(?P<program_id>[0-9]{1,10})/department-support/export\.(?P<fmt>csv|xlsx)$",
            views.program_support_export, name="program_department_support_export"),
    path("departments/<str:code>/support/", views.department_support, name="department_support"),
    re_path(r"^departments/(?P<code>[^/]+)/support/export\.(?P<fmt>csv|xlsx)$", views.department_support_export,
            name="department_support_export"),
]
