"""Bad values at the outcomes doors get a clear 4xx and change nothing (never a 500)."""

import time
from unittest import mock

import pytest

from outcomes import services
from outcomes.models import BudgetPeriod, MonthlyRate, Shipment

from ..factories import BudgetPeriodFactory, FollowUpFactory, ShipmentFactory
from ..support.forms_as_sent import signed_in


@pytest.mark.parametrize("value", ["abc", "-1", "1" * 40, "²", ""])
def test_budget_delete_with_a_bad_id(cast, value):
    BudgetPeriodFactory()
    response = signed_in(cast.staff).post("/outcomes/staff/budget/", {"delete": value})
    assert response.status_code == 404
    assert BudgetPeriod.objects.count() == 1


@pytest.mark.parametrize(
    "data",
    [
        {"month": "2026-13", "idr_per_usd": "16000"},
        {"month": "9999-01", "idr_per_usd": "16000"},
        {"month": "2026-03", "idr_per_usd": "0"},
        {"month": "2026-03", "idr_per_usd": "1e9"},
        {"month": "2026-03", "idr_per_usd": "NaN"},
    ],
)
def test_bad_rates(cast, data):
    response = signed_in(cast.staff).post("/outcomes/staff/rates/", data)
    assert response.status_code == 400
    assert not MonthlyRate.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"starts_on": "2026-01-01", "ends_on": "2026-06-30", "amount_idr": "-5"},
        {"starts_on": "2026-01-01", "ends_on": "2026-06-30", "amount_idr": "1" * 30},
        {"starts_on": "1900-01-01", "ends_on": "2026-06-30", "amount_idr": "5"},
        {"starts_on": "2026-06-30", "ends_on": "2026-01-01", "amount_idr": "5"},
    ],
)
def test_bad_budget_periods(cast, data):
    response = signed_in(cast.staff).post("/outcomes/staff/budget/", data)
    assert response.status_code == 400
    assert not BudgetPeriod.objects.exists()


@pytest.mark.parametrize("action", ["", "approve", "verify\x00"])
def test_review_with_a_bad_action(cast, action):
    shipment = ShipmentFactory(business=cast.business)
    response = signed_in(cast.staff).post(
        f"/outcomes/staff/shipments/{shipment.pk}/review/", {"action": action}
    )
    assert response.status_code == 400
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.SUBMITTED


def test_reviewing_twice_is_refused_with_a_page(cast):
    shipment = ShipmentFactory(business=cast.business)
    client = signed_in(cast.staff)
    url = f"/outcomes/staff/shipments/{shipment.pk}/review/"
    assert client.post(url, {"action": "verify"}).status_code == 302
    response = client.post(url, {"action": "reject", "reason": "too late"})
    assert response.status_code == 400
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.VERIFIED


@pytest.mark.parametrize("value", ["yesterday", "2026-02-30", "99999-01-01"])
def test_report_with_a_bad_date(cast, value):
    for url in ("/outcomes/staff/report/", "/outcomes/staff/report.xlsx"):
        assert signed_in(cast.staff).get(url, {"as_of": value}).status_code == 400


def test_a_survey_link_of_29_days_still_works(cast):
    follow_up = FollowUpFactory(business=cast.business)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 29 * 86400):
        token = services.survey_token(follow_up)
    response = signed_in(None).get(f"/outcomes/survey/{cast.business.slug}/{token}/")
    assert response.status_code == 200


@pytest.mark.parametrize("token", ["x" * 3000, "%00", "..%2F..%2Fetc"])
def test_odd_survey_tokens(cast, token):
    response = signed_in(None).get(f"/outcomes/survey/{cast.business.slug}/{token}/")
    assert response.status_code in (400, 404)
