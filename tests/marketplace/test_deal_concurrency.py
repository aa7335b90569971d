"""Parallel acceptances of two quotations of one supplier get different proforma
numbers: the number is taken under a lock on the business's row (PostgreSQL)."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from marketplace import services
from marketplace.models import Quotation

from ..factories import BusinessFactory, BuyerFactory, InquiryFactory, ListedProductFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_acceptances_number_their_proformas_apart(postgres_db):
    business = BusinessFactory()
    product = ListedProductFactory(business=business)
    quotations = []
    for _n in range(4):
        buyer = BuyerFactory()
        inquiry = InquiryFactory(buyer=buyer, business=business)
        quotations.append(
            services.quotation_create(
                inquiry=inquiry,
                author=business.owner,
                lines=[{"product": product, "quantity": 10, "unit_price_usd": Decimal("3.00")}],
                incoterm="FOB",
                port="Dumai",
                valid_until=timezone.localdate() + timedelta(days=10),
                payment_term="tt_advance",
                lead_time_days=7,
            )
        )
    start = threading.Barrier(len(quotations))
    errors = []

    def accept(quotation):
        try:
            start.wait()
            services.quotation_accept(quotation=quotation, buyer=quotation.inquiry.buyer)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(q,)) for q in quotations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    sequences = sorted(
        Quotation.objects.filter(business=business).values_list("proforma_sequence", flat=True)
    )
    assert sequences == [1, 2, 3, 4]
