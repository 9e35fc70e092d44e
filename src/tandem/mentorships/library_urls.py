"""Pages of a mentorship's library (included from ``mentorships/urls.py``): resources, transcripts,
search, private notes."""

from django.urls import path

from tandem.mentorships import library_views as v

M = "mentorships/<int:mentorship_id>/"

urlpatterns: list = [
    path(M + "library/", v.library, name="mentorship_library"),
    path(M + "library/share/", v.resource_share, name="mentorship_library_share"),
    path(M + "library/<int:resource_id>/file/", v.resource_file, name="mentorship_library_file"),
    path(M + "library/<int:resource_id>/remove/", v.resource_remove, name="mentorship_library_remove"),
    path(M + "log/sessions/<int:session_id>/transcript/", v.transcript_upload, name="mentorship_log_transcript"),
    path(M + "log/search/", v.log_search, name="mentorship_log_search"),
    path(M + "notes/", v.notes, name="mentorship_notes"),
    path(M + "notes/<int:note_id>/", v.note_edit, name="mentorship_note"),
]
