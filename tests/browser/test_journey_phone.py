"""Every role on a 360×780 phone (and on a 1280 px desktop): the compact header, the
catalogue's first screen, the tables of the owner's and mentor's tasks, check-in at the
door, and axe-core on the key pages.

On every page each role can reach from the header, the header is at most 64 px tall
(one row, also on the desktop) and the page does not scroll sideways on the phone. On
the key pages of each role axe finds no serious or critical violation, and a screenshot
lands in test-artifacts/screenshots/phone-<role>/<variant>/. Arranged in the database: the
people, a listed product with a photo, an inquiry, a session about to start with two
seats taken and one on a Sunday of this month.
"""

from __future__ import annotations

import io
import re
import shutil
from datetime import datetime, time, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from marketplace import services as marketplace_services
from mentoring.models import Registration, TrainingSession
from umkm import services as umkm_services
from umkm.models import Product

from ..factories import (
    PASSWORD,
    BusinessFactory,
    BuyerFactory,
    CategoryFactory,
    DraftSessionFactory,
    ListedProductFactory,
    MentorFactory,
    OwnerFactory,
    RegistrationFactory,
    StaffFactory,
    SubCategoryFactory,
    TrainingSessionFactory,
)
from . import axe
from .pages import VARIANTS, Variant

pytestmark = pytest.mark.browser

HEADER_MAX = 64
PHONE = Variant("phone", 360, 780, is_mobile=True)
SCREENS = {"phone": PHONE, "desktop": VARIANTS["desktop"]}
CHIPS = "Pineapple chips, original, 100 g"
SESSION = "Foto produk dengan ponsel"
SUNDAY_SESSION = "Kelas Minggu: label halal"


@pytest.fixture(params=list(SCREENS))
def variant(request):
    """This module's screens: the 360×780 phone of the issue, and the desktop."""
    return SCREENS[request.param]


@pytest.fixture
def journey(journey, request, variant):
    """The shared journey, with a screenshot folder per role: phone-<role>/<variant>/."""
    role = request.node.originalname.removeprefix("test_").split("_")[0]
    folder = journey.screenshot_dir.parents[1] / f"phone-{role}" / variant.name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    journey.screenshot_dir = folder
    return journey


def jpeg(colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (480, 360), colour).save(buffer, "JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


def last_sunday_of_this_month():
    today = timezone.localdate()
    day = (today.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    while day.weekday() != 6:
        day -= timedelta(days=1)
    return day


@pytest.fixture
def world(variant):
    """The people of each role (in their language) and what their pages show."""
    people = {
        "owner": OwnerFactory(
            email="siti@keripik.test",
            full_name="Siti Rahmawati",
            language=variant.language("owner"),
        ),
        "mentor": MentorFactory(
            email="rizky@mentor.test",
            full_name="Rizky Ramdhani",
            language=variant.language("mentor"),
        ),
        "buyer": BuyerFactory(email="emma@buyer.test", full_name="Emma Lindqvist", language="en"),
        "staff": StaffFactory(
            email="dewi@disperindag.test",
            full_name="Dewi Lestari",
            language=variant.language("staff"),
        ),
    }
    food = CategoryFactory(name_id="Makanan & minuman", name_en="Food & beverages", slug="food")
    snacks = SubCategoryFactory(name_id="Camilan", name_en="Snacks", slug="snacks", parent=food)
    business = BusinessFactory(
        owner=people["owner"], name="Keripik Nanas Siti", verified_at=timezone.now()
    )
    products = [
        ListedProductFactory(business=business, category=snacks, name_en=CHIPS),
        ListedProductFactory(business=business, category=snacks),
        ListedProductFactory(business=business, category=snacks),
    ]
    for product, colour in zip(
        products, [(230, 180, 50), (200, 90, 40), (90, 140, 60)], strict=True
    ):
        umkm_services.product_image_add(
            product=product, upload=jpeg(colour), alt_text=product.name_en, by=people["owner"]
        )
    umkm_services.products_refresh_search(queryset=Product.objects.all())
    marketplace_services.inquiry_create(
        buyer=people["buyer"],
        business=business,
        product=products[0],
        quantity=2400,
        unit="pack",
        incoterm="FOB",
        destination_country="SE",
        message="Could you quote 2,400 packs FOB Dumai for a Nordic grocery chain?",
    )
    # At the door in half an hour: two seats taken.
    soon = (timezone.now() + timedelta(minutes=30)).replace(second=0, microsecond=0)
    session = TrainingSessionFactory(
        host=people["mentor"],
        title=SESSION,
        starts_at=soon,
        ends_at=soon + timedelta(hours=3),
        registration_deadline=soon,
    )
    RegistrationFactory(session=session, business=business, attendee_name="Siti Rahmawati")
    RegistrationFactory(session=session, attendee_name="Usman Hakim")
    sunday = datetime.combine(
        last_sunday_of_this_month(), time(10), tzinfo=timezone.get_default_timezone()
    )
    DraftSessionFactory(
        host=people["mentor"],
        title=SUNDAY_SESSION,
        starts_at=sunday,
        ends_at=sunday + timedelta(hours=2),
        registration_deadline=sunday - timedelta(hours=2),
    )
    return people, session


# Checks -------------------------------------------------------------------------------


def header_height(actor) -> float:
    # A locator waits for the header to be there (a page still loading has none yet).
    return actor.page.locator(".site-header").evaluate(
        "header => header.getBoundingClientRect().height"
    )


def check_header(actor) -> None:
    height = header_height(actor)
    assert height <= HEADER_MAX, f"{actor.page.url}: the header is {height}px tall"


def inside_the_width(actor, locator) -> None:
    """The control is on the screen's width: no sideways scrolling to reach it."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    width = actor.journey.variant.width
    assert box is not None
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
        f"{actor.page.url}: {box} is outside the {width}px width"
    )


def key_page(actor, name: str) -> None:
    """A key page: the header, the width, axe, a screenshot."""
    check_header(actor)
    actor.fits_phone()
    axe.assert_accessible(actor.page)
    actor.shot(name)


def every_header_page(actor) -> list[str]:
    """Visit every page the actor's header links to: the header stays compact on each."""
    actor.open_menu()
    hrefs = actor.page.eval_on_selector_all(
        ".site-header a[href^='/']", "links => links.map(link => link.getAttribute('href'))"
    )
    pages = [
        href
        for href in dict.fromkeys(hrefs)
        if not href.startswith(("/admin/", "/i18n/", "/accounts/language/"))
        and "language" not in href
    ]
    for href in pages:
        actor.goto(href)
        check_header(actor)
        actor.fits_phone()
    return pages


def sign_in(journey, role: str, user):
    actor = journey.actor(role)
    axe.install(actor.page.context)
    actor.log_in(user.email, PASSWORD)
    return actor


def open_the_menu_and_check(actor) -> None:
    """On the phone the links are behind "Menu", which opens on tap and closes again."""
    toggle = actor.page.locator(".menu-toggle")
    if not actor.journey.variant.is_phone:
        expect(toggle).to_be_hidden()
        return
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(actor.page.locator(".main-nav")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(actor.page.locator(".main-nav")).to_be_visible()
    check_header(actor)  # the menu opens over the page, the bar keeps its height
    actor.page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")


# Journeys -----------------------------------------------------------------------------


def test_anonymous_visitor(journey, world):
    visitor = journey.actor("buyer")  # an anonymous visitor abroad: English
    axe.install(visitor.page.context)
    visitor.goto("/")
    key_page(visitor, "home")
    open_the_menu_and_check(visitor)

    visitor.goto("/catalogue/")
    key_page(visitor, "catalogue")
    first_card = visitor.page.locator(".product-card").first
    box = first_card.bounding_box()
    assert box is not None
    assert box["y"] + 100 <= journey.variant.height, (
        f"the first product card starts at {box['y']}px"
    )
    toggle = visitor.page.locator(".filters-toggle")
    if journey.variant.is_phone:
        # The filters wait behind "Filters (n)"; a tap opens them.
        expect(toggle).to_have_text(re.compile(r"^Filters\s+\(0\)$"))
        expect(visitor.page.locator("#catalogue-filters")).to_be_hidden()
        toggle.click()
        expect(visitor.page.locator("#catalogue-filters")).to_be_visible()
        visitor.page.get_by_label(visitor.t("Verified suppliers only")).check()
        visitor.button("Apply filters").click()
        expect(visitor.page.locator(".filters-toggle")).to_have_text(
            re.compile(r"^Filters\s+\(1\)$")
        )
        expect(visitor.page.locator(".product-card").first).to_be_in_viewport()
    else:
        expect(toggle).to_be_hidden()
        expect(visitor.page.locator("#catalogue-filters")).to_be_visible()

    visitor.page.get_by_role("link", name=CHIPS).first.click()
    key_page(visitor, "product")
    visitor.goto("/mentoring/trainings/")
    key_page(visitor, "trainings")
    every_header_page(visitor)


def test_buyer(journey, world):
    people, _session = world
    buyer = sign_in(journey, "buyer", people["buyer"])
    open_the_menu_and_check(buyer)
    buyer.follow_nav("Buyer dashboard")
    key_page(buyer, "dashboard")
    buyer.follow_nav("Inquiries")
    key_page(buyer, "inquiries")
    every_header_page(buyer)


def test_owner_reads_the_inquiry_list_and_replies(journey, world):
    people, _session = world
    owner = sign_in(journey, "owner", people["owner"])
    open_the_menu_and_check(owner)
    owner.follow_nav("My business")
    key_page(owner, "dashboard")

    owner.follow_nav("Inquiries")
    row = owner.page.locator("tbody tr").first
    date = row.locator("td").last
    expect(date).to_have_text(re.compile(r"\d"))
    inside_the_width(owner, date)
    inside_the_width(owner, row.get_by_role("link"))
    key_page(owner, "inquiries")

    row.get_by_role("link").click()
    reply = owner.page.locator("textarea").first
    inside_the_width(owner, reply)
    send = owner.button("Send")
    inside_the_width(owner, send)
    key_page(owner, "inquiry-thread")
    reply.fill("Ya, bisa. Harga FOB Dumai US$ 1,90 per pak." if owner.language == "id" else "Yes.")
    send.click()
    expect(owner.page.locator(".messages")).to_be_visible()

    owner.goto("/mentoring/registrations/")
    inside_the_width(owner, owner.link("Ticket").first)
    key_page(owner, "registrations")
    every_header_page(owner)


def test_mentor_checks_people_in_at_the_door(journey, world):
    people, session = world
    mentor = sign_in(journey, "mentor", people["mentor"])
    open_the_menu_and_check(mentor)
    mentor.follow_nav("Mentor dashboard")
    key_page(mentor, "dashboard")

    # The month: every day of the week, the Sunday session included.
    mentor.follow_nav("My trainings")
    month = mentor.page.locator(".calendar-month")
    sunday = month.get_by_role("link", name=re.compile(SUNDAY_SESSION))
    inside_the_width(mentor, sunday)
    if journey.variant.is_phone:  # the agenda writes the weekday out
        day = month.locator("td").filter(has_text=SUNDAY_SESSION)
        expect(day).to_contain_text(mentor.t("Sunday"))
    key_page(mentor, "month")

    # At the door: the code field first and focused, every "Check in" on the screen.
    mentor.goto(f"/mentoring/trainings/{session.pk}/check-in/")
    code = mentor.field("Ticket code")
    expect(code).to_be_focused()
    buttons = mentor.page.locator("tbody").get_by_role("button", name=mentor.t("Check in"))
    expect(buttons).to_have_count(2)
    for index in range(2):
        inside_the_width(mentor, buttons.nth(index))
    key_page(mentor, "check-in")

    first, second = session.registrations.order_by("created_at", "id")
    code.fill(first.ticket_code.lower())
    code.press("Enter")
    mentor.expect_message("%(name)s is checked in.", name=first.attendee_name)
    code = mentor.field("Ticket code")
    expect(code).to_be_focused()
    expect(code).to_have_value("")
    box = code.bounding_box()
    assert box is not None and box["y"] + box["height"] <= journey.variant.height
    first.refresh_from_db()
    assert first.status == Registration.Status.ATTENDED
    mentor.shot("checked-in")

    # A wrong person: undo from right under the field.
    undo = mentor.page.get_by_role(
        "button", name=mentor.t("Undo the check-in of %(name)s", name=first.attendee_name)
    )
    inside_the_width(mentor, undo)
    undo.click()
    mentor.expect_message("The check-in of %(name)s is undone.", name=first.attendee_name)
    first.refresh_from_db()
    assert first.status == Registration.Status.CONFIRMED

    # From the list: the second person's button.
    row = mentor.page.locator("tbody tr").filter(has_text=second.attendee_name)
    row.get_by_role("button", name=mentor.t("Check in")).click()
    mentor.expect_message("%(name)s is checked in.", name=second.attendee_name)
    expect(mentor.field("Ticket code")).to_be_focused()
    inside_the_width(mentor, mentor.page.locator("tbody").get_by_role("button").first)

    # Before the window opens, the page says when it opens and checks nobody in.
    TrainingSession.objects.filter(pk=session.pk).update(
        starts_at=session.starts_at + timedelta(days=1),
        ends_at=session.ends_at + timedelta(days=1),
    )
    mentor.page.reload()
    notice = mentor.t(
        "Check-in opens %(minutes)s minutes before the session starts, at %(when)s.",
        minutes=60,
        when="|",
    )
    expect(mentor.page.locator(".alert-info")).to_contain_text(notice.split("|")[0])
    expect(mentor.field("Ticket code")).to_have_count(0)
    every_header_page(mentor)


def test_staff(journey, world):
    people, _session = world
    staff = sign_in(journey, "staff", people["staff"])
    open_the_menu_and_check(staff)
    staff.follow_nav("Programme dashboard")
    key_page(staff, "programme-dashboard")
    staff.follow_nav("Work queues")
    key_page(staff, "work-queues")
    staff.goto("/staff/style-guide/")
    key_page(staff, "style-guide")
    every_header_page(staff)
