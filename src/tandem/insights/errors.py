"""Error codes of insights (a client tells them apart by ``code``)."""

from enum import StrEnum


class InsightsErrorCode(StrEnum):
    BAD_GROUP = "insights_bad_group"
    SAME_GROUPS = "insights_same_groups"
    BAD_ROI_INPUT = "insights_bad_roi_input"
    BAD_INPUTS_QUERY = "insights_bad_inputs_query"
