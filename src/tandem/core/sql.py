"""Small SQL expressions that Django does not ship for both databases Tandem runs on."""

from __future__ import annotations

from django.db.models import Aggregate, TextField

SEPARATOR = "\x1f"  # the ASCII unit separator: never in a name, a code or a department path


class TextList(Aggregate):
    """The values of a text column in one string, joined by ``SEPARATOR`` (PostgreSQL ``string_agg``,
    SQLite ``group_concat``); ``split_text_list`` reads it back. For a subquery that reads several
    values as one column of the outer row."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, CHR(31))"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT",
                              template="%(function)s(%(expressions)s, CHAR(31))", **extra_context)


def split_text_list(value: str | None) -> list[str]:
    return value.split(SEPARATOR) if value else []
