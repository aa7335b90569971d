"""Outcomes: an owner records an export shipment with its invoice, a Disperindag officer
verifies it, and the programme dashboard counts one more new exporter and the value.

Arranged in the database: the owner's business with its baseline (it never exported),
its mentor, and the officer.
"""

import re

import pytest
from playwright.sync_api import expect

from outcomes.models import Shipment

from ..factories import (
    PASSWORD,
    BaselineFactory,
    BusinessFactory,
    MentorshipFactory,
    OwnerFactory,
    StaffFactory,
)
from ..support.pdfs import pdf_file
from .pages import Actor, seen_on

pytestmark = [pytest.mark.browser, seen_on("phone")]


@pytest.fixture
def programme(variant, tmp_path):
    owner = OwnerFactory(
        email="siti@umkm.test", full_name="Siti Rahmawati", language=variant.language("owner")
    )
    business = BusinessFactory(owner=owner, name="Keripik Nanas Siti")
    BaselineFactory(business=business, export_status="never")
    MentorshipFactory(business=business)
    staff = StaffFactory(
        email="officer@disperindag.test",
        full_name="Rahmat Hidayat",
        language=variant.language("staff"),
    )
    invoice = tmp_path / "commercial-invoice.pdf"
    invoice.write_bytes(pdf_file())
    return owner, staff, invoice


def outcome(actor: Actor, key: str) -> int:
    """An outcomes figure as the officer reads it (digits of the shown text)."""
    value = actor.page.locator(f'[data-outcome="{key}"]')
    expect(value).to_be_visible()
    return int(re.sub(r"\D", "", value.inner_text()) or 0)


def test_owner_records_a_shipment_and_staff_verify_it(journey, programme):
    owner_user, staff_user, invoice = programme

    # The dashboard before: nobody exported yet.
    staff = journey.actor("staff")
    staff.log_in(staff_user.email, PASSWORD)
    staff.goto("/staff/")
    assert outcome(staff, "new_exporters") == 0
    assert outcome(staff, "export_value_usd") == 0

    # The owner records the shipment from the dashboard, with the invoice.
    owner = journey.actor("owner")
    owner.log_in(owner_user.email, PASSWORD)
    owner.link("Record a shipment").first.click()
    owner.field("shipped on").fill("2026-11-20")
    owner.field("buyer's country").select_option("NL")
    owner.field("products").fill("1,000 kg keripik nanas")
    owner.field("value in US$").fill("7400.50")
    owner.field("Incoterm").select_option("FOB")
    owner.field("document").select_option("invoice")
    owner.field("document file").set_input_files(str(invoice))
    owner.fits_phone()
    owner.shot("record-shipment")
    owner.button("Record the shipment").click()
    owner.expect_message("The shipment is recorded; Disperindag staff will verify it.")
    row = owner.page.locator("[data-status]")
    expect(row).to_have_attribute("data-status", "submitted")
    owner.shot("shipments-waiting")

    # The officer verifies it from the queue.
    staff.goto("/staff/")
    staff.link("Shipments to verify").click()
    card = staff.page.locator("section.card").filter(has_text="Keripik Nanas Siti")
    expect(card).to_contain_text("1,000 kg keripik nanas")
    staff.fits_phone()
    staff.shot("shipments-to-verify")
    card.get_by_role("button", name=staff.t("Verify"), exact=True).click()
    staff.expect_message("The shipment is verified and counts as an export.")
    assert Shipment.objects.get().status == Shipment.Status.VERIFIED

    # The figures moved.
    staff.goto("/staff/")
    assert outcome(staff, "new_exporters") == 1
    expect(staff.page.locator('[data-outcome="export_value_usd"]')).to_have_attribute(
        "data-value", re.compile(r"^7400\.5")
    )
    staff.page.locator("#outcomes").scroll_into_view_if_needed()
    staff.shot("dashboard-outcomes")

    # The owner sees it verified.
    owner.page.reload()
    expect(owner.page.locator("[data-status]")).to_have_attribute("data-status", "verified")
