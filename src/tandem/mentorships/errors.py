"""Error codes of the mentorships app (Saleor's ``AccountErrorCode``): a client can tell one from another."""

from __future__ import annotations

from enum import StrEnum


class MentorshipErrorCode(StrEnum):
    ILLEGAL_TRANSITION = "illegal_transition"
    NOT_ALLOWED_TO_TRANSITION = "not_allowed_to_transition"
    REASON_REQUIRED = "reason_required"
    ALREADY_ANSWERED = "already_answered"
    MENTOR_FULL = "mentor_full"
    ALREADY_PAIRED = "already_paired"
    AGREEMENT_NOT_SIGNED = "agreement_not_signed"
    AGREEMENT_NOT_EDITABLE = "agreement_not_editable"
    AGREEMENT_UNCHANGED = "agreement_unchanged"
    ALREADY_SIGNED = "already_signed"
    NOT_A_SIGNER = "not_a_signer"
    NO_AGREEMENT = "no_agreement"
    NEEDS_NOT_SUBMITTED = "needs_not_submitted"
    PLAN_NOT_EDITABLE = "plan_not_editable"
    PLAN_EMPTY = "plan_empty"
    PLAN_UNCHANGED = "plan_unchanged"
    PLAN_NOT_IN_REVIEW = "plan_not_in_review"
    ALREADY_CONFIRMED = "already_confirmed"
    MILESTONE_AFTER_AGREEMENT_END = "milestone_after_agreement_end"
    NOT_ACTIVE = "mentorship_not_active"
    PROGRAM_NOT_RUNNING = "program_not_running"
    NOT_ENROLLED = "not_enrolled"


class LibraryErrorCode(StrEnum):
    """The coaching log's library: resources, transcripts, private notes (``library_services``)."""

    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_REFUSED = "file_type_refused"
    FILE_CONTENT_MISMATCH = "file_content_mismatch"
    LINK_NOT_HTTPS = "link_not_https"
    TRANSCRIPT_UNREADABLE = "transcript_unreadable"
    NOT_YOUR_RESOURCE = "not_your_resource"
    NOT_YOUR_NOTE = "not_your_note"
    SESSION_CANCELLED = "session_cancelled"


# -- recurring sessions (series_services; the calendars helper) --------------------------------


class SeriesErrorCode(StrEnum):
    SERIES_BEYOND_TERM = "series_beyond_agreement_term"
    NOTHING_TO_CANCEL = "series_nothing_to_cancel"
