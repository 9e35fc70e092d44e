"""Pages of competency reviews (included from ``config/urls.py``)."""

from django.urls import path

from tandem.assessments import review_views as v

urlpatterns: list = [
    path("reviews/", v.reviews_mine, name="reviews_mine"),
    path("programs/<int:program_id>/reviews/", v.program_reviews, name="program_reviews"),
    path("programs/<int:program_id>/reviews/open/", v.campaign_open, name="review_campaign_open"),
    path("reviews/campaigns/<int:campaign_id>/", v.campaign_detail, name="review_campaign"),
    path("reviews/<int:review_id>/", v.review_detail, name="review_detail"),
    path("reviews/<int:review_id>/peers/", v.review_peer_add, name="review_peer_add"),
    path("reviews/assignments/<int:assignment_id>/", v.review_assignment, name="review_assignment"),
]
