"""Error codes of the calendars app."""

from __future__ import annotations

from enum import StrEnum


class CalendarErrorCode(StrEnum):
    NO_PERSON = "calendar_no_person"
    NO_FEED = "calendar_no_feed"
