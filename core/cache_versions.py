"""Versions of groups of cached data: a cache key holds a random version per group, and
whatever is cached for the group carries it in its own key, so replacing the version
retires all of it at once (no key listing, no pattern delete; works on any backend).

The catalogue is one group: ``umkm`` bumps it when a listing changes and
``marketplace.caching`` keys its anonymous pages with it — neither imports the other.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

CATALOGUE = "catalogue"
# The programme's outcome figures (outcomes): any baseline, follow-up, shipment, rate or
# budget written retires them.
OUTCOMES = "outcomes"


def version_key(group: str) -> str:
    return f"{group}_version"


def version(group: str) -> str:
    """The group's current version (made when missing, e.g. after the cache was flushed);
    "" when the cache cannot keep one (unreachable): nothing cached is then trusted."""
    key = version_key(group)
    current = cache.get(key)
    if current is None:
        cache.add(key, uuid.uuid4().hex, None)
        current = cache.get(key) or ""
    return current


def bump(group: str) -> None:
    """Retire everything cached for ``group``: now, and again when the transaction
    commits (what was rendered from the old rows in between is not kept)."""

    def replace() -> None:
        cache.set(version_key(group), uuid.uuid4().hex, None)

    replace()
    transaction.on_commit(replace)
