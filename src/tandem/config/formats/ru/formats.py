"""Russian dates without Django's trailing "г.": our sentences put a date before their own full stop
("… до 2 декабря 2026.") and "г.." read as a typo. Django's other Russian formats stay."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, G:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
