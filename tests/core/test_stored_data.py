"""``core.stored_data``: decimals, dates and datetimes come back as what they were after
a trip through the database's JSON; dataclasses and tuples come back as their fields."""

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from core import stored_data


@dataclass
class Row:
    name: str
    value: Decimal


def test_tagged_values_survive_json_and_plain_ones_stay_plain():
    value = {
        "usd": Decimal("1E+3"),
        "day": dt.date(2026, 12, 5),
        "at": dt.datetime(2026, 12, 5, 20, 1, tzinfo=dt.UTC),
        "rows": [Row("Mentor Satu", Decimal("6500.25"))],
        "pair": ("a", 1),
        7: {"nested": Decimal("0.10")},
        "text": "$decimal",
    }
    back = stored_data.decode(json.loads(json.dumps(stored_data.encode(value))))
    assert back == {
        "usd": Decimal("1E+3"),
        "day": dt.date(2026, 12, 5),
        "at": dt.datetime(2026, 12, 5, 20, 1, tzinfo=dt.UTC),
        "rows": [{"name": "Mentor Satu", "value": Decimal("6500.25")}],
        "pair": ["a", 1],
        "7": {"nested": Decimal("0.10")},
        "text": "$decimal",
    }
    assert str(back["usd"]) == "1E+3" and str(back["7"]["nested"]) == "0.10"  # exact
