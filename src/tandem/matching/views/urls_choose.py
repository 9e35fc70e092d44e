from django.urls import path

from tandem.matching.views import choose

urlpatterns = [
    path("recommendations/", choose.recommendations, name="recommendations"),
    path("request/", choose.request_mentor, name="request_mentor"),
    path("requests/", choose.mentor_requests, name="mentor_requests"),
    path("pairs/", choose.pairs, name="program_pairs"),
    path(
        "mentorships/<int:mentorship_id>/<str:action>/",
        choose.mentorship_action,
        name="mentorship_action",
    ),
]
