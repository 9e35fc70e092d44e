"""Pages of GRAI reviews (included from ``config/urls.py``)."""

from django.urls import path

from tandem.assessments import grai_views as v

urlpatterns: list = [
    path("mentorships/<int:mentorship_id>/grai/", v.pair, name="mentorship_grai"),
    path("mentorships/<int:mentorship_id>/grai/add", v.review_add, name="mentorship_grai_add"),
    path("mentorships/<int:mentorship_id>/grai/<int:review_id>/edit", v.review_edit, name="mentorship_grai_edit"),
    path("mentorships/<int:mentorship_id>/grai/<int:review_id>/comment", v.comment_add,
         name="mentorship_grai_comment"),
    path("programs/<int:program_id>/grai/", v.program, name="program_grai"),
]
