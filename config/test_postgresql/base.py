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
"""

from django.db.backends.postgresql import base

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


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
