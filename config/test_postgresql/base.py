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
"""

import fcntl
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db.backends.postgresql import base, creation

KEPT = frozenset({"django_content_type", "auth_permission", "django_migrations"})


class DatabaseOperations(base.DatabaseOperations):
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
