"""Bring stored values inside the bounds that the next migration's CHECK constraints
enforce (see ``core.bounds``), so that adding them cannot fail on existing rows: a
nullable value out of range becomes "not stated", a required one the nearest bound.
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.db import migrations

from core.bounds import repair_range

# Frozen here as they were when the constraints were added.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2100, 12, 31)
EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=UTC) - timedelta(hours=14)
LATEST_MOMENT = datetime(2101, 1, 1, tzinfo=UTC) + timedelta(hours=12)
MAX_QUANTITY = 1_000_000_000
CENT = Decimal("0.01")
# Prices are only bounded below here; above, by their columns (10 and 12 digits).
TEN_DIGITS, TWELVE_DIGITS = Decimal("99999999.99"), Decimal("9999999999.99")


def repair(apps, schema_editor):
    ExchangeRate = apps.get_model("marketplace", "ExchangeRate")
    Inquiry = apps.get_model("marketplace", "Inquiry")
    BuyingRequest = apps.get_model("marketplace", "BuyingRequest")
    Quote = apps.get_model("marketplace", "Quote")

    repair_range(ExchangeRate, "idr_per_usd", 1, Decimal(1_000_000))
    repair_range(ExchangeRate, "valid_from", EARLIEST_MOMENT, LATEST_MOMENT - timedelta(hours=1))

    repair_range(Inquiry, "quantity", 1, MAX_QUANTITY)
    repair_range(Inquiry, "target_price_usd", CENT, TEN_DIGITS)
    repair_range(Inquiry, "deal_value_usd", 0, TWELVE_DIGITS)

    repair_range(BuyingRequest, "quantity", 1, MAX_QUANTITY)
    repair_range(BuyingRequest, "target_price_usd", CENT, TEN_DIGITS)
    repair_range(BuyingRequest, "valid_until", EARLIEST_DATE, LATEST_DATE)

    repair_range(Quote, "price_usd", CENT, TEN_DIGITS)
    repair_range(Quote, "moq", 1, MAX_QUANTITY)
    repair_range(Quote, "lead_time_days", 0, 365)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(repair, migrations.RunPython.noop),
    ]
