"""A paginator whose total is cached briefly, for the public catalogue and its API.

At 100,000 listed products the ``COUNT(*)`` behind "N products" and the page links is
the most expensive query of a catalogue page (tens of milliseconds on every request,
while the page itself comes from an index). The total is cached for as long as the
facet counts (two minutes), keyed by the query's SQL and parameters, so every filter
combination has its own; a new listing shows up in the list at once and in the total
within two minutes. Orphans are not supported (neither page uses them).

No model imports here: ``core.api`` names this class while DRF is still loading.
"""

import hashlib

from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

COUNT_CACHE_SECONDS = 120  # as marketplace.selectors.FACET_CACHE_SECONDS


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is None:  # a list, not a queryset
            return super().count
        sql, params = query.sql_with_params()
        key = "catalogue-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
        total = cache.get(key)
        if total is None:
            total = self.object_list.count()
            cache.set(key, total, COUNT_CACHE_SECONDS)
        return total

    def page(self, number):
        """Like ``Paginator.page``, but the slice is not cut at the cached total: while it
        is behind, the last page still shows every product it really has."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        return self._get_page(self.object_list[bottom : bottom + self.per_page], number, self)
