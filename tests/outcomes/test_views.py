"""The outcomes pages and downloads: who may open each (anonymous → sign in, another
owner or a mentor of another business → 404, staff-only pages → 404 for everyone
else), and what the forms do."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from outcomes.models import Baseline, BaselineChange, Shipment

from ..factories import (
    BaselineFactory,
    BudgetPeriodFactory,
    FollowUpFactory,
    MentorshipFactory,
    ShipmentFactory,
    VerifiedShipmentFactory,
)
from ..support.forms_as_sent import signed_in
from ..support.pdfs import pdf_file

pytestmark = pytest.mark.usefixtures("english_texts")


ROLES = ["anonymous", "owner", "other_owner", "mentor", "unassigned_mentor", "buyer", "staff"]

BASELINE = {
    "revenue_band": "lt300m",
    "women_paid": "2",
    "men_paid": "1",
    "women_unpaid": "1",
    "men_unpaid": "0",
    "export_status": "indirect",
    "markets": "Pekanbaru",
    "certificates": ["pirt"],
}


def expect(response, status):
    if status == "login":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == status


# Who may open what: the business's pages ---------------------------------------------

BUSINESS_PAGES = {
    # role: (baseline, shipment list, record a shipment, shipment document)
    "anonymous": ("login", "login", "login", "login"),
    "owner": (200, 200, 200, 200),
    "other_owner": (404, 404, 404, 404),
    "mentor": (200, 200, 200, 200),
    "unassigned_mentor": (404, 404, 404, 404),
    "buyer": (404, 404, 404, 404),
    "staff": (200, 200, 404, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_business_pages(cast, role):
    shipment = ShipmentFactory(business=cast.business)
    client = signed_in(cast[role])
    slug = cast.business.slug
    baseline, listing, create, document = BUSINESS_PAGES[role]
    expect(client.get(f"/outcomes/business/{slug}/baseline/"), baseline)
    expect(client.get(f"/outcomes/business/{slug}/shipments/"), listing)
    expect(client.get(f"/outcomes/business/{slug}/shipments/new/"), create)
    response = client.get(f"/outcomes/shipments/{shipment.pk}/document/")
    expect(response, document)
    if document == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")


STAFF_PAGES = [
    "/outcomes/staff/shipments/",
    "/outcomes/staff/follow-ups/",
    "/outcomes/staff/rates/",
    "/outcomes/staff/budget/",
    "/outcomes/staff/report/",
    "/outcomes/staff/report.pdf",
    "/outcomes/staff/report.xlsx",
    "/outcomes/business/{slug}/baseline/history/",
    "/outcomes/staff/follow-ups/{follow_up}/",
]


@pytest.mark.parametrize("role", ROLES)
def test_staff_pages(cast, role):
    BaselineFactory(business=cast.business)
    follow_up = FollowUpFactory(business=cast.business)
    client = signed_in(cast[role])
    for page in STAFF_PAGES:
        url = page.format(slug=cast.business.slug, follow_up=follow_up.pk)
        status = {"anonymous": "login", "staff": 200}.get(role, 404)
        expect(client.get(url), status)


def test_a_mentor_of_another_business_gets_404(cast):
    """A mentor with mentees of their own, none of them this business."""
    other = MentorshipFactory(business=cast.other_business).mentor
    shipment = ShipmentFactory(business=cast.business)
    BaselineFactory(business=cast.business)
    client = signed_in(other)
    slug = cast.business.slug
    for url in (
        f"/outcomes/business/{slug}/baseline/",
        f"/outcomes/business/{slug}/shipments/",
        f"/outcomes/business/{slug}/shipments/new/",
        f"/outcomes/shipments/{shipment.pk}/document/",
        f"/outcomes/business/{slug}/baseline/history/",
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(f"/outcomes/business/{slug}/shipments/new/", shipment_form())
    assert response.status_code == 404
    assert Shipment.objects.count() == 1
    # Their own mentee's pages open.
    own = cast.other_business.slug
    assert client.get(f"/outcomes/business/{own}/shipments/new/").status_code == 200


@pytest.mark.parametrize("role", ["owner", "mentor", "other_owner", "buyer"])
def test_only_staff_review_shipments(cast, role):
    shipment = ShipmentFactory(business=cast.business)
    response = signed_in(cast[role]).post(
        f"/outcomes/staff/shipments/{shipment.pk}/review/", {"action": "verify"}
    )
    assert response.status_code == 404
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.SUBMITTED


# Baseline ------------------------------------------------------------------------------


def test_owner_gives_the_baseline_then_sees_it_read_only(cast):
    client = signed_in(cast.owner)
    url = f"/outcomes/business/{cast.business.slug}/baseline/"
    assert client.post(url, BASELINE).status_code == 302
    baseline = Baseline.objects.get(business=cast.business)
    assert (baseline.export_status, baseline.certificates) == ("indirect", ["pirt"])
    page = client.get(url)
    assert "<form" not in page.text.split("<main", 1)[-1].split("</main>")[0] or (
        'name="revenue_band"' not in page.text
    )
    assert client.post(url, {**BASELINE, "men_paid": "9"}).status_code == 403
    baseline.refresh_from_db()
    assert baseline.men_paid == 1


def test_a_mentor_may_read_but_not_give_the_baseline(cast):
    url = f"/outcomes/business/{cast.business.slug}/baseline/"
    assert signed_in(cast.mentor).post(url, BASELINE).status_code == 403
    assert not Baseline.objects.exists()


def test_a_bad_baseline_is_refused_with_a_message(cast):
    url = f"/outcomes/business/{cast.business.slug}/baseline/"
    response = signed_in(cast.owner).post(url, {**BASELINE, "women_paid": "lots"})
    assert response.status_code == 400
    assert not Baseline.objects.exists()


def test_staff_correct_the_baseline_and_see_the_history(cast):
    BaselineFactory(business=cast.business, men_paid=1)
    client = signed_in(cast.staff)
    url = f"/outcomes/business/{cast.business.slug}/baseline/"
    assert client.post(url, {**BASELINE, "men_paid": "4"}).status_code == 302
    change = BaselineChange.objects.get()
    assert (change.before["men_paid"], change.after["men_paid"]) == (1, 4)
    history = client.get(f"{url}history/")
    assert "men_paid" in history.text


# Shipments -----------------------------------------------------------------------------


def shipment_form(**overrides):
    data = {
        "shipped_on": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
        "buyer_country": "SG",
        "products": "200 kg sagu",
        "value_usd": "1500.00",
        "incoterm": "FOB",
        "document_kind": "invoice",
        "document": SimpleUploadedFile("invoice.pdf", pdf_file(), content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def test_owner_records_a_shipment_and_staff_verify_it(cast):
    owner = signed_in(cast.owner)
    response = owner.post(
        f"/outcomes/business/{cast.business.slug}/shipments/new/", shipment_form()
    )
    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert (shipment.business, shipment.recorded_by) == (cast.business, cast.owner)
    staff = signed_in(cast.staff)
    assert "200 kg sagu" in staff.get("/outcomes/staff/shipments/").text
    response = staff.post(f"/outcomes/staff/shipments/{shipment.pk}/review/", {"action": "verify"})
    assert response.status_code == 302
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.VERIFIED


def test_a_document_that_is_not_a_pdf_or_picture_is_refused(cast):
    fake = SimpleUploadedFile(
        "invoice.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = signed_in(english(cast.owner)).post(
        f"/outcomes/business/{cast.business.slug}/shipments/new/", shipment_form(document=fake)
    )
    assert response.status_code == 400
    assert "Upload a PDF, JPEG or PNG file." in response.text
    assert not Shipment.objects.exists()


def test_bad_values_are_refused(cast):
    url = f"/outcomes/business/{cast.business.slug}/shipments/new/"
    for bad in (
        {"value_usd": "-5"},
        {"buyer_country": "XX"},
        {"incoterm": "ABC"},
        {"shipped_on": "9999-99-99"},
    ):
        response = signed_in(cast.owner).post(url, shipment_form(**bad))
        assert response.status_code == 400, bad
    assert not Shipment.objects.exists()


def test_reject_without_a_reason_is_refused(cast):
    shipment = ShipmentFactory(business=cast.business)
    response = signed_in(cast.staff).post(
        f"/outcomes/staff/shipments/{shipment.pk}/review/", {"action": "reject", "reason": ""}
    )
    assert response.status_code == 400
    shipment.refresh_from_db()
    assert shipment.status == Shipment.Status.SUBMITTED


def test_staff_enter_a_rate_and_a_budget_period(cast):
    client = signed_in(cast.staff)
    assert (
        client.post(
            "/outcomes/staff/rates/", {"month": "2026-03", "idr_per_usd": "15500"}
        ).status_code
        == 302
    )
    response = client.post(
        "/outcomes/staff/budget/",
        {
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
            "amount_idr": "90000000",
            "note": "APBD",
        },
    )
    assert response.status_code == 302
    bad = client.post(
        "/outcomes/staff/budget/",
        {"starts_on": "2026-03-01", "ends_on": "2026-04-30", "amount_idr": "1", "note": ""},
    )
    assert bad.status_code == 400
    assert "overlaps" in bad.text


# Dashboard section and the funders' report ----------------------------------------------


@pytest.fixture
def exported(cast):
    BaselineFactory(business=cast.business, export_status="never")
    VerifiedShipmentFactory(
        business=cast.business, buyer_country="NL", value_usd=Decimal("2500.00")
    )
    BudgetPeriodFactory(
        starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31), amount_idr=Decimal(75_000_000)
    )
    return cast


def test_the_programme_dashboard_has_the_outcomes_section(exported):
    page = signed_in(english(exported.staff)).get("/staff/")
    assert page.status_code == 200
    assert 'id="outcomes"' in page.text
    assert 'data-outcome="new_exporters">1<' in page.text
    assert 'data-value="2500' in page.text
    assert "Netherlands" in page.text


def english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def test_report_html_pdf_and_xlsx_state_the_figures_and_definitions(exported):
    client = signed_in(english(exported.staff))
    html = client.get("/outcomes/staff/report/")
    assert "New exporter" in html.text and "Cost per new exporter" in html.text
    assert "A business with at least one verified shipment" in html.text

    pdf = client.get("/outcomes/staff/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "New exporters" in text
    assert "2,500" in text  # the export value
    assert "75,000,000" in text  # cost per new exporter: 75 M / 1
    assert "A business with at least one verified shipment" in text

    xlsx = client.get("/outcomes/staff/report.xlsx")
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Figures", "Countries", "Mentors", "Definitions"]
    figures = {row[0]: row[1] for row in book["Figures"].iter_rows(min_row=2, values_only=True)}
    assert figures["New exporters"] == 1
    assert figures["Verified export value (US$)"] == 2500
    assert figures["Cost per new exporter (Rp)"] == 75_000_000
    assert book["Countries"]["A2"].value == "Netherlands"


def test_report_up_to_a_date(exported):
    client = signed_in(english(exported.staff))
    before = client.get("/outcomes/staff/report.xlsx?as_of=2025-12-31")
    book = load_workbook(io.BytesIO(before.content))
    figures = {row[0]: row[1] for row in book["Figures"].iter_rows(min_row=2, values_only=True)}
    assert figures["New exporters"] == 0
    assert client.get("/outcomes/staff/report.pdf?as_of=yesterday").status_code == 400
    assert client.get("/outcomes/staff/report.csv").status_code == 404
