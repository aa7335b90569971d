"""Rows built once for a run of a module's tests, as Django's ``setUpTestData`` does.

A fixture such as ``cast`` inserts the same few dozen rows before each of the 1,400
tests that ask for it. ``module_rows`` inserts them once for a module's tests instead,
inside a transaction that stays open while they run and is rolled back after them. Each
test's own transaction (pytest-django's) is then a savepoint inside it, so what a test
writes is still rolled back after it, and each test gets a deep copy of the objects, so
what it changes in memory stays its own.

A test of the same module that does not ask for the rows must not see them: before it
starts (``end_for``) the shared transaction is rolled back, and the module's later tests
build their rows themselves. ``tests/conftest.py`` runs a module's tests that ask for
the rows first, so that this rarely happens. A module with a test that commits
(``transaction=True``, ``live_server``, serialized rollback) cannot run inside an open
transaction: there every test builds its rows itself.
"""

from __future__ import annotations

import copy
from contextlib import contextmanager

from django.db import connection, transaction

_COMMITTING_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}
# module → its shared rows whose transactions are open, by name, in the order opened
_active: dict[object, dict[str, Rows]] = {}
# The fixtures built with ``module_rows`` (their names), for ``end_for`` and ``requested_first``.
SHARED = ("cast", "march_2026")


def commits(item) -> bool:
    """Whether a test commits (and so cannot run inside the shared transaction)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        # django_db(transaction, reset_sequences, databases, serialized_rollback, ...)
        names = ("transaction", "reset_sequences", "databases", "serialized_rollback")
        flags = {**dict(zip(names, marker.args, strict=False)), **marker.kwargs}
        if any(
            flags.get(name) for name in ("transaction", "reset_sequences", "serialized_rollback")
        ):
            return True
    return bool(_COMMITTING_FIXTURES & set(getattr(item, "fixturenames", ())))


def uses_db(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db"} & set(getattr(item, "fixturenames", ()))
    )


class Rows:
    """What ``build`` returned, shared by a module's tests while ``open``."""

    def __init__(self, build, blocker):
        self._build = build
        self._blocker = blocker
        self._value = None
        self._atomic = None

    @property
    def open(self) -> bool:
        return self._atomic is not None

    def start(self) -> None:
        with self._blocker.unblock():
            if connection.in_atomic_block:  # inside a test's own transaction: not shared
                return
            self._atomic = transaction.atomic()
            self._atomic._from_testcase = True  # as Django's own test transactions
            self._atomic.__enter__()
            try:
                self._value = self._build()
            except BaseException:
                self.end()
                raise

    def end(self) -> None:
        if self._atomic is None:
            return
        atomic, self._atomic, self._value = self._atomic, None, None
        with self._blocker.unblock():
            if connection.in_atomic_block:
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)

    def copy(self):
        """For one test (inside its transaction: the function fixture asks for ``db``)."""
        if not self.open:  # this module's shared rows were rolled back: build them here
            return self._build()
        return copy.deepcopy(self._value)


@contextmanager
def module_rows(request, django_db_blocker, build):
    """The shared rows of ``request.module`` (the body of a module-scoped fixture named
    like the function fixture that copies them, with a leading underscore and
    ``_rows``: ``_cast_rows`` for ``cast``)."""
    module = request.module
    name = request.fixturename.removeprefix("_").removesuffix("_rows")
    rows = Rows(build, django_db_blocker)
    if not any(commits(item) for item in request.session.items if item.module is module):
        rows.start()
        if rows.open:
            _active.setdefault(module, {})[name] = rows
    try:
        yield rows
    finally:
        _end(module)


def _end(module) -> None:
    """Roll back a module's shared rows, the last opened first (each is a transaction
    inside the one opened before it)."""
    for rows in reversed(list(_active.pop(module, {}).values())):
        rows.end()


def end_for(item) -> None:
    """Before ``item`` runs: a test that uses the database without asking for each of its
    module's shared fixtures must not see their rows, so all of them are rolled back."""
    module = getattr(item, "module", None)
    opened = _active.get(module, {})
    if opened and uses_db(item) and not set(opened) <= set(item.fixturenames):
        _end(module)


def requested_first(items: list) -> list:
    """``items`` with, within each module, the tests that ask for shared rows first."""
    modules: dict[object, list] = {}
    for item in items:
        modules.setdefault(getattr(item, "module", None), []).append(item)

    def key(item) -> tuple:
        return tuple(name not in getattr(item, "fixturenames", ()) for name in SHARED)

    return [item for tests in modules.values() for item in sorted(tests, key=key)]
