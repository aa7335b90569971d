"""How far a typed value may go: the bounds every door shares.

Models put these on their fields (validators, which ``full_clean()`` runs for the web
forms, the admin, CSV import, the API and the services alike) and into their CHECK
constraints (``moment_q``/``date_q``), so a value is refused with the same message
wherever it comes in, and a write that skips validation still cannot store it.

Dates run from 1 January 2000 to 31 December 2100. A moment (a date and time) is
plausible when it falls on such a date somewhere on Earth: from 2000-01-01 00:00 at
UTC+14 (Pacific/Kiritimati) to 2100-12-31 24:00 at UTC−12. So whatever zone a person
types a time in, every day of the range is accepted; and whatever zone a viewer reads it
in, it stays far from the year 9999, past which neither Python nor PostgreSQL can show a
time (a training ending "9999-12-31 23:59" in a zone west of UTC is stored as year
10000, and every page that loads it fails).
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=UTC) - timedelta(hours=14)  # inclusive
LATEST_MOMENT = datetime(2101, 1, 1, tzinfo=UTC) + timedelta(hours=12)  # exclusive

# Quantities in a product's unit: orders, MOQ, monthly capacity, price-tier ranges. A
# billion pieces (or kilograms) is more than any order a UMKM will see; the 32-bit
# columns hold twice that.
MAX_QUANTITY = 1_000_000_000
# Prices of one unit: a million US dollars, ten billion rupiah.
MAX_PRICE_USD = Decimal(1_000_000)
MAX_PRICE_IDR = Decimal(10_000_000_000)
# A business's assets and yearly turnover: Rp 10 trillion, two hundred times the
# largest medium business (PP 7/2021), far below what the 16-digit columns hold.
MAX_BUSINESS_FIGURE_IDR = Decimal(10_000_000_000_000)
MAX_EMPLOYEES = 100_000
MAX_LEAD_TIME_DAYS = 365
MAX_SHELF_LIFE_DAYS = 3650  # ten years: salt, honey, dried goods
MAX_WEIGHT_GRAMS = 100_000_000  # a hundred tonnes per unit
MAX_SEATS = 1000  # seats of one training session
MAX_SESSION_DAYS = 31  # a longer "session" is a typo in the end date
# A supplier's public profile: photos of the workshop, team and products being made;
# its production capacity as a short line in each language.
MAX_BUSINESS_PHOTOS = 6
CAPACITY_TEXT = 200

# Texts people write, by kind: a reason or comment, a description or message, notes.
SHORT_TEXT = 2000
LONG_TEXT = 5000
NOTES_TEXT = 10000

MSG_DATE_RANGE = _("Enter a date between %(earliest)s and %(latest)s.")


def _range_error() -> ValidationError:
    return ValidationError(
        MSG_DATE_RANGE,
        code="date_range",
        params={
            "earliest": formats.date_format(EARLIEST_DATE),
            "latest": formats.date_format(LATEST_DATE),
        },
    )


def is_plausible(value) -> bool:
    """Whether a date or an aware datetime lies within the bounds (None is not)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:  # not from a form or the API; read it as UTC
            value = value.replace(tzinfo=UTC)
        return EARLIEST_MOMENT <= value < LATEST_MOMENT
    if isinstance(value, date):
        return EARLIEST_DATE <= value <= LATEST_DATE
    return False


def validate_plausible_date(value) -> None:
    """A date from 2000 to 2100; a datetime on such a date in some time zone."""
    if value is not None and not is_plausible(value):
        raise _range_error()


def date_q(field: str, *, null: bool = False) -> Q:
    """The CHECK condition of ``validate_plausible_date`` on a DateField."""
    q = Q(**{f"{field}__gte": EARLIEST_DATE, f"{field}__lte": LATEST_DATE})
    return Q(**{f"{field}__isnull": True}) | q if null else q


def moment_q(field: str, *, null: bool = False) -> Q:
    """The CHECK condition of ``validate_plausible_date`` on a DateTimeField."""
    q = Q(**{f"{field}__gte": EARLIEST_MOMENT, f"{field}__lt": LATEST_MOMENT})
    return Q(**{f"{field}__isnull": True}) | q if null else q


def range_q(field: str, low, high, *, null: bool = False) -> Q:
    """``low <= field <= high`` (or NULL) as a CHECK condition."""
    q = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return Q(**{f"{field}__isnull": True}) | q if null else q


def text_limit(limit: int) -> list:
    """The validators of a TextField of at most ``limit`` characters.

    ``TextField(max_length=…)`` only limits the form field; the validator makes
    ``full_clean()`` refuse a longer text from the API, the services and CSV import.
    """
    return [MaxLengthValidator(limit)]


def repair_range(model, field: str, low, high) -> int:
    """For a migration that adds a range CHECK: move the rows that would break it
    inside. A value out of range in a nullable field becomes NULL (not stated, so that
    the person enters it again); in another field, the nearest bound. Runs in the
    database (no row is read into Python: a year-10000 time could not be)."""
    nullable = model._meta.get_field(field).null
    rows = model._base_manager.all()
    below = rows.filter(**{f"{field}__lt": low})
    above = rows.filter(**{f"{field}__gt": high})
    if nullable:
        return below.update(**{field: None}) + above.update(**{field: None})
    return below.update(**{field: low}) + above.update(**{field: high})
