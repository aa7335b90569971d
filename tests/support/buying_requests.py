"""Helpers the buying-request tests share: a buying request as the buyer posted it."""

from datetime import timedelta

from django.utils import timezone

from marketplace.models import BuyingRequest


def make_request(buyer, category, **fields) -> BuyingRequest:
    values = {
        "title": "Dried pineapple, 2 tonnes",
        "description": "Unsweetened dried pineapple rings, 10 kg cartons.",
        "quantity": 2000,
        "unit": "kg",
        "destination_country": "JP",
        "valid_until": timezone.localdate() + timedelta(days=30),
    }
    values.update(fields)
    return BuyingRequest.objects.create(buyer=buyer, category=category, **values)
