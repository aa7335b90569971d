"""The programme dashboard's figures, each checked against a hand count.

The data set: March 2026 is the period, February 2026 the previous one, "today" is
15 April 2026 (for the figures of today: readiness and listings). Every expected number
below is worked out in a comment from the rows the fixture creates.

Businesses (active unless said otherwise)
  A  Pekanbaru, food,   registered 10 Jan, verified 5 Feb   mentor M1 since 15 Jan
  B  Pekanbaru, crafts, registered 10 Feb, verified 5 Mar   M2 20 Feb–10 Mar, then M1 from 15 Mar
  C  Dumai,     food,   registered 3 Mar,  not verified     no mentor
  D  Dumai,     crafts, registered 20 Mar, verified 25 Mar  no mentor
  E  Pekanbaru, food,   inactive (never counted), mentor M2, in every table below
  F  Pekanbaru, food,   registered 2 Apr (after the period)
Mentors: M1 approved Dec 2025, M2 approved 2 Mar 2026, M3 approved 10 Apr 2026.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from backoffice.programme.figures import Programme
from backoffice.programme.periods import (
    MONTH,
    QUARTER,
    YEAR,
    Filters,
    ProgrammeFilterForm,
    ReportMonthForm,
    calendar_period,
    custom_period,
    month_period,
)
from mentoring.readiness.selectors import business_readiness, readiness_scores
from umkm.models import Business, Certification

from ..factories import (
    BusinessFactory,
    CertificationFactory,
    ListedProductFactory,
)
from .march_2026 import at, business

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 4, 15)
MARCH = month_period(2026, 3)


@pytest.fixture(autouse=True)
def _indonesian():
    """Labels and number formats as staff see them by default (whatever ran before)."""
    with translation.override("id"):
        yield


def programme(period=MARCH, **filters) -> Programme:
    return Programme(Filters(period=period, **filters), today=TODAY)


def values(p: Programme) -> dict:
    return {key: (figure.value, figure.previous) for key, figure in p.figures.items()}


# --------------------------------------------------------------------------- headline


def test_business_figures(march_2026):
    got = values(programme())
    # End of March: A, B, C, D (E inactive, F registered in April); end of February: A, B.
    assert got["businesses"] == (4, 2)
    # New in March: C, D; in February: B.
    assert got["businesses_new"] == (2, 1)
    # Verified by 31 March: A, B, D; by 28 February: A.
    assert got["verified"] == (3, 1)
    # 3 / 4 = 75 %; 1 / 2 = 50 %.
    assert got["verified_share"] == (75.0, 50.0)
    # Running mentorships at the end of March: A–M1, B–M1. End of February: A–M1, B–M2.
    assert got["mentored"] == (2, 2)
    # M1 and M2 approved by 31 March (M3 in April, the pending one never); by February: M1.
    assert got["approved_mentors"] == (2, 1)


def test_mentoring_and_training_figures(march_2026):
    got = values(programme())
    # March logs: A 2.0 + B (M2) 1.0 + B (M1) 0.5 = 3.5 (E inactive, the April log out);
    # February: 1.5.
    assert got["mentoring_hours"] == (Decimal("3.5"), Decimal("1.5"))
    # Done sessions that started in March: S1, S2 (S4 cancelled); in February: S3.
    assert got["trainings_held"] == (2, 1)
    # Seats: S1 A attended, B no-show, C attended (D cancelled, E inactive) + S2 D confirmed
    # (A only waitlisted) = 4; February: S3 A = 1.
    assert got["seats_filled"] == (4, 1)
    # Attended ÷ (attended + no-show): 2 / 3 = 66.7 %; February 1 / 1 = 100 %.
    assert got["attendance_rate"] == (66.7, 100.0)
    # Ratings in March: 5, 4 → 4.5 (E's 1 is of an inactive business); February: 3.
    assert got["avg_feedback"] == (4.5, 3.0)


def test_product_and_buyer_figures(march_2026):
    got = values(programme())
    # First listed in March: PA1, PB1, PD1 (archived since; E's is inactive); Feb: PA2.
    assert got["products_listed"] == (3, 1)
    # Listed today: PA1, PA2, PB1; export-ready: PA1 only (PA2 lacks photos, B has no
    # completed training) → 1 / 3 = 33.3 %, a figure of today.
    figures = programme().figures
    assert figures["export_ready_share"].value == 33.3
    assert figures["export_ready_share"].change is None
    # Inquiries sent in March: I1–I4 (I5 is spam, I7 answers a buying request, I8's
    # business is inactive); February: I6.
    assert got["inquiries"] == (4, 1)
    # Buying requests posted in March: BR1, BR2; February: BR3.
    assert got["buying_requests"] == (2, 1)
    # First replies in March: I1 4 h, I2 24 h, I3 1 h → median 4 h; February: I6 2 h.
    assert got["median_first_reply_hours"] == (4.0, 2.0)
    # Deals on the March conversations: I1 ($1,200) and the quote thread I7 ($500);
    # February: I6 ($300).
    assert got["deals_won"] == (2, 1)
    assert got["deals_value_usd"] == (Decimal("1700.00"), Decimal("300.00"))


def test_changes_against_the_previous_period(march_2026):
    figures = programme().figures
    # 4 businesses against 2: +2, +100 %.
    change = figures["businesses"].change
    assert (change.direction, change.absolute, change.percent) == ("up", 2, 100.0)
    assert change.text == "+2 (+100,0%)"
    # Hours 3.5 against 1.5: +2.0, +133.3 %.
    assert figures["mentoring_hours"].change.percent == 133.3
    # Shares change in points: 75 % against 50 % is +25 points, no per cent of a per cent.
    change = figures["verified_share"].change
    assert (change.direction, change.absolute, change.percent) == ("up", 25.0, None)
    # Attendance went down from 100 % to 66.7 %.
    assert figures["attendance_rate"].change.direction == "down"
    assert figures["attendance_rate"].change.absolute == -33.3
    # Mentored stayed at 2.
    assert figures["mentored"].change.direction == "same"


def test_new_when_the_previous_period_had_none(march_2026):
    # 1–31 Jan 2026 against 1–31 Dec 2025: A registered in January, nothing before.
    figures = programme(month_period(2026, 1)).figures
    assert figures["businesses"].value == 1
    assert figures["businesses"].previous == 0
    assert figures["businesses"].change.direction == "new"
    assert figures["businesses"].change.percent is None


def test_an_empty_period_is_all_zeros_and_dashes(march_2026):
    p = programme(custom_period(dt.date(2021, 1, 1), dt.date(2021, 1, 31)))
    figures = p.figures
    for key in [
        "businesses",
        "businesses_new",
        "verified",
        "mentored",
        "approved_mentors",
        "trainings_held",
        "seats_filled",
        "products_listed",
        "inquiries",
        "buying_requests",
        "deals_won",
    ]:
        assert figures[key].value == 0, key
        assert figures[key].change.direction == "same", key
    assert figures["mentoring_hours"].value == 0
    assert figures["deals_value_usd"].value == 0
    # Nothing to divide by: shown as "–", never a division by zero.
    for key in ["verified_share", "attendance_rate", "avg_feedback", "median_first_reply_hours"]:
        assert figures[key].value is None, key
        assert figures[key].text == "–"
        assert figures[key].change is None
    assert [step.count for step in p.funnel] == [0] * 7
    assert all(row[1] == 0 for row in p.table("monthly").rows)
    assert p.table("cities").rows == []


def test_an_empty_database_renders_every_table(db):
    p = programme()
    for key in Programme.TABLES:
        p.table(key)  # no error
    assert p.figures["export_ready_share"].text == "–"


# --------------------------------------------------------------------------- funnel


def test_funnel_counts_each_step_with_the_steps_before(march_2026):
    steps = {step.key: step for step in programme().funnel}
    # Registered by 31 March: A, B, C, D.
    assert steps["registered"].count == 4
    # Verified: A, B, D → 3 / 4 = 75 %.
    assert (steps["verified"].count, steps["verified"].conversion) == (3, 75.0)
    # And mentored (a mentorship started): A, B (D never had a mentor) → 2 / 3 = 66.7 %.
    assert (steps["mentored"].count, steps["mentored"].conversion) == (2, 66.7)
    # And attended a training: A (B did not come to S1) → 1 / 2 = 50 %.
    assert (steps["trained"].count, steps["trained"].conversion) == (1, 50.0)
    # And listed, got an inquiry, won a deal: A each time.
    assert [steps[k].count for k in ("listed", "inquiry", "deal")] == [1, 1, 1]
    assert steps["deal"].conversion == 100.0
    assert steps["deal"].of_registered == 25.0


def test_funnel_at_the_end_of_february(march_2026):
    steps = {step.key: step.count for step in programme(month_period(2026, 2)).funnel}
    # A and B registered; A verified; A mentored; A trained (S3); A listed (PA2);
    # A's inquiry I6 and its deal.
    assert steps == {
        "registered": 2,
        "verified": 1,
        "mentored": 1,
        "trained": 1,
        "listed": 1,
        "inquiry": 1,
        "deal": 1,
    }


# --------------------------------------------------------------------------- mentors


def test_per_mentor_table(march_2026):
    rows = {row.name: row for row in programme().mentors}
    # M3 was approved after March: not in March's table.
    assert set(rows) == {"Mentor Satu", "Mentor Dua"}
    m1, m2 = rows["Mentor Satu"], rows["Mentor Dua"]
    # M1: A and B running at the end of March.
    assert m1.mentees == 2
    # March logs: A 2.0 + B 0.5.
    assert m1.hours == Decimal("2.5")
    # S1 (S4 was cancelled): attended A, C; no-show B → 2 / 3.
    assert (m1.trainings, m1.attended, m1.no_show, m1.attendance) == (1, 2, 1, 66.7)
    assert m1.feedback == 4.5
    # Readiness today: A 88 (7 of 8: no contact details), B 83 (5 of 6: no training);
    # at the start 50 and 60 → gains 38 and 23 → 30.5 on average.
    assert m1.gain == 30.5
    # Listed today: A's PA1, PA2 and B's PB1; March inquiries: A's I1, I2 and B's I3, I4.
    assert (m1.listed, m1.inquiries) == (3, 4)
    # M2: B's mentorship ended on 10 March and E is inactive → no mentee, no gain.
    assert (m2.mentees, m2.gain, m2.listed, m2.inquiries) == (0, None, 0, 0)
    # B's log of 8 March (E's inactive business left out).
    assert m2.hours == Decimal("1.0")
    # S2 took place but nobody was checked in: no attendance rate, no feedback.
    assert (m2.trainings, m2.attendance, m2.feedback) == (1, None, None)
    # The most hours first.
    assert [row.name for row in programme().mentors] == ["Mentor Satu", "Mentor Dua"]


# --------------------------------------------------------------------------- charts


def test_monthly_series(march_2026):
    rows = {row[0]: row[1:] for row in programme().table("monthly").rows}
    # Twelve months up to March 2026.
    assert next(iter(rows)) == dt.date(2025, 4, 1)
    assert list(rows)[-1] == dt.date(2026, 3, 1)
    assert len(rows) == 12
    # (new businesses, listings, inquiries): Jan A; Feb B, PA2, I6; Mar C D, PA1 PB1 PD1,
    # I1–I4.
    assert rows[dt.date(2026, 1, 1)] == [1, 0, 0]
    assert rows[dt.date(2026, 2, 1)] == [1, 1, 1]
    assert rows[dt.date(2026, 3, 1)] == [2, 3, 4]
    assert rows[dt.date(2025, 12, 1)] == [0, 0, 0]


def test_a_month_boundary_follows_the_site_time_zone(march_2026):
    # 1 April 00:30 in Jakarta is still 31 March in UTC: it belongs to April.
    late = business("G", city="Pekanbaru", sector="food", created=at(2026, 4, 1, 0, 30))
    assert programme().figures["businesses"].value == 4
    april = programme(month_period(2026, 4)).table("monthly").rows[-1]
    assert april[0] == dt.date(2026, 4, 1)
    assert april[1] == 2  # F and G
    assert late.created_at.astimezone(dt.UTC).day == 31  # 31 March in UTC


def test_bars_by_city_sector_scale_and_category(march_2026):
    p = programme()
    # City: Pekanbaru A, B (both verified, both mentored, none new); Dumai C, D (both new,
    # D verified).
    assert p.table("cities").rows == [["Dumai", 2, 2, 1, 0], ["Pekanbaru", 2, 0, 2, 2]]
    sectors = {row[0]: row[1] for row in p.table("sectors").rows}
    assert sectors == {"Makanan dan minuman": 2, "Kerajinan": 2}
    assert p.table("scales").rows[0][1] == 4
    # Listed today by top-level category: PA1, PA2 under "Makanan"; PB1 "Kerajinan".
    assert p.table("categories").rows == [["Makanan", 2], ["Kerajinan", 1]]


def test_readiness_distribution(march_2026):
    # Today: A 88, B 83, C 25 (2 of 8), D 17 (1 of 6: only its verified NIB).
    p = programme()
    rows = dict(p.table("readiness").rows)
    assert rows == {"0–19": 1, "20–39": 1, "40–59": 0, "60–79": 0, "80–99": 2, "100": 0}
    # The dashboard's own path (listed products counted once for all) agrees with the
    # checklist the owners see.
    scores = {pk: facts["score"] for pk, facts in p.business_facts.items()}
    assert scores == {
        b.pk: business_readiness(b, facts=None).score
        for b in Business.objects.filter(pk__in=scores)
    }


def test_bulk_readiness_agrees_with_the_checklist(march_2026):
    businesses = Business.objects.filter(
        pk__in=[
            march_2026.a.pk,
            march_2026.b.pk,
            march_2026.c.pk,
            march_2026.d.pk,
        ]
    )
    # More variety: an expired Halal certificate, an unverified permit, WhatsApp only.
    g = BusinessFactory(whatsapp="0812", contact_email="g@example.com", verified_at=at(2026, 1, 2))
    CertificationFactory(business=g, kind=Certification.Kind.HALAL, expires_on=dt.date(2026, 1, 1))
    CertificationFactory(business=g, kind=Certification.Kind.BPOM_MD, verified_at=None)
    h = BusinessFactory(sector="fashion", phone="1", contact_email="h@example.com")
    ListedProductFactory(business=h)
    ids = [*businesses.values_list("pk", flat=True), g.pk, h.pk]
    scores = readiness_scores(Business.objects.filter(pk__in=ids))
    expected = {b.pk: business_readiness(b).score for b in Business.objects.filter(pk__in=ids)}
    assert scores == expected
    assert scores[march_2026.a.pk] == 88
    assert len(set(scores.values())) >= 4  # the data set really varies


def test_bulk_readiness_costs_one_query(march_2026, django_assert_num_queries):
    with django_assert_num_queries(1):
        readiness_scores(Business.objects.all())


# --------------------------------------------------------------------------- filters


def test_city_filter(march_2026):
    got = values(programme(city="Dumai"))
    assert got["businesses"] == (2, 0)  # C, D
    assert got["verified"] == (1, 0)  # D
    assert got["mentored"] == (0, 0)  # businesses without mentors
    assert got["approved_mentors"] == (0, 0)  # no mentor has a Dumai mentee
    assert got["mentoring_hours"] == (0, 0)
    # Sessions where a Dumai business had a seat: S1 (C) and S2 (D).
    assert got["trainings_held"] == (2, 0)
    assert got["seats_filled"] == (2, 0)  # C attended, D confirmed
    assert got["attendance_rate"] == (100.0, None)  # 1 / 1; nobody expected in Feb
    assert got["avg_feedback"] == (4.0, None)
    assert got["products_listed"] == (1, 0)  # PD1
    assert programme(city="Dumai").figures["export_ready_share"].value is None  # none listed
    assert got["inquiries"] == (0, 0)  # I5 is spam, I7 a quote thread
    assert got["deals_won"] == (1, 0)  # I7
    assert got["deals_value_usd"] == (Decimal("500.00"), 0)
    assert got["buying_requests"] == (1, 0)  # BR1, quoted by D
    assert [s.count for s in programme(city="Dumai").funnel] == [2, 1, 0, 0, 0, 0, 0]


def test_sector_filter(march_2026):
    got = values(programme(sector="crafts"))
    assert got["businesses"] == (2, 1)  # B, D; in February B
    assert got["products_listed"] == (2, 0)  # PB1, PD1
    assert got["inquiries"] == (2, 0)  # I3, I4
    assert [row[0] for row in programme(sector="crafts").table("sectors").rows] == ["Kerajinan"]


def test_mentor_filter_keeps_that_mentors_mentees(march_2026):
    p = programme(mentor_id=march_2026.m1.pk)
    got = values(p)
    # Mentees of M1 (a mentorship started): A and B.
    assert got["businesses"] == (2, 2)
    # Running with M1 at the end of March: A, B; at the end of February: A only.
    assert got["mentored"] == (2, 1)
    # Only M1's logs: 2.0 + 0.5 (B's log with M2 is not M1's).
    assert got["mentoring_hours"] == (Decimal("2.5"), Decimal("1.5"))
    assert got["approved_mentors"] == (1, 1)
    assert got["inquiries"] == (4, 1)
    assert [row.name for row in p.mentors] == ["Mentor Satu"]


def test_filters_combine(march_2026):
    got = values(programme(city="Pekanbaru", sector="food"))
    assert got["businesses"] == (1, 1)  # A
    assert got["inquiries"] == (2, 1)  # I1, I2; I6
    assert values(programme(city="Dumai", mentor_id=march_2026.m1.pk))["businesses"] == (
        0,
        0,
    )


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize(
    ("kind", "today", "expected"),
    [
        # This month up to today, against the same days of last month.
        (MONTH, dt.date(2026, 3, 14), ("2026-03-01", "2026-03-14", "2026-02-01", "2026-02-14")),
        # 31 March against February: February ends on the 28th.
        (MONTH, dt.date(2026, 3, 31), ("2026-03-01", "2026-03-31", "2026-02-01", "2026-02-28")),
        (MONTH, dt.date(2026, 1, 5), ("2026-01-01", "2026-01-05", "2025-12-01", "2025-12-05")),
        (QUARTER, dt.date(2026, 5, 10), ("2026-04-01", "2026-05-10", "2026-01-01", "2026-02-09")),
        (YEAR, dt.date(2026, 2, 1), ("2026-01-01", "2026-02-01", "2025-01-01", "2025-02-01")),
    ],
)
def test_calendar_periods(kind, today, expected):
    period = calendar_period(kind, today=today)
    got = (period.start, period.end, period.previous_start, period.previous_end)
    assert tuple(day.isoformat() for day in got) == expected


def test_custom_period_is_compared_with_as_many_days_before():
    period = custom_period(dt.date(2026, 3, 10), dt.date(2026, 3, 19))
    assert (period.previous_start, period.previous_end) == (
        dt.date(2026, 2, 28),
        dt.date(2026, 3, 9),
    )
    assert period.days == 10


def test_report_month_is_the_whole_month_against_the_whole_month_before():
    period = month_period(2026, 3)
    assert (period.start, period.end) == (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (period.previous_start, period.previous_end) == (
        dt.date(2026, 2, 1),
        dt.date(2026, 2, 28),
    )


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"period": "custom", "start": "2026-03-10", "end": "2026-03-01"}, "after the end date"),
        ({"period": "custom", "start": "2020-01-01", "end": "2026-03-01"}, "five years"),
        ({"period": "custom", "start": "2026-03-01"}, "both dates"),
        ({"period": "custom", "start": "1.3.2026", "end": "2026-03-10"}, "YYYY-MM-DD"),
        ({"period": "custom", "start": "1999-12-01", "end": "2000-01-10"}, "year 2000"),
        ({"period": "fortnight"}, "period from the list"),
        ({"city": "Atlantis"}, "city from the list"),
        ({"sector": "mining"}, "sector from the list"),
        ({"mentor": "abc"}, "No approved mentor has this email address."),
        ({"mentor": "999999"}, "No approved mentor has this email address."),
        ({"mentor": "9" * 30}, "No approved mentor has this email address."),
        ({"mentor": "²"}, "No approved mentor has this email address."),
        ({"mentor": "x" * 300}, "at most 254 characters"),
    ],
)
def test_bad_filters_fall_back_to_the_defaults(march_2026, params, message):
    with translation.override("en"):
        form = ProgrammeFilterForm(params, today=TODAY)
        assert not form.is_valid()
        assert message in str(form.errors)
    assert form.filters() == Filters(period=calendar_period(MONTH, today=TODAY))


def test_valid_filters(march_2026):
    form = ProgrammeFilterForm(
        {
            "period": "custom",
            "start": "2026-03-01",
            "end": "2026-03-31",
            "city": "Dumai",
            "sector": "crafts",
            "mentor": str(march_2026.m1.pk),
        },
        today=TODAY,
    )
    filters = form.filters()
    assert filters.period == custom_period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert (filters.city, filters.sector, filters.mentor_id) == (
        "Dumai",
        "crafts",
        march_2026.m1.pk,
    )
    assert filters.mentor_name == "Mentor Satu"
    assert filters.query() == {
        "period": "custom",
        "start": "2026-03-01",
        "end": "2026-03-31",
        "city": "Dumai",
        "sector": "crafts",
        "mentor": str(march_2026.m1.pk),
    }
    # A calendar period ignores stray dates.
    quarter = ProgrammeFilterForm({"period": "quarter", "start": "x"}, today=TODAY)
    assert quarter.is_valid() is False  # a malformed date is still reported
    assert ProgrammeFilterForm({"period": "quarter"}, today=TODAY).filters().period == (
        calendar_period(QUARTER, today=TODAY)
    )


@pytest.mark.parametrize(
    ("month", "expected", "valid"),
    [
        ("", dt.date(2026, 3, 1), True),  # the last full month
        ("2026-01", dt.date(2026, 1, 1), True),
        ("2026-13", dt.date(2026, 3, 1), False),
        ("March", dt.date(2026, 3, 1), False),
        ("2026-05", dt.date(2026, 3, 1), False),  # the future
        ("1999-12", dt.date(2026, 3, 1), False),
    ],
)
def test_report_month_form(month, expected, valid):
    form = ReportMonthForm({"month": month}, today=TODAY)
    assert form.is_valid() is valid
    assert form.period().start == expected
