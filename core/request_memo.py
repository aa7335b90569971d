"""What one request has worked out, kept for the rest of that request only.

The cache versions (``core.cache_versions``) are read once per request. A catalogue
search is asked for by the page's rows, its total, its page of ids, its facet counts,
its suggestion and its notice. The cache serves every ask after the first one; while
the cache is down (``config.cache``), or empty and not yet written, each ask would
search again. ``remember`` keeps the answer for the request that made it and forgets it
when the request ends (Django's ``request_started`` and ``request_finished`` signals,
connected by ``CoreConfig.ready``). Outside a request (a worker, a command, a test
calling a function directly) nothing is kept.
"""

from asgiref.local import Local
from django.core.signals import request_finished, request_started

_state = Local()


def _start(**kwargs) -> None:
    _state.values = {}


def _finish(**kwargs) -> None:
    _state.values = None


def remember(key: str, compute):
    """``compute()``, once per ``key`` within the current request."""
    values = getattr(_state, "values", None)
    if values is None:
        return compute()
    if key not in values:
        values[key] = compute()
    return values[key]


def forget(key: str) -> None:
    """Drop what the current request kept under ``key`` (it is worked out again)."""
    values = getattr(_state, "values", None)
    if values is not None:
        values.pop(key, None)


def connect() -> None:
    request_started.connect(_start, dispatch_uid="core.request_memo.start")
    request_finished.connect(_finish, dispatch_uid="core.request_memo.finish")
