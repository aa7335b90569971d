"""The dashboard's period and filters: what the GET form accepts, and the defaults.

A period is a range of whole days in the viewer's time zone. Calendar periods (this
month, quarter, year) run from their first day up to today and are compared with the
same part of the previous month, quarter or year (1–14 March with 1–14 February); a
whole month, quarter or year (the printed report, or "this month" on its last day) with
the whole previous one (November with all 31 days of October). A custom range is
compared with the range of the same number of days just before it.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from umkm.models import Business
from umkm.regions import PROVINCES

MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
PERIOD_CHOICES = [
    (MONTH, _("This month")),
    (QUARTER, _("This quarter")),
    (YEAR, _("This year")),
    (CUSTOM, _("Custom dates")),
]
UNIT_MONTHS = {MONTH: 1, QUARTER: 3, YEAR: 12}
MAX_DAYS = 5 * 366  # a custom range of at most five years
EARLIEST = dt.date(2000, 1, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of ``day`` in the active time zone, as an aware datetime."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive
    previous_start: dt.date
    previous_end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    # Half-open datetime windows [start, end) in the active time zone.
    @property
    def start_at(self) -> dt.datetime:
        return _start_of(self.start)

    @property
    def end_at(self) -> dt.datetime:
        return _start_of(self.end + dt.timedelta(days=1))

    @property
    def previous_start_at(self) -> dt.datetime:
        return _start_of(self.previous_start)

    @property
    def previous_end_at(self) -> dt.datetime:
        return _start_of(self.previous_end + dt.timedelta(days=1))

    @property
    def label(self) -> str:
        return date_range_label(self.start, self.end)

    @property
    def previous_label(self) -> str:
        return date_range_label(self.previous_start, self.previous_end)


def date_range_label(start: dt.date, end: dt.date) -> str:
    if start == end:
        return formats.date_format(start, "DATE_FORMAT")
    return (
        f"{formats.date_format(start, 'DATE_FORMAT')} – {formats.date_format(end, 'DATE_FORMAT')}"
    )


def calendar_period(kind: str, *, today: dt.date) -> Period:
    """This month, quarter or year up to ``today``, and the same part of the one before."""
    months = UNIT_MONTHS[kind]
    if kind == MONTH:
        start = today.replace(day=1)
    elif kind == QUARTER:
        start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    else:
        start = dt.date(today.year, 1, 1)
    end = min(today, add_months(start, months) - dt.timedelta(days=1))
    return _with_previous_unit(kind, start, end, months)


def month_period(year: int, month: int) -> Period:
    """A whole calendar month, compared with the whole month before (the report)."""
    start = dt.date(year, month, 1)
    end = add_months(start, 1) - dt.timedelta(days=1)
    return _with_previous_unit(MONTH, start, end, 1)


def _with_previous_unit(kind: str, start: dt.date, end: dt.date, months: int) -> Period:
    """The previous unit: whole when this one is whole (all of October for all of
    November, not 1–30 October), else its same first days, capped at its last day."""
    previous_start = add_months(start, -months)
    day_before = start - dt.timedelta(days=1)
    if end == add_months(start, months) - dt.timedelta(days=1):
        previous_end = day_before
    else:
        previous_end = min(previous_start + (end - start), day_before)
    return Period(kind, start, end, previous_start, previous_end)


def custom_period(start: dt.date, end: dt.date) -> Period:
    previous_end = start - dt.timedelta(days=1)
    previous_start = previous_end - (end - start)
    return Period(CUSTOM, start, end, previous_start, previous_end)


@dataclass(frozen=True)
class Filters:
    """Everything the dashboard's figures depend on."""

    period: Period
    city: str = ""
    sector: str = ""
    mentor_id: int | None = None
    mentor_name: str = field(default="", compare=False)

    @property
    def narrows_businesses(self) -> bool:
        return bool(self.city or self.sector or self.mentor_id)

    @property
    def sector_label(self) -> str:
        return str(Business.Sector(self.sector).label) if self.sector else ""

    def query(self) -> dict[str, str]:
        """The GET parameters that reproduce these filters (for export links)."""
        params = {"period": self.period.kind}
        if self.period.kind == CUSTOM:
            params.update(start=self.period.start.isoformat(), end=self.period.end.isoformat())
        if self.city:
            params["city"] = self.city
        if self.sector:
            params["sector"] = self.sector
        if self.mentor_id:
            params["mentor"] = str(self.mentor_id)
        return params

    def querystring(self) -> str:
        return urlencode(self.query())


def default_filters(*, today: dt.date | None = None) -> Filters:
    return Filters(period=calendar_period(MONTH, today=today or timezone.localdate()))


def city_choices() -> list[tuple[str, str]]:
    """Every city and regency a business can be in (the fixed list of ``umkm.regions``,
    which grows with the map, not with the number of businesses: no query)."""
    cities = sorted({city for cities in PROVINCES.values() for city in cities})
    return [(city, city) for city in cities]


def approved_mentor(text: str) -> User | None:
    """The approved mentor (also one whose account was closed: their history counts)
    whose email address, or number (as the dashboard's own links carry it), is ``text``."""
    mentors = User.objects.filter(role=User.Role.MENTOR, mentor_approved_at__isnull=False)
    if text.isascii() and text.isdigit():
        number = int(text)
        return mentors.filter(pk=number).first() if number < 2**63 else None
    return mentors.filter(email__iexact=text).first()


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgrammeFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("Period"),
        choices=PERIOD_CHOICES,
        required=False,
        error_messages={"invalid_choice": _("Choose a period from the list.")},
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter the start date as YYYY-MM-DD.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput(),
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": _("Enter the end date as YYYY-MM-DD.")},
    )
    city = forms.ChoiceField(
        label=_("City or regency"),
        required=False,
        error_messages={"invalid_choice": _("Choose a city from the list.")},
    )
    sector = forms.ChoiceField(
        label=_("Sector"),
        required=False,
        choices=[("", _("All sectors")), *Business.Sector.choices],
        error_messages={"invalid_choice": _("Choose a sector from the list.")},
    )
    # A mentor is typed (their email address), not chosen from a list: a list of every
    # mentor would make the page grow with the programme (2,500 mentors at a million
    # products). The dashboard's links carry the mentor's number instead.
    mentor = forms.CharField(
        label=_("Mentor"),
        required=False,
        max_length=254,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("mentor's email address")}
        ),
    )

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["city"].choices = [("", _("All cities")), *city_choices()]
        self.mentor = None

    def clean_mentor(self) -> str:
        text = self.cleaned_data["mentor"].strip()
        if text:
            self.mentor = approved_mentor(text)
            if self.mentor is None:
                raise forms.ValidationError(
                    _("No approved mentor has this email address."), code="unknown_mentor"
                )
        return text

    def clean(self):
        data = super().clean()
        if data.get("period") != CUSTOM:
            return data
        start, end = data.get("start"), data.get("end")
        if self.has_error("start") or self.has_error("end"):
            return data
        if start is None or end is None:
            raise forms.ValidationError(
                _("Enter both dates for a custom period."), code="dates_missing"
            )
        if start > end:
            raise forms.ValidationError(
                _("The start date is after the end date."), code="dates_reversed"
            )
        if start < EARLIEST:
            raise forms.ValidationError(
                _("Choose dates from the year 2000 on."), code="dates_too_early"
            )
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(
                _("Choose a period of at most five years."), code="dates_too_long"
            )
        return data

    def filters(self) -> Filters:
        """The valid filters, or the defaults when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return default_filters(today=self.today)
        data = self.cleaned_data
        kind = data.get("period") or MONTH
        if kind == CUSTOM:
            period = custom_period(data["start"], data["end"])
        else:
            period = calendar_period(kind, today=self.today)
        mentor = self.mentor
        return Filters(
            period=period,
            city=data.get("city") or "",
            sector=data.get("sector") or "",
            mentor_id=mentor.pk if mentor else None,
            mentor_name=(mentor.full_name or mentor.email) if mentor else "",
        )


class ReportMonthForm(forms.Form):
    month = forms.CharField(label=_("Month"), required=False, max_length=7)

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    @property
    def default_month(self) -> dt.date:
        return add_months(self.today.replace(day=1), -1)

    def clean_month(self) -> dt.date:
        text = self.cleaned_data["month"].strip()
        if not text:
            return self.default_month
        try:
            year, month = (int(part) for part in text.split("-"))
            first = dt.date(year, month, 1)
        except ValueError:
            raise forms.ValidationError(
                _("Enter the month as YYYY-MM, e.g. 2025-03."), code="invalid"
            ) from None
        if first < EARLIEST or first > self.today.replace(day=1):
            raise forms.ValidationError(
                _("Choose a month between January 2000 and this month."), code="out_of_range"
            )
        return first

    def period(self) -> Period:
        first = self.default_month
        if self.is_bound and self.is_valid():
            first = self.cleaned_data["month"]
        return month_period(first.year, first.month)
