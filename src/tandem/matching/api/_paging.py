"""Limit/offset paging for the matching API's lists (bounded, documented in the schema)."""

from ninja import Field, Schema

#: Default and largest page of a list.
PAGE_DEFAULT = 50
PAGE_MAX = 200


class PageQuery(Schema):
    limit: int = Field(PAGE_DEFAULT, ge=1, le=PAGE_MAX, description=f"items per page (1..{PAGE_MAX})")
    offset: int = Field(0, ge=0, le=1_000_000, description="items to skip")
