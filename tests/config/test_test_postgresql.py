"""The suite's PostgreSQL backend (``config/test_postgresql``): a transactional test's
flush leaves an empty database even when another session of the test is still writing,
as a live server's request or a Celery worker's task can be when a test ends."""

import threading
import time

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connection, connections, transaction

from accounts.models import User
from config.test_postgresql import base
from notifications.models import Notification

from ..factories import OwnerFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgres_db"),
]


def _flush() -> None:
    # As TransactionTestCase does after each transactional test.
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)


class _Writer(threading.Thread):
    """Another session: changes ``user`` and keeps its transaction (and the row's lock)
    open until ``release`` is set, as a request still running when its test ended."""

    def __init__(self, user):
        super().__init__(daemon=True)
        self.user = user
        self.holding = threading.Event()
        self.release = threading.Event()
        self.error: BaseException | None = None

    def run(self):
        try:
            with transaction.atomic():
                User.objects.filter(pk=self.user.pk).update(full_name="Siti, still saving")
                Notification.objects.create(
                    recipient=self.user, kind="welcome", title="Selamat datang"
                )
                self.holding.set()
                self.release.wait(20)
        except DatabaseError as error:  # ended by the flush
            self.error = error
        finally:
            self.holding.set()
            connections.close_all()


def test_the_flush_ends_a_session_that_holds_its_rows():
    user = OwnerFactory()
    writer = _Writer(user)
    writer.start()
    assert writer.holding.wait(10)

    started = time.monotonic()
    _flush()  # without the guard: waits for the writer's lock, here 20 s
    took = time.monotonic() - started
    writer.release.set()
    writer.join(10)

    assert took < 10
    assert writer.error is not None, "the writer's session should have been ended"
    assert not User.objects.exists()
    assert not Notification.objects.exists()


def test_a_session_that_finishes_in_a_moment_is_waited_for(monkeypatch):
    monkeypatch.setattr(base, "OTHERS_WAIT_SECONDS", 10)  # ample on a busy machine
    user = OwnerFactory()
    writer = _Writer(user)
    writer.start()
    assert writer.holding.wait(10)
    threading.Timer(0.3, writer.release.set).start()

    _flush()
    writer.join(10)

    assert writer.error is None  # it committed, then the flush deleted its rows too
    assert not User.objects.exists()
    assert not Notification.objects.exists()


def test_a_lock_taken_after_the_wait_times_out_and_the_flush_is_tried_again(monkeypatch):
    user = OwnerFactory()
    writer = _Writer(user)
    monkeypatch.setattr(base, "FLUSH_LOCK_TIMEOUT", "200ms")
    checks = []
    end_busy_sessions = base.DatabaseOperations._end_busy_sessions

    def late_writer(self):
        checks.append(1)
        if len(checks) == 1:  # the writer begins just after the first check
            writer.start()
            assert writer.holding.wait(10)
            return None
        return end_busy_sessions(self)

    monkeypatch.setattr(base.DatabaseOperations, "_end_busy_sessions", late_writer)

    _flush()  # the first attempt's DELETE waits 200 ms for the writer's lock, then fails
    writer.release.set()
    writer.join(10)

    assert len(checks) == 2
    assert writer.error is not None
    assert not User.objects.exists()


def test_a_row_committed_while_the_flush_runs_is_flushed_by_a_second_attempt():
    user = OwnerFactory()
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    sql = connection.ops.sql_flush(no_style(), tables)
    # The flush deletes table by table, here the e-mail addresses (account_emailaddress)
    # before the users (accounts_user). Between the two, the other session commits an
    # address of the user, which breaks the flush's deferred foreign key at its commit.
    addresses = EmailAddress._meta.db_table
    after = sql.index(next(s for s in sql if f'"{addresses}"' in s))
    pause = "SELECT 1 -- the other session writes here"
    sql.insert(after + 1, pause)
    written = []

    def write():
        try:
            written.append(
                EmailAddress.objects.create(user=user, email="siti@example.com", verified=True)
            )
        finally:
            connections.close_all()

    def other_session_writes(execute, sql, params, many, context):
        if sql == pause and not written:
            thread = threading.Thread(target=write)
            thread.start()
            thread.join(10)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(other_session_writes):
        connection.ops.execute_sql_flush(sql)

    assert written, "the other session should have committed during the first attempt"
    assert not User.objects.exists()
    assert not EmailAddress.objects.exists()


def test_an_idle_session_is_left_alone():
    idle = connection.get_new_connection(connection.get_connection_params())
    try:
        OwnerFactory()
        _flush()
        assert not User.objects.exists()
        assert idle.execute("SELECT 1").fetchone() == (1,)
    finally:
        idle.close()
