"""Page links over long lists at company scale."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet


class KeysFirstPaginator(Paginator):
    """A paginator for a queryset with joins (``select_related``): the page's primary keys are
    found first, in the list's order and without the joins (on PostgreSQL an index-only walk of
    an index in that order, e.g. the directory's (name, id) of active people), then only those
    rows are read with their joins, in the same order. ``OFFSET 25,000`` over the joined rows read
    and joined 25,000 people to show 25. Page numbers, counts and links are Django's."""

    def page(self, number) -> Page:
        qs = self.object_list
        if not isinstance(qs, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(qs.values_list("pk", flat=True)[bottom:top])
        rows = list(qs.filter(pk__in=keys)) if keys else []
        return self._get_page(rows, number, self)
