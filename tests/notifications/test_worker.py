"""Delivery through a real Celery worker over Redis, and recovery after a broker outage.

These need a Redis server (REDIS_URL); under CI they are required.
"""

import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction
from django.utils import timezone

from config.celery_app import app
from notifications import services
from notifications.models import Notification

from ..factories import OwnerFactory

# The worker runs in a thread with its own database connection: SQLite's shared
# in-memory test database locks tables across threads, so these need PostgreSQL too.
pytestmark = [
    pytest.mark.redis,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("postgres_db"),
]

UNREACHABLE_BROKER = "redis://127.0.0.1:1/0"


def _use_broker(url: str) -> None:
    """Point the Celery app at ``url`` and drop connections to the previous broker."""
    app.conf.update(broker_url=url, task_always_eager=False)
    _forget_connections()


def _forget_connections() -> None:
    # As Celery does after a fork: the pools are rebuilt lazily for the new URL.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def celery_broker():
    original = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    yield _use_broker
    app.conf.update(original)
    _forget_connections()


@contextmanager
def running_worker():
    with start_worker(
        app, perform_ping_check=False, pool="solo", concurrency=1, loglevel="WARNING"
    ):
        yield


def _wait_until_sent(pk: int, timeout: float = 20.0) -> Notification:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notification = Notification.objects.get(pk=pk)
        if notification.email_status == Notification.EmailStatus.SENT:
            return notification
        time.sleep(0.1)
    raise AssertionError(f"notification {pk} still {notification.email_status} after {timeout}s")


def _welcome(user) -> Notification:
    with transaction.atomic():
        return services.notification_create(
            recipient=user, kind="welcome", context={"name": "Siti", "next_step": "-"}
        )


def test_a_real_worker_over_redis_delivers_the_email(redis_url, celery_broker):
    celery_broker(redis_url)
    user = OwnerFactory(email="siti@example.com")
    with running_worker():
        notification = _welcome(user)  # enqueued on commit, to Redis
        notification = _wait_until_sent(notification.pk)
    assert notification.email_attempts == 1
    assert [m.to for m in mail.outbox] == [["siti@example.com"]]


def test_a_real_worker_delivers_an_event_for_many_people_as_a_batch(redis_url, celery_broker):
    celery_broker(redis_url)
    users = [OwnerFactory(email=f"peserta{n}@example.com") for n in range(3)]
    with running_worker():
        with transaction.atomic(), services.batched_delivery():  # three recipients, one task
            ids = [
                services.notification_create(
                    recipient=user, kind="welcome", context={"name": "Siti", "next_step": "-"}
                ).pk
                for user in users
            ]
        sent = [_wait_until_sent(pk) for pk in ids]
    assert [n.email_attempts for n in sent] == [1, 1, 1]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)


def test_a_notification_created_while_the_broker_is_down_is_delivered_by_the_sweep(
    redis_url, celery_broker
):
    user = OwnerFactory(email="rudi@example.com")
    celery_broker(UNREACHABLE_BROKER)
    started = time.monotonic()
    notification = _welcome(user)  # the event commits; enqueueing fails
    elapsed = time.monotonic() - started
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert mail.outbox == []
    assert elapsed < 10, f"a down broker blocked the request for {elapsed:.1f}s"

    # The broker is back; the periodic sweep re-enqueues and a real worker sends.
    celery_broker(redis_url)
    with running_worker():
        queued = services.notifications_sweep(now=timezone.now() + timedelta(minutes=10))
        assert queued == 1
        notification = _wait_until_sent(notification.pk)
    assert [m.to for m in mail.outbox] == [["rudi@example.com"]]
