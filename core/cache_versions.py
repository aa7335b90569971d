"""Versions of groups of cached data: a cache key holds a random version per group, and
whatever is cached for the group carries it in its own key, so replacing the version
retires all of it at once (no key listing, no pattern delete; works on any backend).

The catalogue is one group: ``umkm`` bumps it when a listing changes and
``marketplace.caching`` keys its anonymous pages with it — neither imports the other.
"""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

from core import request_memo

T = TypeVar("T")

CATALOGUE = "catalogue"
# The programme's outcome figures (outcomes): any baseline, follow-up, shipment, rate or
# budget written retires them.
OUTCOMES = "outcomes"
# A person's own pages (core.personal_pages): any write to the database retires them
# (core.writes).
PEOPLE = "people"
_MEMO = "cache-version:"  # + group: the version a request read (``core.request_memo``)


def version_key(group: str) -> str:
    return f"{group}_version"


def version(group: str) -> str:
    """The group's current version (made when missing, e.g. after the cache was flushed);
    "" when the cache cannot keep one (unreachable): nothing cached is then trusted.

    Read once per request (``core.request_memo``): a page's keys, counts and searches
    all carry the version the request first saw (a catalogue page asked 4 to 13 times), and
    a writer's bump in between is for the next request. A bump made by the request
    itself is seen at once (``bump_now`` forgets what it read)."""
    return request_memo.remember(_MEMO + group, lambda: _read(group))


def _read(group: str) -> str:
    key = version_key(group)
    current = cache.get(key)
    if current is None:
        cache.add(key, uuid.uuid4().hex, None)
        current = cache.get(key) or ""
    return current


def bump_now(group: str) -> None:
    """Retire everything cached for ``group`` now."""
    cache.set(version_key(group), uuid.uuid4().hex, None)
    request_memo.forget(_MEMO + group)


def bump(group: str) -> None:
    """Retire everything cached for ``group``: now, and again when the transaction
    commits (what was rendered from the old rows in between is not kept)."""
    bump_now(group)
    transaction.on_commit(lambda: bump_now(group))


def remember(group: str, key: str, compute: Callable[[], T], seconds: int | Callable[[], int]) -> T:
    """What ``compute()`` gave, from the cache while ``group``'s version is the one it was
    computed under (one round trip when warm: the version and the entry together); else
    computed now and kept with the version read before computing, so a value computed
    from rows a writer is changing is never served under the version that follows. With
    the cache unreachable (no version) it is computed every time and nothing is kept.
    ``seconds`` may be a function, asked after computing (how long what it found lasts)."""
    versions = version_key(group)
    found = cache.get_many([versions, key])
    current = found.get(versions) or version(group)
    stored = found.get(key)
    if current and stored is not None and stored[0] == current:
        return stored[1]
    value = compute()
    if current:
        cache.set(key, (current, value), seconds() if callable(seconds) else seconds)
    return value
