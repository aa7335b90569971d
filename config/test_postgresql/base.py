"""PostgreSQL for the test suite only (``config.test_settings``): the same backend, but a
transactional test's flush deletes the rows instead of truncating every table.

``TRUNCATE`` of the ~90 tables gives each a new file on disk: 0.35–1.3 s per flush on
the 2-core CI machine, paid after each of the suite's transactional tests (the browser
journeys, the live-server and commit tests). The tests leave a few rows behind, which a
``DELETE`` per table removes in milliseconds; the foreign keys Django creates are
deferred to the commit, so the order does not matter. The content types, permissions
and applied migrations, which the migrations wrote and no test changes, are kept
(``post_migrate`` after the flush would only write them again). Asked to reset the
sequences, the flush truncates as before.

Under pytest-xdist each worker needs its own database. Migrating it costs each worker
6–10 s of the machine's two cores, all at the start, so the first worker migrates one
template database and every worker's database is a copy of it (``CREATE DATABASE …
TEMPLATE``, under a file lock, well under a second each).

A flush must also be the only session writing. A browser journey that failed mid-step
leaves its request running in a thread of the live server, and a real Celery worker
thread can outlive its test by a task: a row either of them commits while the flush
deletes (a notification of a user the flush is deleting) breaks a deferred foreign
key when the flush commits. The flush then fails, its rows stay, and every later test of
that worker finds them (CI saw this once: 25 failures and 38 errors on one worker). So
the flush waits a moment for the other sessions on its database to finish, ends those
still inside a transaction, and is tried again if one slipped in (its commit failed, or
it waited 5 s for a lock).
"""

import fcntl
import logging
import os
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError
from django.db.backends.postgresql import base, creation

logger = logging.getLogger(__name__)

KEPT = frozenset({"django_content_type", "auth_permission", "django_migrations"})
FLUSH_ATTEMPTS = 3
OTHERS_WAIT_SECONDS = 1.0
FLUSH_LOCK_TIMEOUT = "5s"  # a session that began after the wait holds a lock: try again
# The other sessions on this test database that are inside a transaction (their locks
# and uncommitted rows are what a flush collides with); idle ones hold nothing.
OTHERS_BUSY = (
    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND state IS DISTINCT FROM 'idle' "
    "AND backend_type = 'client backend'"
)


class DatabaseOperations(base.DatabaseOperations):
    def execute_sql_flush(self, sql_list):
        """The flush, alone on its database (see the module): a DELETE that waits more
        than ``FLUSH_LOCK_TIMEOUT`` for another session's lock fails and is tried again."""
        for attempt in range(1, FLUSH_ATTEMPTS + 1):
            try:
                self._end_busy_sessions()
                return super().execute_sql_flush(
                    [f"SET LOCAL lock_timeout = '{FLUSH_LOCK_TIMEOUT}'", *sql_list]
                )
            except DatabaseError as error:
                if attempt == FLUSH_ATTEMPTS:
                    raise
                logger.warning("flush of the test database failed, trying again: %s", error)

    def _end_busy_sessions(self) -> None:
        """Give the other sessions on this database a moment to finish their transaction,
        then end those that have not."""
        deadline = time.monotonic() + OTHERS_WAIT_SECONDS
        with self.connection.cursor() as cursor:
            while True:
                cursor.execute("SELECT pg_stat_clear_snapshot()")  # a fresh view each time
                cursor.execute(OTHERS_BUSY)
                busy = [pid for (pid,) in cursor.fetchall()]
                if not busy or time.monotonic() >= deadline:
                    break
                time.sleep(0.05)
            for pid in busy:
                logger.warning("flush of the test database: ending session %s", pid)
                cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])  # waits for it

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return ["SET CONSTRAINTS ALL DEFERRED"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}"
            for table in tables
            if table not in KEPT
        ]


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")
        name = self._get_test_db_name()
        if not run or keepdb or not name.endswith(f"_{worker}"):
            return super().create_test_db(verbosity, autoclobber, serialize, keepdb)
        template = self.template_name(name.removesuffix(f"_{worker}"))
        lock = Path(tempfile.gettempdir()) / f"{template}-{run}.lock"
        with lock.open("a+") as held:
            fcntl.flock(held, fcntl.LOCK_EX)  # released when the file is closed
            held.seek(0)
            if held.read() != "migrated":
                self._migrate_template(template, verbosity)
                held.write("migrated")
                held.flush()
            with self._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {self._quote_name(name)}")
                cursor.execute(
                    f"CREATE DATABASE {self._quote_name(name)} "
                    f"WITH TEMPLATE {self._quote_name(template)}"
                )
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        self.connection.ensure_connection()
        return name

    @staticmethod
    def template_name(test_name: str) -> str:
        return f"{test_name}_template"

    def drop_template(self) -> None:
        """Drop the run's template and its lock file (pytest's controller, once every
        worker is done)."""
        template = self.template_name(self._get_test_db_name())
        with self._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {self._quote_name(template)}")
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID") or ""
        for lock in Path(tempfile.gettempdir()).glob(f"{template}-{run or '*'}.lock"):
            lock.unlink(missing_ok=True)

    def _migrate_template(self, template: str, verbosity: int) -> None:
        """The test database as Django makes it (migrated), under the template's name;
        left with no connection, which ``CREATE DATABASE … TEMPLATE`` needs."""
        test = self.connection.settings_dict["TEST"]
        own = test.get("NAME")
        test["NAME"] = template
        try:
            super().create_test_db(verbosity, autoclobber=True, serialize=False)
        finally:
            test["NAME"] = own
            self.connection.close()


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
    ops_class = DatabaseOperations
