"""An owner turns WhatsApp on: adds a number typed the local way, confirms it with the
six-digit code WhatsApp brings (from the fake Graph API on 127.0.0.1), and chooses to
hear about buyers' inquiries by WhatsApp only."""

import pytest
from playwright.sync_api import expect

from notifications.models import WhatsAppNumber
from notifications.services import channels_chosen

from ..factories import PASSWORD, BusinessFactory, OwnerFactory
from ..support.fake_graph import serving
from .pages import seen_on, translate

pytestmark = [pytest.mark.browser, seen_on("phone")]


@pytest.fixture
def fake_graph(settings):
    with serving(settings) as fake:
        yield fake


def test_owner_adds_and_confirms_a_whatsapp_number(journey, variant, fake_graph):
    user = OwnerFactory(full_name="Siti Rahmawati", language=variant.language("owner"))
    BusinessFactory(owner=user, name="Keripik Nanas Siti")
    owner = journey.actor("owner")
    owner.log_in(user.email, PASSWORD)
    owner.goto("/notifications/preferences/")
    expect(owner.page.locator('[data-whatsapp-status="none"]')).to_be_visible()
    owner.fits_phone()
    owner.shot("preferences-without-whatsapp")

    owner.field("WhatsApp number").fill("0812-3456-7890")
    owner.button("Send me a code").click()
    expect(owner.page.locator('[data-whatsapp-status="pending"]')).to_be_visible()
    [sent] = fake_graph.sent
    assert sent["to"] == "6281234567890"
    code = sent["template"]["components"][0]["parameters"][0]["text"]

    owner.field("Code from WhatsApp").fill(code)
    owner.button("Confirm number").click()
    owner.expect_message(
        "Your WhatsApp number is confirmed. Choose below which notifications come by WhatsApp."
    )
    expect(owner.page.locator('[data-whatsapp-status="confirmed"]')).to_contain_text(
        "+6281234567890"
    )
    assert WhatsAppNumber.objects.get(user=user).status == "confirmed"

    # Inquiries by WhatsApp only.
    kind = owner.page.locator('[data-kind="inquiry_received"]')
    kind.get_by_role("radio", name=translate("WhatsApp", owner.language), exact=True).check()
    owner.fits_phone()
    owner.shot("preferences-with-whatsapp")
    owner.button("Save preferences").click()
    owner.expect_message("Your notification preferences are saved.")
    assert channels_chosen(user=user, kind="inquiry_received") == (False, True)
