from django.urls import path, re_path

from tandem.audit import views

urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.csv", views.audit_export, {"fmt": "csv"}, name="audit_export_csv"),
    path("audit/export.xlsx", views.audit_export, {"fmt": "xlsx"}, name="audit_export_xlsx"),
    re_path(r"^people/(?P<employee_id>[^/]+)/data-export/?$", views.person_data, name="audit_person_data"),
    re_path(r"^people/(?P<employee_id>[^/]+)/anonymise/?$", views.person_anonymise, name="audit_person_anonymise"),
]
