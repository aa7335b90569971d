"""The hourly sweep closes buying requests after their validity date."""

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.tasks import hourly_sweep

from ...support.buying_requests import make_request

pytestmark = pytest.mark.django_db


def test_requests_close_after_their_validity_date(market):
    today = timezone.localdate()
    ending_today = make_request(market.other_buyer, market.sub, valid_until=today)
    yesterday = make_request(market.other_buyer, market.sub, valid_until=today - timedelta(days=1))
    assert hourly_sweep()["closed"] == 1
    yesterday.refresh_from_db()
    ending_today.refresh_from_db()
    market.request.refresh_from_db()
    assert yesterday.status == "closed"
    assert ending_today.status == "open"
    assert market.request.status == "open"
    assert hourly_sweep()["closed"] == 0
