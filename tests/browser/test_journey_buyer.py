"""Buyer: from a search in English to the supplier's reply.

The buyer searches the catalogue, filters by certification, opens the product, signs
up and confirms the email on the way to the inquiry form, and sends an inquiry; the
owner sees the notification and replies; the buyer reads the reply. Arranged in the
database: a verified business with a valid Halal certificate and its listed product,
and two other products that the search or the filter must leave out.
"""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.models import User
from marketplace.models import Inquiry
from notifications.models import Notification
from umkm import services as umkm_services
from umkm.models import Certification, Product

from ..factories import (
    PASSWORD,
    BusinessFactory,
    CategoryFactory,
    CertificationFactory,
    ListedProductFactory,
    OwnerFactory,
    SubCategoryFactory,
)
from .pages import emails_to, seen_on

pytestmark = [pytest.mark.browser, seen_on("phone")]

BUYER_EMAIL = "emma@nordicpantry.test"
CHIPS = "Pineapple chips, original, 100 g"
JAM = "Pineapple jam, 250 g"
CHILLI = "Dried chilli flakes, 200 g"


def jpeg(colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (480, 360), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def catalogue(variant):
    """Chips from a Halal-certified business, jam from one without, and chilli."""
    food = CategoryFactory(name_id="Makanan & minuman", name_en="Food & beverages", slug="food")
    snacks = SubCategoryFactory(name_id="Camilan", name_en="Snacks", slug="snacks", parent=food)
    owner = OwnerFactory(
        email="siti@keripik.test", full_name="Siti Rahmawati", language=variant.language("owner")
    )
    siti = BusinessFactory(owner=owner, name="Keripik Nanas Siti", verified_at=timezone.now())
    CertificationFactory(business=siti, kind=Certification.Kind.HALAL)
    chips = ListedProductFactory(
        business=siti,
        category=snacks,
        name_en=CHIPS,
        name_id="Keripik Nenas Original 100 g",
        description_en="Vacuum-fried pineapple chips, no preservatives.",
        moq=300,
    )
    umkm_services.product_image_add(
        product=chips,
        upload=jpeg((230, 180, 50)),
        alt_text="Pineapple chips in their pouch",
        by=siti.owner,
    )
    kualu = BusinessFactory(name="Nenas Kualu Jaya", verified_at=timezone.now())
    CertificationFactory(business=kualu, kind=Certification.Kind.PIRT)
    ListedProductFactory(
        business=kualu,
        category=snacks,
        name_en=JAM,
        name_id="Selai Nenas 250 g",
        description_en="Thick pineapple jam with fruit pieces.",
        description_id="Selai nenas kental.",
    )
    ListedProductFactory(
        business=siti,
        category=snacks,
        name_en=CHILLI,
        name_id="Cabai Kering Giling 200 g",
        description_en="Sun-dried red chilli, coarsely ground.",
        description_id="Cabai merah kering, digiling kasar.",
    )
    umkm_services.products_refresh_search(queryset=Product.objects.all())
    return chips


def test_buyer_finds_a_product_and_gets_a_reply(journey, catalogue):
    chips = catalogue
    buyer = journey.actor("buyer")
    assert buyer.language == "en"

    # Search in English, then keep only Halal-certified suppliers.
    buyer.goto("/")
    buyer.follow_nav("Catalogue")
    search = buyer.page.get_by_role("searchbox", name=buyer.t("Search"))
    if journey.variant.is_phone:
        # Styled like every other field: phones zoom into inputs with smaller text.
        assert search.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 16
    search.fill("pineapple")
    buyer.button("Search").click()
    results = buyer.page.locator(".product-grid")
    expect(results.get_by_role("link", name=CHIPS)).to_be_visible()
    expect(results.get_by_role("link", name=JAM)).to_be_visible()
    expect(results.get_by_role("link", name=CHILLI)).to_have_count(0)

    buyer.open_filters()
    buyer.page.get_by_role("combobox", name=buyer.t("Certification")).select_option(
        Certification.Kind.HALAL
    )
    buyer.button("Apply filters").click()
    expect(buyer.page).to_have_url(re.compile(r"/catalogue/\?.*q=pineapple.*certification=halal"))
    expect(results.get_by_role("link", name=JAM)).to_have_count(0)
    expect(results.get_by_role("link", name=CHIPS)).to_be_visible()
    buyer.fits_phone()
    buyer.shot("catalogue-filtered")

    # Open the product and ask for a quotation: sign up on the way.
    results.get_by_role("link", name=CHIPS).click()
    expect(buyer.page.get_by_role("heading", level=1)).to_have_text(CHIPS)
    expect(buyer.page.get_by_role("img", name="Pineapple chips in their pouch")).to_be_visible()
    buyer.fits_phone()
    buyer.shot("product")
    buyer.link("Contact supplier").click()
    buyer.expect_path("/accounts/signup/")
    # The sign-up came for the buyer role: it is already chosen.
    expect(buyer.page.get_by_role("radio", name=buyer.t("Buyer"))).to_be_checked()
    buyer.sign_up(
        email=BUYER_EMAIL,
        full_name="Emma Lindqvist",
        role_label="Buyer",
        password=PASSWORD,
    )
    buyer.confirm_email(BUYER_EMAIL)
    assert User.objects.get(email=BUYER_EMAIL).role == User.Role.BUYER

    # Confirmed and signed in, the buyer is back on the inquiry form.
    buyer.expect_path(f"/catalogue/p/{chips.slug}/inquire/")
    expect(buyer.field("Quantity")).to_have_value("300")
    buyer.field("Quantity").fill("2400")
    buyer.field("Target price per unit (USD, optional)").fill("1.10")
    buyer.field("Incoterm").select_option("FOB")
    buyer.field("Destination country").select_option("SE")
    buyer.field("Destination port (optional)").fill("Gothenburg")
    buyer.field("Message to the supplier").fill(
        "Could you quote FOB Dumai for 2,400 packs, with shelf life and lead time?"
    )
    buyer.fits_phone()
    buyer.shot("inquiry-form")
    buyer.button("Send inquiry").click()
    buyer.expect_message(
        "Your inquiry was sent to %(business)s. You will get an email when they answer.",
        business="Keripik Nanas Siti",
    )
    inquiry = Inquiry.objects.get(buyer__email=BUYER_EMAIL)
    assert inquiry.product == chips
    owner_user = chips.business.owner
    assert emails_to(owner_user.email), "the owner is told by email"

    # The owner sees the notification and replies.
    owner = journey.actor("owner")
    owner.log_in(owner_user.email, PASSWORD)
    owner.follow_nav("Notifications")
    notice = owner.page.get_by_role("listitem").filter(
        has_text=owner.t(
            "New inquiry from %(buyer)s: %(subject)s", buyer="Emma Lindqvist", subject=CHIPS
        )
    )
    expect(notice).to_be_visible()
    owner.fits_phone()
    owner.shot("notifications")
    notice.get_by_role("button", name=owner.t("Open"), exact=True).click()
    owner.expect_path(f"/catalogue/inquiries/{inquiry.pk}/")
    expect(owner.page.get_by_text("Could you quote FOB Dumai for 2,400 packs")).to_be_visible()
    reply = "Yes: US$ 1.15 per pack FOB Dumai, 9 months shelf life, ready in 3 weeks."
    owner.field("Your message").fill(reply)
    owner.button("Send").click()
    expect(owner.page.get_by_text(reply)).to_be_visible()
    owner.fits_phone()
    owner.shot("inquiry-replied")
    assert Notification.objects.filter(
        recipient__email=BUYER_EMAIL, kind="inquiry_replied"
    ).exists()
    assert any(reply in message.body for message in emails_to(BUYER_EMAIL))

    # The buyer reads the reply in the inquiry thread.
    buyer.follow_nav("Inquiries")
    buyer.page.get_by_role("link", name=CHIPS).click()
    expect(buyer.page.get_by_text(reply)).to_be_visible()
    buyer.fits_phone()
    buyer.shot("inquiry-thread")
