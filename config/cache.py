"""The Redis cache as an accelerator, never a dependency.

``ResilientRedisCache`` is Django's ``RedisCache`` that keeps the site answering when
Redis is down, unreachable or hanging: every page and API response can be made from the
database, only slower. While Redis cannot be reached:

- an operation behaves as on a cache that holds nothing and keeps nothing (Django's
  ``DummyCache``, except that ``add`` honestly answers False): ``get`` returns the
  default, ``get_many`` nothing, ``set``/``delete``/``touch`` do nothing, ``add`` and
  ``has_key`` answer False, ``incr`` raises ``ValueError`` as for a missing key, and
  ``set_many`` returns every key as not stored. The callers already handle a miss: the
  anonymous page cache renders the page, the catalogue version is empty (so nothing is
  served from, or kept under, an old one), counts and facets are computed;
- rate-limit counters — the keys starting with one of ``LOCAL_FALLBACK_KEY_PREFIXES``
  (DRF's throttles and allauth's sign-in limits) — are kept in this process's memory
  instead. A limit then counts per process (each gunicorn worker allows the full rate)
  but still bounds password guessing and scraping, where failing open would not bound
  them at all. Nothing else goes to local memory: a page or a count kept per process
  would outlive the catalogue version that another process bumped (an unlisted
  product would stay visible there) and is no faster than the database;
- a circuit breaker spares the timeouts: after a failure, Redis is not tried again for
  ``RETRY_AFTER`` seconds (one request per process then tries), so an outage costs one
  connect or read timeout (``socket_connect_timeout``/``socket_timeout``, short) every
  few seconds instead of one per cache call;
- one warning is logged when Redis goes missing (then at most one a minute while it
  stays away) and one when it answers again.

Only connection and timeout errors count as "unavailable"; any other Redis error (a
wrong type, a script error) is a bug and propagates.

Settings (``CACHES["default"]["OPTIONS"]``): ``RETRY_AFTER`` (seconds, default 5),
``LOCAL_FALLBACK_KEY_PREFIXES`` (default none); every other option goes to redis-py's
connection pool as with ``RedisCache`` (here ``socket_connect_timeout`` and
``socket_timeout`` default to 0.5 s: a healthy Redis on the same network answers in a
millisecond, and a request must not wait longer than that for an accelerator).
"""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import urlsplit

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What "Redis cannot be reached" looks like (refused, reset, DNS, busy loading, auth,
# connect or read timeout).
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError)

DEFAULT_RETRY_AFTER = 5.0
DEFAULT_SOCKET_TIMEOUT = 0.5
WARN_EVERY = 60.0
LOCAL_MAX_ENTRIES = 10_000


class CircuitBreaker:
    """Skip a service for ``retry_after`` seconds after it failed; log sparingly.

    Shared by every thread of the process (see ``breaker_for``); the races between
    threads are harmless (at worst two of them try at the end of a window).
    """

    def __init__(self, name: str, *, retry_after: float, warn_every: float = WARN_EVERY):
        self.name = name
        self.retry_after = retry_after
        self.warn_every = warn_every
        self._lock = threading.Lock()
        self._open_until = 0.0
        self._down_since: float | None = None
        self._warned_at: float | None = None

    def available(self) -> bool:
        """False while the service failed less than ``retry_after`` seconds ago."""
        return time.monotonic() >= self._open_until

    def failed(self, error: BaseException) -> None:
        now = time.monotonic()
        with self._lock:
            self._open_until = now + self.retry_after
            if self._down_since is None:
                self._down_since = now
            warn = self._warned_at is None or now - self._warned_at >= self.warn_every
            if warn:
                self._warned_at = now
        if warn:
            logger.warning(
                "%s is unavailable (%s: %s); going on without it, next try in %g s",
                self.name,
                type(error).__name__,
                error,
                self.retry_after,
            )

    def succeeded(self) -> None:
        if self._down_since is None:  # the usual case: no lock, nothing to say
            return
        with self._lock:
            since, self._down_since, self._warned_at = self._down_since, None, None
        if since is not None:
            logger.warning("%s answers again after %.0f s", self.name, time.monotonic() - since)

    def reset(self) -> None:
        """Forget past failures (tests)."""
        with self._lock:
            self._open_until, self._down_since, self._warned_at = 0.0, None, None


_breakers: dict[tuple[str, float], CircuitBreaker] = {}
_breakers_lock = threading.Lock()
_fallback_names: set[str] = set()


def breaker_for(name: str, *, retry_after: float) -> CircuitBreaker:
    """The process's one breaker for ``name``: Django makes a cache object per thread,
    and every one of them should learn that Redis is down from the first failure."""
    with _breakers_lock:
        key = (name, retry_after)
        if key not in _breakers:
            _breakers[key] = CircuitBreaker(name, retry_after=retry_after)
        return _breakers[key]


def forget_outages() -> None:
    """Forget every failure and every counter kept in memory meanwhile (tests)."""
    with _breakers_lock:
        for breaker in _breakers.values():
            breaker.reset()
    for name in _fallback_names:
        LocMemCache(name, {}).clear()


def _where(servers: list[str]) -> str:
    """Where the cache is, for the log: scheme, host, port and database, no password."""
    shown = []
    for server in servers:
        parts = urlsplit(server)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        shown.append(f"{parts.scheme}://{host}{port}{parts.path}")
    return ",".join(shown)


class _Unavailable(Exception):
    """Redis could not be reached just now, or failed a moment ago."""


class _ReusedClients(RedisCacheClient):
    """Django's client, but one redis-py client per connection pool, made once: Django
    makes a new one for every operation, which costs twice the round trip it is for
    (about 125 µs against 60 µs for a GET; a cold catalogue page does 40 operations).
    A redis-py client is safe to share between threads: each command takes its own
    connection from the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict = {}  # by connection pool (one per server)

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    """Django's ``RedisCache`` that answers as a miss while Redis is unavailable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients
        options = dict(self._options)
        retry_after = float(options.pop("RETRY_AFTER", DEFAULT_RETRY_AFTER))
        self._local_prefixes = tuple(options.pop("LOCAL_FALLBACK_KEY_PREFIXES", ()))
        options.setdefault("socket_connect_timeout", DEFAULT_SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", DEFAULT_SOCKET_TIMEOUT)
        self._options = options  # what RedisCacheClient passes to redis-py
        where = _where(self._servers)
        self._breaker = breaker_for(f"The Redis cache at {where}", retry_after=retry_after)
        # LocMemCache keeps its data per process under this name, shared by threads.
        name = f"redis-fallback:{where}"
        _fallback_names.add(name)
        self._local = LocMemCache(
            name,
            {
                "TIMEOUT": params.get("TIMEOUT", 300),
                "OPTIONS": {"MAX_ENTRIES": LOCAL_MAX_ENTRIES},
            },
        )

    # -- plumbing

    def _is_local(self, key) -> bool:
        return bool(self._local_prefixes) and str(key).startswith(self._local_prefixes)

    def _redis(self, method: str, *args):
        """``RedisCache.<method>(*args)``; raises ``_Unavailable`` instead of waiting."""
        if not self._breaker.available():
            raise _Unavailable
        try:
            result = getattr(RedisCache, method)(self, *args)
        except UNAVAILABLE as error:
            self._breaker.failed(error)
            raise _Unavailable from error
        self._breaker.succeeded()
        return result

    def _one(self, method: str, key, args: tuple, miss):
        """One key: Redis, else the local fallback for rate limits, else ``miss()``."""
        try:
            return self._redis(method, key, *args)
        except _Unavailable:
            if self._is_local(key):
                return getattr(self._local, method)(key, *args)
            return miss()

    # -- the cache API (the rest of BaseCache, e.g. get_or_set, decr, the async
    #    methods, is built on these)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._one("add", key, (value, timeout, version), lambda: False)

    def get(self, key, default=None, version=None):
        return self._one("get", key, (default, version), lambda: default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._one("set", key, (value, timeout, version), lambda: None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._one("touch", key, (timeout, version), lambda: False)

    def delete(self, key, version=None):
        return self._one("delete", key, (version,), lambda: False)

    def has_key(self, key, version=None):
        return self._one("has_key", key, (version,), lambda: False)

    def incr(self, key, delta=1, version=None):
        def missing():
            raise ValueError(f"Key '{key}' not found (the cache is unavailable).")

        return self._one("incr", key, (delta, version), missing)

    def get_many(self, keys, version=None):
        keys = list(keys)
        try:
            return self._redis("get_many", keys, version)
        except _Unavailable:
            return self._local.get_many([k for k in keys if self._is_local(k)], version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return self._redis("set_many", data, timeout, version)
        except _Unavailable:
            local = {k: v for k, v in data.items() if self._is_local(k)}
            self._local.set_many(local, timeout, version)
            return [k for k in data if k not in local]

    def delete_many(self, keys, version=None):
        keys = list(keys)
        try:
            return self._redis("delete_many", keys, version)
        except _Unavailable:
            return self._local.delete_many([k for k in keys if self._is_local(k)], version)

    def clear(self):
        self._local.clear()
        try:
            return self._redis("clear")
        except _Unavailable:
            return False
