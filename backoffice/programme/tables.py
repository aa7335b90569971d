"""Tables of figures: raw values for the exports, formatted text for the page."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import formats
from django.utils.formats import number_format
from django.utils.functional import Promise

DASH = "–"

TEXT, COUNT, HOURS, PERCENT, RATING, USD, SIGNED, MONTH = (
    "text",
    "count",
    "hours",
    "percent",
    "rating",
    "usd",
    "signed",
    "month",  # the first day of a month
)


def format_value(value, kind: str) -> str:
    """How a value reads on the page, in the active language ("–" when unknown)."""
    if value is None or value == "":
        return DASH
    if kind == TEXT:
        return str(value)
    if kind == COUNT:
        return number_format(int(value), 0, force_grouping=True)
    if kind == HOURS:
        return number_format(Decimal(str(value)), 1, force_grouping=True)
    if kind == PERCENT:
        return number_format(Decimal(str(value)), 1) + "%"
    if kind == RATING:
        return number_format(Decimal(str(value)), 1)
    if kind == USD:
        return "US$" + number_format(Decimal(str(value)), 0, force_grouping=True)
    if kind == MONTH:
        return formats.date_format(value, "M Y")
    if kind == SIGNED:
        text = number_format(Decimal(str(value)), 1)
        return ("+" + text) if value > 0 else text.replace("-", "−")
    raise ValueError(kind)


@dataclass(frozen=True)
class Column:
    label: Promise | str
    kind: str = TEXT


@dataclass
class Table:
    """One downloadable table: ``key`` names it in the export URL."""

    key: str
    title: Promise | str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)

    @property
    def headers(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    @property
    def display_rows(self) -> list[list[str]]:
        kinds = [column.kind for column in self.columns]
        return [
            [format_value(value, kind) for value, kind in zip(row, kinds, strict=True)]
            for row in self.rows
        ]

    @property
    def numeric(self) -> list[bool]:
        """Which columns hold numbers (aligned right on the page)."""
        return [column.kind != TEXT for column in self.columns]
