"""Error codes of the assessments app: a client can tell "already scored" from "window closed"."""

from __future__ import annotations

from enum import StrEnum


class AssessmentErrorCode(StrEnum):
    # teach-back
    NOT_IN_AUDIENCE = "not_in_audience"
    SELF_SCORING = "self_scoring"
    ALREADY_SCORED = "already_scored"
    SCORING_NOT_OPEN = "scoring_not_open"
    SCORING_CLOSED = "scoring_closed"
    TEACH_BACK_CANCELLED = "teach_back_cancelled"
    ATTEMPTS_EXHAUSTED = "attempts_exhausted"
    ALREADY_PASSED = "already_passed"
    TRAINEE_NOT_ENROLLED = "trainee_not_enrolled"
    AUDIENCE_NOT_ENROLLED = "audience_not_enrolled"
    TRAINEE_IN_AUDIENCE = "trainee_in_audience"
    NOT_SCHEDULED = "teach_back_not_scheduled"
    ALREADY_STARTED = "teach_back_already_started"
    QUESTIONS_CLOSED = "questions_closed"
    NOT_A_PARTICIPANT = "not_a_participant"
    CRITERION_IN_USE = "criterion_in_use"
    RUBRIC_EMPTY = "rubric_empty"
    # surveys
    NOT_A_RECIPIENT = "not_a_recipient"
    ALREADY_ANSWERED = "already_answered"
    SURVEY_CLOSED = "survey_closed"
    NO_RECIPIENTS = "no_recipients"
    BREAKDOWN_REFUSED = "breakdown_refused"
    SCHEDULE_EXISTS = "survey_schedule_exists"


class GraiErrorCode(StrEnum):
    """GRAI reviews (``grai_services``)."""

    LOG_NOT_WRITABLE = "grai_log_not_writable"
    ALREADY_WRITTEN = "grai_already_written"
    PERIOD_IN_FUTURE = "grai_period_in_future"
    PERIOD_BEFORE_START = "grai_period_before_start"
    NOT_YOUR_REVIEW = "grai_not_your_review"
