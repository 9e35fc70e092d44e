"""Error codes of competency reviews: a client can tell "already submitted" from "window closed"."""

from __future__ import annotations

from enum import StrEnum


class ReviewErrorCode(StrEnum):
    NOT_YOUR_ASSIGNMENT = "review_not_your_assignment"
    RATER_NOT_RELATED = "review_rater_not_related"
    ALREADY_SUBMITTED = "review_already_submitted"
    NOT_OPEN_YET = "review_not_open_yet"
    CLOSED = "review_closed"
    NO_SUBJECTS = "review_no_subjects"
    BASELINE_EXISTS = "review_baseline_exists"
    CAMPAIGN_EXISTS = "review_campaign_exists"
    ALREADY_RATER = "review_already_rater"
    PEER_IS_SUBJECT = "review_peer_is_subject"
