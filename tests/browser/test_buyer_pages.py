"""The buyer's pages in Chromium at 360 px (a phone) and 1280 px (a desktop): the
product page's main photo is at least 300 px wide on the phone, the gallery moves with
the arrow keys and its thumbnails are buttons, nothing is wider than the screen, and
the footer leads to the about page. Screenshots land in
test-artifacts/screenshots/buyer_pages/."""

import io
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from demo.loaders.photos import product_photo
from pages.models import Page
from umkm import services

from ..factories import BusinessFactory, CategoryFactory, ListedProductFactory
from .conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": (360, 780), "desktop": (1280, 900)}


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def logo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (240, 240), (11, 110, 79)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def catalogue(django_capture_on_commit_callbacks):
    food = CategoryFactory(slug="food-beverages", name_en="Food", name_id="Makanan", is_food=True)
    snacks = CategoryFactory(
        slug="snacks", name_en="Snacks", name_id="Camilan", parent=food, is_food=True
    )
    business = BusinessFactory(name="Riau Roasters", verified_at=timezone.now())
    staff_fields = {
        "story_en": "Ibu Sari started frying pineapple chips in her kitchen in 2016. "
        "Today twelve neighbours work in the small factory behind the house.",
        "capacity_en": "6 tonnes of chips a month",
        "logo": logo(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        services.business_update(business=business, by=business.owner, **staff_fields)
        products = []
        for n, title in enumerate(["Pineapple chips, original", "Banana chips", "Cassava chips"]):
            product = ListedProductFactory(
                business=business, category=snacks, name_en=title, slug=f"chips-{n}"
            )
            for k in range(4 if n == 0 else 1):
                services.product_image_add(
                    product=product,
                    upload=upload(product_photo(title=title, category=snacks, variant=k), "p.jpg"),
                    alt_text=f"{title}, view {k + 1}",
                    by=business.owner,
                )
            products.append(product)
        for k in range(3):
            services.business_photo_add(
                business=business,
                upload=upload(
                    product_photo(title="Our kitchen", category=snacks, variant=k), "b.jpg"
                ),
                alt_text=f"Workshop {k + 1}",
                by=business.owner,
            )
    for slug in ("about", "contact", "privacy", "terms"):  # a flushed test database
        Page.objects.get_or_create(
            slug=slug,
            defaults={
                "title_en": slug.title(),
                "title_id": slug,
                "body_en": "Text.",
                "body_id": "Teks.",
            },
        )
    return business, products


@pytest.mark.parametrize("device", list(WIDTHS))
def test_buyer_pages_in_chromium(browser, live_server, catalogue, device):
    business, products = catalogue
    folder = ARTIFACTS / "buyer_pages" / device
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    width, height = WIDTHS[device]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = context.new_page()
    try:

        def visit(path: str, name: str) -> None:
            response = page.goto(f"{live_server.url}{path}?lang=en")
            assert response.status == 200, path
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow} px wider than the screen"
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

        visit("/", "01-home")
        visit(f"/catalogue/p/{products[0].slug}/", "02-product")
        main = page.locator(".pgallery-slide img").first
        box = main.bounding_box()
        assert box["width"] >= 300, box
        assert page.evaluate("document.querySelector('.pgallery-slide img').naturalWidth") > 0
        thumbs = page.locator("button.pgallery-thumb")
        assert thumbs.count() == 4  # links became buttons
        status = page.locator("[data-gallery-status]")
        assert status.inner_text().startswith("1")
        page.locator("[data-gallery-track]").focus()
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "document.querySelector('[data-gallery-status]').textContent.startsWith('2')"
        )
        assert thumbs.nth(1).get_attribute("aria-current") == "true"
        thumbs.nth(3).click()
        page.wait_for_function(
            "document.querySelector('[data-gallery-status]').textContent.startsWith('4')"
        )
        assert page.url.startswith(f"{live_server.url}/catalogue/p/")  # still on the page
        page.screenshot(path=str(folder / "03-product-photo-4.png"))
        visit(f"/catalogue/s/{business.slug}/", "04-supplier")
        assert page.locator("h1").inner_text() == "Riau Roasters"
        assert page.locator(".supplier-photos img").count() == 3
        page.locator(".site-footer").get_by_role("link", name="About").click()
        page.wait_for_url(f"{live_server.url}/about/")
        page.screenshot(path=str(folder / "05-about.png"), full_page=True)
    finally:
        context.close()


def test_the_gallery_works_without_javascript(browser, live_server, catalogue):
    _business, products = catalogue
    context = browser.new_context(viewport={"width": 360, "height": 780}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/catalogue/p/{products[0].slug}/?lang=en")
        assert page.locator("a.pgallery-thumb").count() == 4  # links, not yet buttons
        assert page.locator("#photo-3").bounding_box()["x"] >= 360  # off to the right
        page.locator("a.pgallery-thumb").nth(2).click()
        page.wait_for_url("**#photo-3")
        for _ in range(30):  # the strip scrolls smoothly: wait until it has arrived
            box = page.locator("#photo-3").bounding_box()
            if 0 <= box["x"] < 40:
                break
            page.wait_for_timeout(100)
        assert 0 <= box["x"] < 40 and box["width"] >= 300, box  # in view, full width
        assert page.url.split("#")[0].endswith(f"/catalogue/p/{products[0].slug}/?lang=en")
        page.screenshot(path=str(ARTIFACTS / "buyer_pages" / "phone-no-js-photo-3.png"))
    finally:
        context.close()
