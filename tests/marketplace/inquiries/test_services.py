"""The inquiry services called directly: the hourly rate limit, who may send and reply,
the deal-value rule in the database, and the first reply under parallel replies."""

import contextlib
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from marketplace import services
from marketplace.models import Inquiry, InquiryMessage

from ...factories import (
    BusinessFactory,
    BuyerFactory,
    ListedProductFactory,
    OwnerFactory,
    ProductFactory,
)
from ...support.inquiries import send_inquiry

pytestmark = pytest.mark.django_db


# Concurrency (PostgreSQL) ------------------------------------------------------------


def _parallel_first_replies(inquiry_pk: int, owner, monkeypatch) -> list[bool]:
    """Two supplier replies at once; each records whether it saw the thread unanswered
    when it wrote its message (i.e. whether it counted itself as the first reply)."""
    barrier = threading.Barrier(2, timeout=2)
    seen_first: list[bool] = []
    original = InquiryMessage.save

    def save_after_meeting(message, *args, **kwargs):
        # The reply is written inside the thread's lock: ``message.inquiry`` is the
        # locked row, as the service read it.
        seen_first.append(message.inquiry.first_reply_at is None)
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait()  # with the lock the other thread never arrives: times out
        return original(message, *args, **kwargs)

    monkeypatch.setattr(InquiryMessage, "save", save_after_meeting)

    def worker(body):
        try:
            inquiry = Inquiry.objects.select_related("business").get(pk=inquiry_pk)
            services.inquiry_message_create(inquiry=inquiry, author=owner, body=body)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"reply {i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return seen_first


def test_rate_limit_counts_only_the_last_hour(trade):
    buyer = BuyerFactory()
    for _ in range(10):
        send_inquiry(buyer=buyer, product=trade.product)
    with pytest.raises(ValidationError) as refused:
        send_inquiry(buyer=buyer, product=trade.product)
    assert refused.value.code == "rate_limited"
    Inquiry.objects.filter(buyer=buyer).update(created_at=timezone.now() - timedelta(minutes=61))
    assert send_inquiry(buyer=buyer, product=trade.product).pk


def test_service_refuses_non_buyers_and_unlisted_products(trade):
    with pytest.raises(PermissionDenied):
        send_inquiry(buyer=trade.owner, product=trade.product)
    draft = ProductFactory(business=trade.business)
    with pytest.raises(ValidationError):
        send_inquiry(buyer=trade.other_buyer, product=draft)


def test_database_refuses_a_deal_value_without_deal_won(trade):
    with pytest.raises(IntegrityError), transaction.atomic():
        Inquiry.objects.filter(pk=trade.inquiry.pk).update(
            outcome="no_deal", deal_value_usd=Decimal(5)
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_replies_count_only_one_as_first(postgres_db, monkeypatch):
    business = BusinessFactory()
    product = ListedProductFactory(business=business)
    inquiry = send_inquiry(buyer=BuyerFactory(), product=product)
    seen_first = _parallel_first_replies(inquiry.pk, business.owner, monkeypatch)
    assert sorted(seen_first) == [False, True]
    inquiry.refresh_from_db()
    first_supplier = inquiry.messages.filter(author_role="supplier").order_by("created_at")[0]
    assert inquiry.first_reply_at >= first_supplier.created_at
    assert inquiry.messages.filter(author_role="supplier").count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_replies_race_without_the_lock(postgres_db, monkeypatch):
    """Control: without select_for_update both replies see the thread unanswered."""
    business = BusinessFactory()
    product = ListedProductFactory(business=business)
    inquiry = send_inquiry(buyer=BuyerFactory(), product=product)
    manager_class = type(Inquiry.objects)
    monkeypatch.setattr(
        manager_class, "select_for_update", lambda self, *a, **k: self.get_queryset()
    )
    seen_first = _parallel_first_replies(inquiry.pk, business.owner, monkeypatch)
    assert seen_first == [True, True]


# Service-level guards ------------------------------------------------------------------


def test_owner_not_of_this_business_cannot_post_via_service(trade):
    other = OwnerFactory()
    with pytest.raises(PermissionDenied):
        services.inquiry_message_create(inquiry=trade.inquiry, author=other, body="Hi")
    assert trade.inquiry.messages.count() == 1
