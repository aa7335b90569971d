"""The programme's figures as stored data: what ``ProgrammeSnapshot.data`` holds.

A snapshot keeps the result of each aggregate query of ``Programme`` (its "parts": the
cached properties listed in ``PARTS``), not the finished page. Reading one puts those
results back into a ``Programme`` as if it had just run its queries, so every figure,
table, chart and definition on the page comes from the same code whether the numbers
were computed now or by the beat job: the definitions cannot drift apart.

The parts hold plain values (counts, decimals, dates), JSON with a tag for the two
types JSON lacks (``core.stored_data``). Only the mentors' table is cut, to its first
``MENTORS_KEPT`` rows (the page shows the first ones and links to the full export, which
is computed live).
"""

import datetime as dt
import hashlib
import json

from django.utils import timezone

from core import stored_data

from ..models import ProgrammeSnapshot
from .figures import MentorRow, Programme
from .periods import (
    MONTH,
    QUARTER,
    YEAR,
    Filters,
    Period,
    add_months,
    calendar_period,
    month_period,
)
from .sections import SECTIONS, Section

MENTORS_KEPT = 20

# The cached properties of Programme whose values a snapshot stores; everything the
# dashboard and the report show is derived from these (and the small category table).
PARTS = [
    "business_groups",
    "approved_mentors",
    "mentoring",
    "sessions",
    "registrations",
    "products",
    "export_ready",
    "inquiries",
    "first_replies",
    "buying_requests",
    "funnel_counts",
    "mentors",
    "mentor_count",
    "months",
    "monthly",
    "category_counts",
    "readiness",
]


def facts_of(programme: Programme) -> dict:
    """Run every part's query (if not run yet) and return the parts, and the added
    sections' figures, as JSON data."""
    values = {part: getattr(programme, part) for part in PARTS}
    values["mentors"] = values["mentors"][:MENTORS_KEPT]
    values["sections"] = {
        section.key: section.figures(programme.filters, programme.today) for section in SECTIONS
    }
    return stored_data.encode(values)


def section_figures(programme: Programme, data: dict) -> list[tuple[Section, object]]:
    """Each added section with its figures: stored ones, or computed now for a section
    newer than the snapshot."""
    stored = data.get("sections", {})
    return [
        (
            section,
            stored_data.decode(stored[section.key])
            if section.key in stored
            else section.figures(programme.filters, programme.today),
        )
        for section in SECTIONS
    ]


def programme_from(filters: Filters, today: dt.date, data: dict) -> Programme:
    """A ``Programme`` whose parts are the stored ones: it runs no aggregate query."""
    programme = Programme(filters, today=today)
    values = {part: stored_data.decode(data[part]) for part in PARTS}
    values["mentors"] = [MentorRow(**row) for row in values["mentors"]]
    values["monthly"] = [tuple(row) for row in values["monthly"]]
    values["category_counts"] = [tuple(row) for row in values["category_counts"]]
    values["readiness"] = [tuple(row) for row in values["readiness"]]
    programme.__dict__.update(values)  # what each cached_property would have stored
    return programme


# Which figures a snapshot is for ---------------------------------------------------


def filters_data(filters: Filters) -> dict:
    """The filters as JSON, with the time zone whose days the windows follow."""
    period = filters.period
    return {
        "kind": period.kind,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "previous_start": period.previous_start.isoformat(),
        "previous_end": period.previous_end.isoformat(),
        "city": filters.city,
        "sector": filters.sector,
        "mentor_id": filters.mentor_id,
        "mentor_name": filters.mentor_name,
        "time_zone": timezone.get_current_timezone_name(),
    }


def filters_from(data: dict) -> Filters:
    period = Period(
        data["kind"],
        dt.date.fromisoformat(data["start"]),
        dt.date.fromisoformat(data["end"]),
        dt.date.fromisoformat(data["previous_start"]),
        dt.date.fromisoformat(data["previous_end"]),
    )
    return Filters(
        period=period,
        city=data["city"],
        sector=data["sector"],
        mentor_id=data["mentor_id"],
        mentor_name=data["mentor_name"],
    )


def snapshot_key(filters: Filters, today: dt.date) -> str:
    """One key per day, time zone, period dates and filters (the mentor's shown name and
    the period's kind do not change a figure, so they are left out)."""
    data = filters_data(filters)
    data.pop("mentor_name")
    data.pop("kind")
    data["today"] = today.isoformat()
    text = json.dumps(data, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# The stored figures of a view --------------------------------------------------------


def programme_snapshot_stored(*, filters: Filters, today: dt.date) -> ProgrammeSnapshot | None:
    return ProgrammeSnapshot.objects.filter(key=snapshot_key(filters, today)).first()


def programme_of(snapshot: ProgrammeSnapshot, *, filters: Filters) -> Programme:
    """The ``Programme`` of the stored figures (it runs no aggregate query)."""
    return programme_from(filters, snapshot.day, snapshot.data)


def is_usual(filters: Filters, *, today: dt.date) -> bool:
    """One of the views the beat job keeps computed (see ``usual_filters``)."""
    key = snapshot_key(filters, today)
    return any(snapshot_key(usual, today) == key for usual in usual_filters(today=today))


def usual_filters(*, today: dt.date) -> list[Filters]:
    """What staff open most: the whole programme this month, quarter and year, and the
    last full month (the printed report's default)."""
    last_month = add_months(today.replace(day=1), -1)
    return [
        *(Filters(period=calendar_period(kind, today=today)) for kind in (MONTH, QUARTER, YEAR)),
        Filters(period=month_period(last_month.year, last_month.month)),
    ]
