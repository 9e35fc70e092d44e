from django.urls import path

from tandem.matching.views import choose

urlpatterns = [
    path("recommendations/", choose.recommendations, name="recommendations"),
    path("request/", choose.request_mentor, name="request_mentor"),
    path("requests/", choose.mentor_requests, name="mentor_requests"),
]
