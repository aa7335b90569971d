"""One date and number style everywhere, unambiguous in both languages.

Dates: day, short month name, full year — "5 Dec 2026" / "5 Des 2026" (the
``DATE_FORMAT`` of ``core/formats/<language>/formats.py``). Times: 24-hour with the
zone they are shown in — "14:30 WIB" (the viewer's zone on pages, the recipient's in
emails and notifications).

Numbers:
- counts and quantities follow the language: "2,400" in English, "2.400" in
  Indonesian (grouped from 1,000 on; decimals with the language's separator);
- money is written in its currency's own convention in both languages, so that the
  same amount reads the same to an owner and a buyer: rupiah "Rp 25.000" (dots, no
  cents), US dollars "US$ 1,250.50" (commas, two decimals).

Templates get the same functions as filters (``core.templatetags.formatting``, loaded
everywhere): ``|day``, ``|moment``, ``|number``, ``|rupiah``, ``|usd``.
"""

import datetime as dt
import zoneinfo
from decimal import ROUND_HALF_UP, Decimal

from django.utils import formats, timezone
from django.utils.numberformat import format as number_format


def format_date(value: dt.date | None) -> str:
    """ "5 Dec 2026" / "5 Des 2026"; a datetime is first put in the active zone."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


def format_datetime(value: dt.datetime | None, zone: str | dt.tzinfo | None = None) -> str:
    """ "5 Dec 2026, 14:30 WIB": in ``zone`` (a name or tzinfo), else the active zone."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        if isinstance(zone, str):
            try:
                zone = zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = None
        value = timezone.localtime(value, zone)
    return formats.date_format(value, "DATETIME_FORMAT")


def format_number(value, decimals: int | None = None) -> str:
    """A count or quantity in the active language: "2,400" / "2.400"; "2.5" / "2,5"."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    return number_format(
        value,
        decimal_sep=formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


def format_rupiah(value) -> str:
    """ "Rp 25.000" in both languages (rupiah have no cents in practice)."""
    if value is None or value == "":
        return ""
    whole = Decimal(value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    amount = number_format(whole, ".", grouping=3, thousand_sep=".", force_grouping=True)
    return f"Rp {amount}"


def format_usd(value) -> str:
    """ "US$ 1,250.50" in both languages."""
    if value is None or value == "":
        return ""
    cents = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    amount = number_format(
        cents, ".", decimal_pos=2, grouping=3, thousand_sep=",", force_grouping=True
    )
    return f"US$ {amount}"


def format_value(value, *, zone: str | None = None) -> str:
    """Any value put into a sentence (notification texts): dates, times, numbers in
    the style above, anything else as ``str``."""
    if isinstance(value, dt.datetime):
        return format_datetime(value, zone)
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | Decimal):
        return format_number(value)
    return str(value)
