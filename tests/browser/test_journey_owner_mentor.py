"""Owner and mentor: from sign-up to a product in the public catalogue.

The owner signs up, confirms the email, describes the business, adds a product with a
photo, reads the readiness checklist, submits the product and asks a mentor; the
mentor accepts, records a visit and an action item, and approves the product, which
buyers then find in the catalogue. Arranged in the database: an approved mentor with
a profile, and the product categories.
"""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from accounts.models import User
from mentoring.models import ActionItem, MentoringLog, MentorProfile, Mentorship
from notifications.models import Notification
from umkm.models import Business, Certification, Product

from ..factories import PASSWORD, CategoryFactory, MentorFactory, SubCategoryFactory
from .pages import emails_to, seen_on

pytestmark = [pytest.mark.browser, seen_on("phone")]

OWNER_EMAIL = "siti@keripik.test"
NIB = "9120301234567"


def product_photo(path):
    """A small JPEG, as a phone camera would give (the site re-encodes it)."""
    image = Image.new("RGB", (640, 480), (240, 190, 60))
    for x in range(200, 440):
        for y in range(150, 330):
            image.putpixel((x, y), (150, 90, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def mentor(variant):
    mentor = MentorFactory(
        email="dimas@mentor.test",
        full_name="Dimas Prasetyo",
        language=variant.language("mentor"),
    )
    MentorProfile.objects.create(
        user=mentor,
        topics=["export", "packaging"],
        bio_id="Pendamping ekspor di Rumah BUMN Bandung.",
        bio_en="Export adviser at Rumah BUMN Bandung.",
        organisation="Rumah BUMN Bandung",
        capacity=5,
    )
    return mentor


@pytest.fixture
def snacks():
    food = CategoryFactory(name_id="Makanan & minuman", name_en="Food & beverages", slug="food")
    return SubCategoryFactory(
        name_id="Camilan", name_en="Snacks", slug="snacks", parent=food, is_food=True
    )


def test_owner_lists_a_product_with_a_mentor(journey, mentor, snacks, tmp_path):
    owner = journey.actor("owner")

    # Sign up as an UMKM owner and confirm the email address.
    owner.goto("/")
    owner.follow_nav("Sign up")
    owner.fits_phone()
    owner.shot("signup")
    owner.sign_up(
        email=OWNER_EMAIL,
        full_name="Siti Rahmawati",
        role_label="UMKM owner",
        password=PASSWORD,
    )
    owner.confirm_email(OWNER_EMAIL)
    owner.expect_path("/umkm/dashboard/")
    expect(owner.heading("Welcome, %(name)s", name="Siti")).to_be_visible()
    user = User.objects.get(email=OWNER_EMAIL)
    assert user.role == User.Role.OWNER
    assert user.language == owner.language

    # Describe the business.
    owner.link("Create my business profile").click()
    owner.field("business name").fill("Keripik Nanas Siti")
    owner.field("legal form").select_option(Business.LegalForm.UD)
    owner.field("NIB").fill(NIB)
    owner.field("sector").select_option(Business.Sector.FOOD)
    owner.field("business assets (IDR)").fill("300000000")
    owner.field("annual turnover (IDR)").fill("900000000")
    owner.field("scale").select_option(Business.Scale.MICRO)
    owner.field("province").select_option("Riau")
    owner.field("City or regency").select_option("Pekanbaru")
    owner.field("year founded").fill("2016")
    owner.field("employees").fill("4")
    owner.field("description (Indonesian)").fill("Keripik nanas renyah dari Kualu, Pekanbaru.")
    owner.field("description (English)").fill("Crispy pineapple chips from Kualu, Pekanbaru.")
    owner.field("phone").fill("0761 123456")
    owner.field("contact email").fill(OWNER_EMAIL)
    owner.fits_phone()
    owner.button("Save").click()
    owner.expect_message("Your business profile is saved.")

    # The dashboard shows the export-readiness checklist with what is missing.
    checklist = owner.page.get_by_role("region", name=owner.t("Export readiness"))
    expect(checklist).to_be_visible()
    expect(checklist).to_contain_text(owner.t("Missing:") + " " + owner.t("A mentor"))
    if journey.variant.is_phone:
        expect(checklist.get_by_role("heading")).to_have_text("Kesiapan ekspor")
        expect(checklist).to_contain_text("Belum: Memiliki mentor")
    owner.fits_phone()
    owner.shot("dashboard")

    # Upload the Halal certificate; the business page lists it, waiting for staff.
    owner.link("Legal papers").click()
    owner.field("kind").select_option(Certification.Kind.HALAL)
    owner.field("certificate number").fill("ID14110000123450224")
    owner.field("issued by").fill("BPJPH")
    owner.field("issued on").fill("2024-02-12")
    owner.field("document").set_input_files(str(product_photo(tmp_path / "halal.jpg")))
    owner.button("Save certificate").click()
    owner.expect_message("The certificate is saved; staff will verify it.")
    owner.page.get_by_role("heading", level=1).get_by_role("link").click()
    papers = owner.page.get_by_role("table")
    expect(papers).to_contain_text("ID14110000123450224")
    owner.fits_phone()
    owner.shot("business")
    owner.follow_nav("My business")

    # Add a product, then its photo.
    owner.link("Add a product").click()
    owner.field("name (Indonesian)").fill("Keripik Nanas Original 100 g")
    owner.field("name (English)").fill("Pineapple chips, original, 100 g")
    owner.field("category").select_option(str(snacks.pk))
    owner.field("description (Indonesian)").fill("Keripik nanas vakum tanpa pengawet.")
    owner.field("description (English)").fill("Vacuum-fried pineapple chips, no preservatives.")
    owner.field("HS code").fill("2008.20")
    owner.field("unit").select_option(Product.Unit.PACK)
    owner.field("minimum order quantity").fill("300")
    owner.field("price (IDR)").fill("27000")
    owner.field("FOB price (USD)").first.fill("1.90")
    owner.field("monthly capacity").fill("4000")
    owner.field("lead time (days)").fill("14")
    owner.page.get_by_role("checkbox", name="FOB", exact=True).check()
    owner.field("port of loading").fill("Dumai")
    owner.fits_phone()
    owner.button("Save").click()
    owner.expect_message("The product is saved as a draft. Add photos next.")
    product = Product.objects.get(business__owner=user)
    assert product.status == Product.Status.DRAFT

    owner.field("Photo").set_input_files(str(product_photo(tmp_path / "keripik.jpg")))
    owner.field("What the photo shows").fill("Keripik nanas dalam kemasan")
    owner.button("Upload").click()
    owner.expect_message("The photo is added.")
    expect(owner.page.get_by_role("img", name="Keripik nanas dalam kemasan")).to_be_visible()
    owner.fits_phone()
    owner.shot("photos")

    # The product's own checklist; the owner submits it for review.
    owner.page.get_by_role("heading", level=1).get_by_role("link").click()
    product_checklist = owner.page.get_by_role("region", name=owner.t("Export readiness"))
    expect(product_checklist).to_contain_text(owner.t("Missing:") + " " + owner.t("A mentor"))
    owner.button("Submit for review").click()
    owner.expect_message("Submitted for review. Your mentor has been told.")
    owner.fits_phone()
    owner.shot("product-submitted")

    # Ask the mentor for mentoring.
    owner.follow_nav("My business")
    owner.link("My mentors").click()
    owner.link("Find a mentor").click()
    expect(owner.page.get_by_role("heading", name="Dimas Prasetyo")).to_be_visible()
    owner.fits_phone()
    owner.link("Ask for mentoring").click()
    owner.field("Your message to the mentor").fill(
        "Mohon pendampingan untuk harga FOB dan kemasan ekspor keripik nanas."
    )
    owner.button("Send the request").click()
    owner.expect_message("Your request is sent to %(mentor)s.", mentor="Dimas Prasetyo")
    owner.fits_phone()
    assert emails_to(mentor.email), "the mentor is told by email"

    # The mentor accepts, records a visit and an action item.
    guide = journey.actor("mentor")
    guide.log_in(mentor.email, PASSWORD)
    guide.expect_path("/mentoring/dashboard/")
    guide.link("Keripik Nanas Siti").click()
    guide.button("Accept").click()
    guide.expect_message(
        "You now mentor %(business)s; the owner has been told.", business="Keripik Nanas Siti"
    )
    mentorship = Mentorship.objects.get(mentor=mentor)
    assert mentorship.status == Mentorship.Status.ACTIVE

    guide.page.get_by_text(guide.t("Record a visit or call"), exact=True).click()
    today = timezone.localdate()
    guide.field("date").fill(today.isoformat())
    guide.field("mode").select_option(MentoringLog.Mode.VISIT)
    guide.field("duration (hours)").fill("2")
    guide.field("notes").fill("Kunjungan ke dapur produksi; kami menghitung harga FOB bersama.")
    guide.button("Save the log entry").click()
    guide.expect_message("The log entry is saved; the owner has been told.")

    guide.page.get_by_text(guide.t("Add an action item"), exact=True).click()
    guide.field("What to do").fill("Tambah dua foto kemasan dari depan dan belakang")
    guide.field("Due on").fill((today + timedelta(days=14)).isoformat())
    guide.button("Add").click()
    guide.expect_message("The action item is added.")
    expect(
        guide.page.get_by_text("Tambah dua foto kemasan dari depan dan belakang")
    ).to_be_visible()
    guide.shot("mentorship")
    assert MentoringLog.objects.filter(mentorship=mentorship).count() == 1
    assert ActionItem.objects.filter(mentorship=mentorship, done_at__isnull=True).count() == 1

    # The mentor reviews and approves the product.
    guide.follow_nav("Reviews")
    guide.page.get_by_role("link", name=product_name(product, guide.language)).click()
    guide.field("Comment for the owner").fill("Siap untuk pembeli luar negeri.")
    guide.button("Approve and list").click()
    guide.expect_message("Approved: the product is now in the catalogue.")
    product.refresh_from_db()
    assert product.status == Product.Status.LISTED
    assert Notification.objects.filter(recipient=user, kind="product_approved").exists()

    # The owner sees the mentor and the action item, and the product in the catalogue.
    owner.follow_nav("My business")
    owner.link("My mentors").click()
    expect(owner.page.get_by_role("link", name="Dimas Prasetyo")).to_be_visible()
    expect(
        owner.page.get_by_text("Tambah dua foto kemasan dari depan dan belakang")
    ).to_be_visible()
    owner.fits_phone()
    owner.shot("my-mentors")

    owner.follow_nav("Catalogue")
    card = owner.page.get_by_role("link", name=product_name(product, owner.language))
    expect(card).to_be_visible()
    card.click()
    expect(owner.page.get_by_role("heading", level=1)).to_have_text(
        product_name(product, owner.language)
    )
    expect(owner.page.get_by_role("link", name="Keripik Nanas Siti")).to_be_visible()
    owner.fits_phone()
    owner.shot("catalogue-product")


def product_name(product: Product, language: str) -> str:
    return product.name_id if language == "id" else product.name_en
