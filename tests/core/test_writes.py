"""Which statements retire the kept personal pages (``core.writes``): a change to a row
any page can show does, at commit; a statement that changed nothing or a session row
does not."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.utils import timezone

from core import cache_versions
from core.writes import has_uncommitted_writes
from notifications.models import Notification
from notifications.services import notification_deliver_email

from ..factories import BuyerFactory, NotificationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def people_version() -> str:
    return cache_versions.version(cache_versions.PEOPLE)


def test_a_write_in_autocommit_retires_the_pages_at_once():
    before = people_version()
    BuyerFactory()
    assert people_version() != before


def test_a_write_in_a_transaction_retires_them_when_it_commits_not_before():
    buyer = BuyerFactory()
    before = people_version()
    with transaction.atomic():
        NotificationFactory(recipient=buyer)
        assert has_uncommitted_writes(connection)
        assert people_version() == before  # other readers still see the old rows
    assert not has_uncommitted_writes(connection)
    assert people_version() != before


def test_a_rolled_back_write_retires_nothing():
    buyer = BuyerFactory()
    before = people_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        NotificationFactory(recipient=buyer)
        raise RuntimeError
    assert not has_uncommitted_writes(connection)
    assert people_version() == before


def test_an_update_that_matches_no_row_and_a_session_write_retire_nothing(client):
    buyer = BuyerFactory()
    client.force_login(buyer)
    before = people_version()
    assert Notification.objects.filter(recipient=buyer, read_at__isnull=True).count() == 0
    Notification.objects.filter(recipient=buyer).mark_read(recipient_id=buyer.pk)
    Session.objects.update(session_data=Session.objects.get().session_data)
    assert people_version() == before

    notification = NotificationFactory(recipient=buyer, read_at=timezone.now())
    before = people_version()
    Notification.objects.filter(pk=notification.pk).update(read_at=None)  # one row
    assert people_version() != before


def test_delivering_a_notification_retires_nothing_that_creating_one_did(mailoutbox):
    """The worker's claim and "sent" marks are bookkeeping no personal page shows."""
    buyer = BuyerFactory()
    before = people_version()
    notification = NotificationFactory(
        recipient=buyer, email_status=Notification.EmailStatus.PENDING
    )
    assert people_version() != before  # a new notification shows on the dashboards
    before = people_version()
    assert notification_deliver_email(notification_id=notification.pk)
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT
    assert [message.to for message in mailoutbox] == [[buyer.email]]
    assert people_version() == before


def test_the_watch_survives_a_connection_opened_inside_another_execute_wrapper():
    """A connection opened inside someone's ``with connection.execute_wrapper(...)``
    (the benchmark's query counter) gets the watch then; the block's closing ``pop()``
    must remove the block's own wrapper, not the watch."""
    connection.execute_wrappers[:] = [
        w for w in connection.execute_wrappers if not getattr(w, "watches_writes", False)
    ]

    def counter(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        connection_created.send(sender=connection.__class__, connection=connection)
    assert counter not in connection.execute_wrappers
    before = people_version()
    BuyerFactory()
    assert people_version() != before
