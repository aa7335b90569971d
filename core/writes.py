"""Every write to the database retires the cached personal pages (``core.personal_pages``).

A person's dashboard, inbox or thread is made of rows from a dozen tables that many
services write — some through the ORM's signals, many through ``QuerySet.update()``,
``bulk_create`` or SQL of their own. Rather than a list of who shows what (which the
next feature would forget), this module watches the statements themselves: an
``INSERT``, ``UPDATE`` or ``DELETE`` (or ``TRUNCATE``) that changed a row replaces the
``PEOPLE`` cache version (``core.cache_versions``) when its transaction commits, or at
once in autocommit. An ``UPDATE`` or ``DELETE`` that changed nothing (a conditional
one that matched no row, like reading a thread with nothing unread) and the session table (never
shown on a page) retire nothing.

Writes inside ``unseen()`` retire nothing: a notification's delivery bookkeeping (claimed,
sent, failed), which the notification worker writes several times per notification and
no personal page shows (only the staff's work queues, which are never kept).

Inside a transaction with a write of its own not yet committed, ``has_uncommitted_writes``
says so: a personal page rendered there is not taken from the cache nor kept (it may show
rows that are rolled back).
"""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created

from core import cache_versions

_WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
# Tables whose rows no page shows.
_IGNORED = ("django_session",)


class _AtCommit:
    """The on-commit callback of one transaction's writes (registered once)."""

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        self.done = True
        cache_versions.bump_now(cache_versions.PEOPLE)


def _pending(connection) -> _AtCommit | None:
    for _savepoints, func, _robust in connection.run_on_commit:
        if isinstance(func, _AtCommit) and not func.done:
            return func
    return None


def has_uncommitted_writes(connection) -> bool:
    """Whether this connection wrote in the transaction it is in (not yet committed)."""
    return connection.in_atomic_block and _pending(connection) is not None


@contextmanager
def unseen(using: str = DEFAULT_DB_ALIAS):
    """Writes made inside (also as a decorator) change nothing any personal page shows,
    so they retire no kept page. Only for bookkeeping of that kind."""
    connection = connections[using]
    connection.writes_unseen = getattr(connection, "writes_unseen", 0) + 1
    try:
        yield
    finally:
        connection.writes_unseen -= 1


def _is_change(sql: str, rowcount: int) -> bool:
    start = sql.lstrip()[:8].upper()
    if not start.startswith(_WRITES):
        return False
    # An UPDATE or DELETE that matched no row changed nothing. (An INSERT's count is not
    # known before its RETURNING rows are read, so every INSERT counts.)
    if rowcount == 0 and start.startswith(("UPDATE", "DELETE")):
        return False
    head = sql[:60]
    return not any(table in head for table in _IGNORED)


def _watch(connection):
    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not isinstance(sql, str) or getattr(connection, "writes_unseen", 0):
            return result
        cursor = context.get("cursor")
        rowcount = getattr(cursor, "rowcount", -1) if cursor is not None else -1
        if _is_change(sql, rowcount):
            if not connection.in_atomic_block:
                cache_versions.bump_now(cache_versions.PEOPLE)
            elif _pending(connection) is None:
                transaction.on_commit(_AtCommit(), using=connection.alias)
        return result

    return wrapper


def _install(sender, connection, **kwargs) -> None:
    if not any(getattr(w, "watches_writes", False) for w in connection.execute_wrappers):
        wrapper = _watch(connection)
        wrapper.watches_writes = True
        # First in the list, not last: a connection opened inside someone's
        # ``with connection.execute_wrapper(...)`` would otherwise lose this wrapper to
        # that block's closing ``pop()`` (and keep theirs).
        connection.execute_wrappers.insert(0, wrapper)


def watch_writes() -> None:
    """Watch every connection's statements (called once, when the apps are ready)."""
    connection_created.connect(_install, dispatch_uid="core.writes")
