"""Pages of the three matching flows, under /programs/<id>/."""

from django.urls import include, path

urlpatterns = [
    path("", include("tandem.matching.views.urls_choose")),
    path("", include("tandem.matching.views.urls_bulk")),
    path("", include("tandem.matching.views.urls_rounds")),
]
