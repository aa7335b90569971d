"""The monthly report compares a whole month with the whole month before (issue 15:
November was compared with "1–30 Oktober", dropping 31 October). Dates by hand."""

import datetime as dt

import pytest
from django.utils import translation

from backoffice.programme.periods import MONTH, QUARTER, YEAR, calendar_period, month_period

from ..support.forms_as_sent import signed_in

D = dt.date


@pytest.mark.parametrize(
    ("year", "month", "previous"),
    [
        (2026, 11, (D(2026, 10, 1), D(2026, 10, 31))),  # 30 days against all 31
        (2026, 3, (D(2026, 2, 1), D(2026, 2, 28))),  # 31 days against 28
        (2024, 3, (D(2024, 2, 1), D(2024, 2, 29))),  # a leap February
        (2026, 1, (D(2025, 12, 1), D(2025, 12, 31))),  # across the new year
        (2026, 5, (D(2026, 4, 1), D(2026, 4, 30))),
    ],
)
def test_a_whole_month_is_compared_with_the_whole_month_before(year, month, previous):
    period = month_period(year, month)
    assert (period.previous_start, period.previous_end) == previous


@pytest.mark.parametrize(
    ("kind", "today", "expected"),
    [
        # On the last day of November "this month" is whole: all of October.
        (MONTH, D(2026, 11, 30), (D(2026, 10, 1), D(2026, 10, 31))),
        # Part of a month: the same first days of the month before.
        (MONTH, D(2026, 11, 29), (D(2026, 10, 1), D(2026, 10, 29))),
        # A whole first quarter (90 days) against the whole last one (92 days).
        (QUARTER, D(2026, 3, 31), (D(2025, 10, 1), D(2025, 12, 31))),
        (YEAR, D(2025, 12, 31), (D(2024, 1, 1), D(2024, 12, 31))),
    ],
)
def test_a_whole_calendar_period_is_compared_with_the_whole_one_before(kind, today, expected):
    period = calendar_period(kind, today=today)
    assert (period.previous_start, period.previous_end) == expected


@pytest.mark.parametrize(
    ("language", "previous"),
    [("en", "1 Oct 2026 – 31 Oct 2026"), ("id", "1 Okt 2026 – 31 Okt 2026")],
)
def test_the_november_report_names_all_of_october(cast, language, previous):
    cast.staff.language = language
    cast.staff.save(update_fields=["language"])
    content = signed_in(cast.staff).get("/staff/report/?month=2026-11").content.decode()
    with translation.override(language):
        assert previous in content
    assert "30 Oct 2026" not in content and "30 Okt 2026" not in content


@pytest.mark.parametrize("role", ["anonymous", "owner", "mentor", "buyer"])
def test_only_staff_see_the_report(client, cast, role):
    user = cast[role]
    if user is not None:
        client.force_login(user)
    response = client.get("/staff/report/?month=2026-11")
    assert response.status_code in (302, 403, 404)
