from django.contrib import admin
from django.urls import include, path

from tandem.config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("tandem.accounts.urls")),
    path("", include("tandem.people.urls")),
    path("", include("tandem.programs.urls")),
    # before mentorships: its catch-all mentorships/<id>/<action>/ would take /mentorships/<id>/grai/
    path("", include("tandem.assessments.grai_urls")),
    path("", include("tandem.mentorships.urls")),
    path("programs/<int:program_id>/", include("tandem.matching.urls")),
    path("", include("tandem.audit.urls")),
    path("", include("tandem.notifications.urls")),
    path("", include("tandem.calendars.urls")),
    path("", include("tandem.coaching.urls")),
    path("", include("tandem.assessments.urls")),
    path("", include("tandem.assessments.survey_urls")),
    path("", include("tandem.insights.urls")),
    path("", include("tandem.assessments.review_urls")),
    path("", include("tandem.insights.retention_urls")),
    path("", include("tandem.insights.inputs_urls")),
    path("", include("tandem.insights.departments_urls")),
    path("", include("tandem.insights.reports_urls")),
    path("", include("tandem.people.framework_urls")),
    path("", include("tandem.web.urls")),
]

handler403 = "tandem.web.views.error_403"
handler404 = "tandem.web.views.error_404"
handler500 = "tandem.web.views.error_500"
