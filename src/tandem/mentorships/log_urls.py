"""Pages of a mentorship's coaching log (included from ``mentorships/urls.py``)."""

from django.urls import path

from tandem.mentorships import log_views as v

L = "mentorships/<int:mentorship_id>/log/"

urlpatterns: list = [
    path(L, v.log, name="mentorship_log"),
    path(L + "sessions/", v.session_add, name="mentorship_log_session_add"),
    path(L + "sessions/<int:session_id>/", v.session_page, name="mentorship_log_session"),
    path(L + "sessions/<int:session_id>/edit/", v.session_edit, name="mentorship_log_session_edit"),
    path(L + "sessions/<int:session_id>/feedback/", v.feedback_add, name="mentorship_log_feedback"),
    path(L + "messages/", v.message_add, name="mentorship_log_message"),
    path(L + "items/", v.item_add, name="mentorship_log_item_add"),
    path(L + "items/<int:item_id>/", v.item_edit, name="mentorship_log_item"),
]
