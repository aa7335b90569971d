"""The staff programme dashboard, its exports and the printable report, as staff (and
everyone else) use them: permissions, what the page shows, filters, CSV/XLSX files and
the query budget. The data set and its hand counts are in test_programme_figures."""

import csv
import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from backoffice.models import ProgrammeSnapshot
from backoffice.programme.periods import calendar_period

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    BuyingRequestFactory,
    DoneSessionFactory,
    InquiryFactory,
    ListedProductFactory,
    MentorFactory,
    MentoringLogFactory,
    MentorshipFactory,
    OwnerFactory,
    PendingMentorFactory,
    QuoteFactory,
    StaffFactory,
)
from ..support import count_queries
from .march_2026 import register

pytestmark = pytest.mark.django_db

MARCH = "period=custom&start=2026-03-01&end=2026-03-31"
FIGURE_KEYS = [
    "businesses",
    "businesses_new",
    "verified",
    "verified_share",
    "mentored",
    "approved_mentors",
    "mentoring_hours",
    "trainings_held",
    "seats_filled",
    "attendance_rate",
    "avg_feedback",
    "products_listed",
    "export_ready_share",
    "inquiries",
    "buying_requests",
    "median_first_reply_hours",
    "deals_won",
    "deals_value_usd",
]
TABLES = [
    "figures",
    "funnel",
    "mentors",
    "monthly",
    "cities",
    "sectors",
    "scales",
    "categories",
    "readiness",
]
# The dashboard's query budget: session, user, the mentor filter's look-up, the
# figures (22 aggregate queries when they are computed and stored, the first time of the
# day for these filters; then one read of the stored row), the navigation's unread count
# and the outcomes section's 5 (outcomes/figures.py, small tables) with the 4 that keep
# them for the day (its row read, made, read again, filled; then one read of the row).
MAX_QUERIES = 39


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(language="en"))
    return client


def figures(content: str) -> dict[str, str]:
    """data-figure key → data-value of every headline figure on the page."""
    return dict(re.findall(r'data-figure="([a-z_]+)" data-value="([^"]*)"', content))


# --------------------------------------------------------------------------- permissions

URLS = ["/staff/", "/staff/report/", "/staff/export/figures.csv", "/staff/export/mentors.xlsx"]
ACTORS = {
    "owner": OwnerFactory,
    "mentor": MentorFactory,
    "pending_mentor": PendingMentorFactory,
    "buyer": BuyerFactory,
    "staff": StaffFactory,
}


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("actor", ["owner", "mentor", "pending_mentor", "buyer"])
def test_everyone_but_staff_gets_404(client, url, actor):
    client.force_login(ACTORS[actor]())
    response = client.get(url)
    assert response.status_code == 404
    assert b"data-figure" not in response.content


@pytest.mark.parametrize("url", URLS)
def test_staff_get_the_pages_and_files(staff_client, url):
    assert staff_client.get(url).status_code == 200


# --------------------------------------------------------------------------- the page


def test_dashboard_shows_every_figure_for_the_period(staff_client, march_2026):
    response = staff_client.get(f"/staff/?{MARCH}")
    content = response.content.decode()
    got = figures(content)
    assert list(got) == FIGURE_KEYS
    # The hand counts of test_programme_figures (March 2026).
    assert got["businesses"] == "4"
    assert got["verified"] == "3"
    assert got["verified_share"] == "75.0"
    assert got["approved_mentors"] == "2"
    assert got["mentoring_hours"] == "3.5"
    assert got["attendance_rate"] == "66.7"
    assert got["avg_feedback"] == "4.5"
    assert got["inquiries"] == "4"
    assert got["median_first_reply_hours"] == "4.0"
    assert got["deals_value_usd"] == "1700.00"
    # Shown to people with the change: 4 businesses against 2 before.
    assert '"businesses" data-value="4">4</span>' in content
    assert "+2 (+100.0%)" in content
    assert "1 Mar 2026 – 31 Mar 2026, compared with 29 Jan 2026 – 28 Feb 2026" in (content)
    # The per-mentor table and the definitions.
    assert "Mentor Satu" in content
    assert "How these are counted" in content


def test_dashboard_of_an_empty_period_shows_zeros_and_dashes(staff_client, march_2026):
    content = staff_client.get(
        "/staff/?period=custom&start=2021-01-01&end=2021-01-31"
    ).content.decode()
    got = figures(content)
    assert got["businesses"] == "0"
    assert got["attendance_rate"] == ""  # unknown: nobody was expected
    assert 'data-figure="attendance_rate" data-value="">–</span>' in content
    assert got["median_first_reply_hours"] == ""


def test_dashboard_default_is_this_month(staff_client):
    content = staff_client.get("/staff/").content.decode()
    period = calendar_period("month", today=timezone.localdate())
    assert period.label in content
    assert set(figures(content)) == set(FIGURE_KEYS)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&start=2026-03-10&end=2026-03-01", "The start date is after the end date."),
        ("period=custom&start=2015-01-01&end=2026-03-01", "at most five years"),
        ("period=custom&start=yesterday&end=2026-03-01", "Enter the start date as YYYY-MM-DD."),
        ("city=Atlantis", "Choose a city from the list."),
        ("mentor=abc", "No approved mentor has this email address."),
        ("sector=%3Cscript%3E", "Choose a sector from the list."),
    ],
)
def test_bad_filters_show_an_error_and_the_default_period(staff_client, march_2026, query, message):
    response = staff_client.get(f"/staff/?{query}")
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'role="alert"' in content
    # The figures shown are this month's, without filters (as the error says).
    assert calendar_period("month", today=timezone.localdate()).label in content
    assert "<script>" not in content.split('<main id="main"', 1)[1]


def test_filters_narrow_the_figures(staff_client, march_2026):
    assert (
        figures(staff_client.get(f"/staff/?{MARCH}&city=Dumai").content.decode())["businesses"]
        == "2"
    )
    assert (
        figures(staff_client.get(f"/staff/?{MARCH}&sector=crafts").content.decode())[
            "products_listed"
        ]
        == "2"
    )
    content = staff_client.get(f"/staff/?{MARCH}&mentor={march_2026.m1.pk}").content.decode()
    assert figures(content)["mentoring_hours"] == "2.5"
    assert "mentees of Mentor Satu" in content
    # The form keeps what was chosen.
    assert f'name="mentor" value="{march_2026.m1.pk}"' in content
    # A mentor can also be typed as their email address.
    by_email = staff_client.get(f"/staff/?{MARCH}&mentor={march_2026.m1.email.upper()}")
    assert "mentees of Mentor Satu" in by_email.content.decode()


def test_filters_persist_into_the_export_links(staff_client, march_2026):
    content = staff_client.get(f"/staff/?{MARCH}&city=Dumai&sector=crafts").content.decode()
    query = "period=custom&amp;start=2026-03-01&amp;end=2026-03-31&amp;city=Dumai&amp;sector=crafts"
    for table in TABLES:
        for fmt in ("csv", "xlsx"):
            assert f'href="/staff/export/{table}.{fmt}?{query}"' in content, (table, fmt)


def test_charts_are_svg_with_a_title_a_description_and_a_table(staff_client, march_2026):
    content = staff_client.get(f"/staff/?{MARCH}").content.decode()
    charts = re.findall(r'<svg class="chart" id="([^"]+)"[^>]*role="img"', content)
    assert charts == [
        "chart-monthly-1",
        "chart-monthly-2",
        "chart-monthly-3",
        "chart-funnel",
        "chart-readiness",
        "chart-cities",
        "chart-sectors",
        "chart-categories",
        "chart-scales",
    ]
    for chart in charts:
        assert f'<title id="{chart}-title">' in content
        assert f'<desc id="{chart}-desc">' in content
    # The funnel chart's description reads the largest bar in words.
    assert "the highest is Registered with 4." in content
    # Each panel has its numbers as a table.
    assert content.count('<details class="chart-data">') == 7
    assert '<th scope="row">Completed a training</th><td class="num">1</td>' in content
    # No script but the site's own small app.js (the header's menu), nothing from
    # another host.
    assert re.findall(r"<script[^>]*>", content) == ['<script src="/static/js/app.js">']
    assert "https://" not in content.split('<main id="main"', 1)[1]


def test_dashboard_is_staffs_landing_page_and_the_print_stylesheet_is_local(staff_client):
    response = staff_client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == "/staff/"
    content = response.content.decode()
    assert 'href="/static/css/print-report.css" media="print"' in content
    assert staff_client.get("/static/css/print-report.css").status_code == 200


# --------------------------------------------------------------------------- exports


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    text = text.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_csv_export_of_the_funnel(staff_client, march_2026):
    response = staff_client.get(f"/staff/export/funnel.csv?{MARCH}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="jembatan-funnel-20260301-20260331.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == ["Step", "Businesses", "Of the step before", "Of all registered"]
    assert rows[1:] == [
        ["Registered", "4", "", "100.0"],
        ["Verified by staff", "3", "75.0", "75.0"],
        ["Mentored", "2", "66.7", "50.0"],
        ["Completed a training", "1", "50.0", "25.0"],
        ["Product listed", "1", "100.0", "25.0"],
        ["Inquiry received", "1", "100.0", "25.0"],
        ["Deal won", "1", "100.0", "25.0"],
    ]


def test_csv_export_of_the_headline_figures(staff_client, march_2026):
    rows = read_csv(staff_client.get(f"/staff/export/figures.csv?{MARCH}"))
    assert rows[0][0] == "Key"
    by_key = {row[0]: row for row in rows[1:]}
    assert list(by_key) == FIGURE_KEYS
    # key, label, unit, this period, previous period, change, change (%)
    assert by_key["businesses"][2:] == ["count", "4", "2", "2.0", "100.0"]
    assert by_key["verified_share"][2:5] == ["%", "75.0", "50.0"]
    assert by_key["export_ready_share"][3:] == ["33.3", "", "", ""]  # today: no comparison
    assert by_key["deals_value_usd"][2:4] == ["USD", "1700.00"]


def test_csv_export_follows_the_filters(staff_client, march_2026):
    rows = read_csv(staff_client.get(f"/staff/export/cities.csv?{MARCH}&city=Dumai"))
    assert rows[1:] == [["Dumai", "2", "2", "1", "0"]]


def test_xlsx_export_of_the_mentors(staff_client, march_2026):
    response = staff_client.get(f"/staff/export/mentors.xlsx?{MARCH}")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="jembatan-mentors-20260301-20260331.xlsx"'
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["Mentor", "Mentees", "Hours"]
    # Mentor, mentees, hours, trainings, attendance, feedback, gain, listed, inquiries.
    assert rows[1] == ["Mentor Satu", 2, 2.5, 1, 66.7, 4.5, 30.5, 3, 4]
    assert rows[2] == ["Mentor Dua", 0, 1.0, 1, None, None, None, 0, 0]


def test_xlsx_export_of_the_monthly_series(staff_client, march_2026):
    response = staff_client.get(f"/staff/export/monthly.xlsx?{MARCH}")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[-1] == ("2026-03", 2, 3, 4)
    assert len(rows) == 13


@pytest.mark.parametrize("table", TABLES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_table_exports(staff_client, march_2026, table, fmt):
    response = staff_client.get(f"/staff/export/{table}.{fmt}?{MARCH}")
    assert response.status_code == 200
    assert f'filename="jembatan-{table}-20260301-20260331.{fmt}"' in response["Content-Disposition"]
    if fmt == "csv":
        assert len(read_csv(response)) >= 2
    else:
        assert load_workbook(io.BytesIO(response.content)).active.max_row >= 2


def test_exports_neutralise_formulas(staff_client):
    BusinessFactory(city='=HYPERLINK("http://evil.example","x")')
    MentorFactory(full_name="@SUM(1+1)*cmd")
    rows = read_csv(staff_client.get("/staff/export/cities.csv"))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","x")'
    rows = read_csv(staff_client.get("/staff/export/mentors.csv"))
    assert rows[1][0] == "'@SUM(1+1)*cmd"
    response = staff_client.get("/staff/export/cities.xlsx")
    cell = load_workbook(io.BytesIO(response.content)).active["A2"]
    assert cell.value == '=HYPERLINK("http://evil.example","x")'
    assert cell.data_type == "s"  # text, not a formula


def test_unknown_table_or_format_is_404(staff_client):
    assert staff_client.get("/staff/export/users.csv").status_code == 404
    assert staff_client.get("/staff/export/funnel.pdf").status_code == 404
    assert staff_client.get("/staff/export/funnel").status_code == 404


def test_export_with_bad_filters_is_400_and_says_why(staff_client):
    response = staff_client.get("/staff/export/funnel.csv?period=custom&start=2026-03-10")
    assert response.status_code == 400
    assert "Enter both dates for a custom period." in response.content.decode()


# --------------------------------------------------------------------------- report


def test_monthly_report(staff_client, march_2026):
    response = staff_client.get("/staff/report/?month=2026-03")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Jembatan UMKM programme report — March 2026" in content
    assert "compared with 1 Feb 2026 – 28 Feb 2026" in content
    # The headline figures with their change, the funnel, top mentors, two charts.
    assert '<td class="num" data-figure="businesses">4</td>' in content
    assert '<td class="num" data-figure="deals_value_usd">US$1,700</td>' in content
    assert "+2 (+100.0%)" in content
    assert '<th scope="row">Verified by staff</th><td class="num">3</td>' in content
    assert '<th scope="row">Mentor Satu</th>' in content
    assert len(re.findall(r'<svg class="chart"[^>]*role="img"', content)) == 2
    assert 'href="/static/css/print-report.css" media="print"' in content
    assert 'value="2026-03"' in content


def test_report_defaults_to_the_last_full_month(staff_client):
    content = staff_client.get("/staff/report/").content.decode()
    today = timezone.localdate()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert f'value="{last:%Y-%m}"' in content
    assert 'role="alert"' not in content


@pytest.mark.parametrize("month", ["2026-13", "next", "2999-01"])
def test_report_with_a_bad_month_says_so(staff_client, month):
    response = staff_client.get(f"/staff/report/?month={month}")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="alert"' in content
    assert "the report shows the last full month" in content


def test_report_in_indonesian_by_default(client):
    client.force_login(StaffFactory())  # language "id", like everyone by default
    content = client.get("/staff/report/?month=2026-03").content.decode()
    assert '<html lang="id">' in content
    assert "Maret 2026" in content


# --------------------------------------------------------------------------- queries


CITIES = ["Pekanbaru", "Dumai", "Siak", "Kampar"]


def grow(count: int) -> None:
    """``count`` businesses with a bit of everything the dashboard counts."""
    now = timezone.now()
    mentors = [MentorFactory(), MentorFactory()]
    session = DoneSessionFactory(host=mentors[0], starts_at=now - dt.timedelta(hours=5))
    request = BuyingRequestFactory()
    for i in range(count):
        business = BusinessFactory(verified_at=now, city=CITIES[i % 4], sector="food")
        mentorship = MentorshipFactory(
            mentor=mentors[i % 2], business=business, readiness_at_start=20
        )
        MentoringLogFactory(mentorship=mentorship)
        product = ListedProductFactory(business=business)
        register(session, business, "attended" if i % 3 else "no_show", rating=4)
        InquiryFactory(
            business=business,
            product=product,
            first_reply_at=now,
            outcome="deal_won" if i % 2 else "",
            deal_value_usd=100 if i % 2 else None,
        )
        QuoteFactory(request=request, business=business)


@pytest.mark.parametrize(
    "url",
    [
        "/staff/",
        "/staff/?city=Dumai&sector=food",
        "/staff/report/",
        "/staff/export/mentors.csv",
        "/staff/export/figures.xlsx",
    ],
)
def test_query_count_does_not_grow_with_the_data(staff_client, url, django_assert_max_num_queries):
    """Both ways a page gets its figures cost the same number of queries at any size:
    computing them (the first request of the day for these filters, or the beat job)
    and reading the stored ones (every request after)."""
    grow(3)
    staff_client.get(url)  # the header's unread count is cached from here on
    ProgrammeSnapshot.objects.all().delete()
    computing = count_queries(staff_client, url)
    reading = count_queries(staff_client, url)
    ProgrammeSnapshot.objects.all().delete()
    grow(27)
    with django_assert_max_num_queries(MAX_QUERIES):
        assert staff_client.get(url).status_code == 200
    assert count_queries(staff_client, url) == reading
    ProgrammeSnapshot.objects.all().delete()
    assert count_queries(staff_client, url) == computing


def test_query_count_with_a_mentor_filter(staff_client, django_assert_max_num_queries):
    grow(5)
    mentor = MentorshipFactory().mentor
    with django_assert_max_num_queries(MAX_QUERIES):
        response = staff_client.get(f"/staff/?mentor={mentor.pk}&{MARCH}")
    assert response.status_code == 200
