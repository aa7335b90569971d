"""``core.pagination.CachedCountPaginator``: a query that can find nothing (a ``.none()``
queryset: Django has no SQL for it, so there is nothing to key a cache entry on) is an
empty page, no query, nothing kept; ids known without a query (a search's ranked hits)
are read as rows only, and all of them are the count."""

import pytest
from django.core.cache import cache

from core.pagination import CachedCountPaginator
from umkm.models import Product

from ..factories import ListedProductFactory

pytestmark = pytest.mark.django_db


def test_a_query_that_can_find_nothing_is_an_empty_page_without_a_query(
    django_assert_num_queries, monkeypatch
):
    ListedProductFactory()
    cache.clear()
    kept = []
    monkeypatch.setattr(cache, "set", lambda key, *args, **kwargs: kept.append(key))
    paginator = CachedCountPaginator(Product.objects.none(), 24, total=lambda: 99)
    with django_assert_num_queries(0):
        page = paginator.get_page(1)
        assert paginator.count == 0  # not the aggregate's answer for some other query
        assert list(page.object_list) == []
    assert kept == []


def test_the_same_paginator_counts_and_pages_a_real_query(django_assert_max_num_queries):
    products = ListedProductFactory.create_batch(3)
    cache.clear()
    paginator = CachedCountPaginator(Product.objects.order_by("pk"), 2)
    assert paginator.count == 3
    assert [p.pk for p in paginator.page(2).object_list] == [products[2].pk]
    with django_assert_max_num_queries(1):  # the ids come from the cache, then the rows
        assert [p.pk for p in paginator.page(2).object_list] == [products[2].pk]


def test_ids_known_without_a_query_are_read_as_rows_only_and_counted(
    django_assert_num_queries, monkeypatch
):
    products = ListedProductFactory.create_batch(4)
    cache.clear()
    kept = []
    monkeypatch.setattr(cache, "set", lambda key, *args, **kwargs: kept.append(key))
    known = [products[3].pk, products[0].pk, products[2].pk]
    asked = []

    def ids(start, stop):
        asked.append((start, stop))
        return known[start:stop]

    paginator = CachedCountPaginator(Product.objects.order_by("pk"), 2, total=lambda: 4, ids=ids)
    with django_assert_num_queries(2):  # each page: the rows of its ids, in their order
        assert [p.pk for p in paginator.page(2).object_list] == [products[2].pk]
        assert [p.pk for p in paginator.page(1).object_list] == [products[3].pk, products[0].pk]
    assert paginator.count == 3  # all the known ids: not the total's answer, no COUNT
    assert asked == [(0, None), (2, 4), (0, 2)]
    assert kept == []  # already at hand: nothing is kept for them


def test_ids_that_are_not_known_are_read_from_the_query(django_assert_num_queries):
    products = ListedProductFactory.create_batch(3)
    cache.clear()
    paginator = CachedCountPaginator(
        Product.objects.order_by("pk"), 2, total=lambda: 3, ids=lambda start, stop: None
    )
    with django_assert_num_queries(2):  # the page's ids, then their rows
        assert [p.pk for p in paginator.page(2).object_list] == [products[2].pk]
