"""``core.request_memo``: an answer kept for the rest of one request, never beyond it."""

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started

from core import cache_versions, request_memo

from ..factories import ListedProductFactory

pytestmark = pytest.mark.django_db  # the signals also look at the database connections


def test_inside_a_request_an_answer_is_worked_out_once_and_forgotten_at_its_end():
    asked = []

    def compute():
        asked.append(1)
        return len(asked)

    request_started.send(sender=None)
    try:
        assert request_memo.remember("k", compute) == 1
        assert request_memo.remember("k", compute) == 1
        assert request_memo.remember("other", compute) == 2
    finally:
        request_finished.send(sender=None)
    assert request_memo.remember("k", compute) == 3  # outside a request: every time
    assert request_memo.remember("k", compute) == 4


def test_a_request_reads_a_cache_version_once_and_sees_its_own_bump(monkeypatch):
    """The catalogue version, asked for nine times by a catalogue page, is read once; a
    writer elsewhere is for the next request; the request's own bump is seen at once."""
    cache.clear()
    cache_versions.version(cache_versions.CATALOGUE)  # made before the request
    reads = []
    real_get = cache.get

    def counted_get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counted_get)
    key = cache_versions.version_key(cache_versions.CATALOGUE)
    request_started.send(sender=None)
    try:
        first = cache_versions.version(cache_versions.CATALOGUE)
        assert first
        cache.set(key, "changed elsewhere", None)  # another process bumped it
        assert cache_versions.version(cache_versions.CATALOGUE) == first
        cache_versions.bump_now(cache_versions.CATALOGUE)  # this request bumps it
        bumped = cache_versions.version(cache_versions.CATALOGUE)
        assert bumped not in (first, "changed elsewhere")
        assert cache_versions.version(cache_versions.CATALOGUE) == bumped
    finally:
        request_finished.send(sender=None)
    # Read twice in all: when the request first asked, and after its own bump.
    assert reads.count(key) == 2
    cache.set(key, "the next one", None)
    assert cache_versions.version(cache_versions.CATALOGUE) == "the next one"


def test_a_catalogue_page_reads_the_catalogue_version_once(client, monkeypatch):
    ListedProductFactory.create_batch(3)
    cache.clear()
    cache_versions.version(cache_versions.CATALOGUE)  # made (read, written, read) before
    reads = []
    real_get, real_get_many = cache.get, cache.get_many
    key = cache_versions.version_key(cache_versions.CATALOGUE)

    def counted_get(name, *args, **kwargs):
        reads.append(name)
        return real_get(name, *args, **kwargs)

    def counted_get_many(names, *args, **kwargs):
        reads.extend(names)
        return real_get_many(names, *args, **kwargs)

    monkeypatch.setattr(cache, "get", counted_get)
    monkeypatch.setattr(cache, "get_many", counted_get_many)
    # A first render of a page, a search and another order (each asked 4 to 13 times).
    for params in ({}, {"q": "product"}, {"sort": "newest", "page": "1"}):
        reads.clear()
        response = client.get("/catalogue/", params, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert reads.count(key) == 1
