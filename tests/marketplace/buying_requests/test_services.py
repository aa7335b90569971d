"""The buying-request services called directly: five requests a day, one quote per
business (in the database too), quote threads outside the inquiry limit, and quotes out
of bounds refused with the model's message."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from marketplace import services
from marketplace.models import BuyingRequest, Quote

from ...factories import (
    BusinessFactory,
    BuyerFactory,
    ListedProductFactory,
)

pytestmark = pytest.mark.django_db


def test_at_most_five_requests_a_day(market):
    buyer = BuyerFactory()
    valid_until = timezone.localdate() + timedelta(days=10)
    fields = {
        "title": "Chips",
        "description": "Banana chips",
        "category": market.unrelated,
        "quantity": 10,
        "unit": "kg",
        "destination_country": "SG",
        "valid_until": valid_until,
    }
    for _ in range(5):
        services.buying_request_create(buyer=buyer, **fields)
    with pytest.raises(ValidationError) as refused:
        services.buying_request_create(buyer=buyer, **fields)
    assert refused.value.code == "rate_limited"
    assert BuyingRequest.objects.filter(buyer=buyer).count() == 5


def test_database_refuses_a_second_quote_from_the_same_business(market):
    from django.db import IntegrityError, transaction

    fields = {"price_usd": Decimal(1), "moq": 1, "lead_time_days": 1, "message": "x"}
    Quote.objects.create(request=market.request, business=market.business, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Quote.objects.create(request=market.request, business=market.business, **fields)


def test_quote_threads_do_not_count_against_the_buyers_inquiry_limit(market):
    for i in range(10):
        business = BusinessFactory()
        ListedProductFactory(business=business, category=market.sub)
        services.quote_create(
            buying_request=market.request,
            business=business,
            author=business.owner,
            price_usd=Decimal("4.00") + i,
            moq=10,
            lead_time_days=5,
            message="Our offer, FOB Dumai.",
        )
    inquiry = services.inquiry_create(
        buyer=market.buyer,
        business=market.business,
        product=market.product,
        quantity=10,
        unit="kg",
        incoterm="FOB",
        destination_country="JP",
        message="Direct question",
    )
    assert inquiry.quote_id is None


@pytest.mark.parametrize(
    ("field", "value"), [("lead_time_days", 400), ("moq", 10**12), ("price_usd", Decimal(10**7))]
)
def test_a_quote_out_of_bounds_is_refused_with_the_models_message(market, field, value):
    """The service runs the model's value rules itself: a caller other than the form (the
    demo, a script) gets the message under the field, not the database's refusal."""
    values = {"price_usd": Decimal("2.10"), "moq": 100, "lead_time_days": 14, field: value}
    with pytest.raises(ValidationError) as refused:
        services.quote_create(
            buying_request=market.request,
            business=market.business,
            author=market.owner,
            message="Our offer, FOB Dumai.",
            **values,
        )
    assert list(refused.value.message_dict) == [field]
    assert not Quote.objects.exists()
