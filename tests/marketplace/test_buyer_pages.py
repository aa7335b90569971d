"""What a buyer sees on a product page (a large main photo and a gallery that stays on
the page) and on a supplier's profile (logo, story, photos, founding year, capacity,
verified certificates with dates, response figures, mentor, products, and
``Organization`` JSON-LD), with the queries these pages cost."""

import json
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from umkm.models import Business, BusinessPhoto

from ..factories import BusinessFactory, ListedProductFactory
from ..support.catalogue import add_photos
from ..support.forms_as_sent import signed_in

pytestmark = pytest.mark.django_db

SITE_URL = "https://jembatan.test"  # config.test_settings


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def ld_blocks(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def tag_with(html: str, needle: str) -> str:
    """The first start tag containing ``needle``."""
    index = html.index(needle)
    return html[html.rindex("<", 0, index) : html.index(">", index) + 1]


def attribute(tag: str, name: str) -> str:
    return re.search(rf'\s{name}="([^"]*)"', tag).group(1)


# Product page: main photo and gallery -------------------------------------------------


def test_the_main_photo_is_large_and_declares_its_size(client, shop):
    html = html_of(client.get(reverse("marketplace:product", args=["kopi"]), {"lang": "en"}))
    main = tag_with(html, 'src="/media/products/')
    assert "1-1200" not in main and "0-1200.jpg" in main  # the first photo, large
    assert int(attribute(main, "width")) >= 300  # wide enough for a 360 px phone
    assert int(attribute(main, "width")) * 3 == int(attribute(main, "height")) * 4
    assert 'loading="eager"' in main
    assert "calc(100vw - 2rem)" in attribute(main, "sizes")  # full width on a phone


def test_the_gallery_stays_on_the_page(client, shop):
    html = html_of(client.get(reverse("marketplace:product", args=["kopi"]), {"lang": "en"}))
    gallery = html[
        html.index("data-gallery") : html.index("</section>", html.index("data-gallery"))
    ]
    # Thumbnails lead to the photo on this page, never to the raw picture.
    assert re.findall(r'<a class="pgallery-thumb" href="([^"]+)"', gallery) == [
        "#photo-1",
        "#photo-2",
        "#photo-3",
    ]
    assert [f'id="photo-{n}"' in gallery for n in (1, 2, 3)] == [True] * 3
    assert 'href="/media/' not in html
    assert not re.search(r'<a [^>]*href="[^"]*\.(jpe?g|png|webp)"', html)
    # Every picture of the gallery declares its size (nothing shifts while loading).
    for img in re.findall(r"<img [^>]*>", gallery):
        assert 'width="' in img and 'height="' in img, img
    assert 'src="/static/js/gallery.js' in html and "defer" in tag_with(html, "gallery.js")


def test_a_product_with_one_photo_has_no_thumbnails_or_script(client, shop):
    html = html_of(client.get(reverse("marketplace:product", args=["keripik"])))
    assert 'id="photo-1"' in html and "pgallery-thumbs" not in html
    assert "gallery.js" not in html


def test_a_product_without_photos_has_no_gallery(client, shop):
    html = html_of(client.get(reverse("marketplace:product", args=["tikar"])))
    assert "data-gallery" not in html


def test_the_size_follows_the_stored_photo(client, shop):
    shop.kopi.images.update(width=900, height=1600)  # a portrait photo
    html = html_of(client.get(reverse("marketplace:product", args=["kopi"])))
    main = tag_with(html, 'src="/media/products/')
    assert (attribute(main, "width"), attribute(main, "height")) == ("675", "1200")


# Supplier profile ------------------------------------------------------------------------


@pytest.fixture
def profile(shop):
    """Riau Roasters with a logo, a story, capacity, two photos and a website."""
    riau = shop.riau
    riau.logo.save("logo.png", ContentFile(b"not read"), save=False)
    Business.objects.filter(pk=riau.pk).update(
        logo=riau.logo.name,
        story_en="Started by Ibu Sari in 2016 with one roaster.",
        story_id="Dimulai oleh Ibu Sari pada 2016 dengan satu mesin sangrai.",
        capacity_en="2 tonnes of roasted coffee a month",
        capacity_id="2 ton kopi sangrai per bulan",
        website="https://riau.example",
        founded_year=2016,
    )
    BusinessPhoto.objects.bulk_create(
        BusinessPhoto(
            business=riau,
            image=f"businesses/{riau.pk}/{n}.jpg",
            width=1600,
            height=1200,
            alt_text=f"Roastery {n}",
            position=n,
        )
        for n in range(2)
    )
    riau.refresh_from_db()
    return shop


def supplier_html(client, business, language="en") -> str:
    return html_of(
        client.get(reverse("marketplace:supplier", args=[business.slug]), {"lang": language})
    )


def test_the_profile_shows_what_a_buyer_checks(client, profile):
    html = supplier_html(client, profile.riau)
    assert html.count("Riau Roasters</h1>") == 1
    main = html[html.index("<main") : html.index("</main>")]
    # The name once as a heading (the card on the side does not repeat it).
    assert len(re.findall(r"<h[12][^>]*>(?:<a [^>]*>)?Riau Roasters", main)) == 1
    logo = tag_with(html, 'class="supplier-logo"')
    assert attribute(logo, "width") == attribute(logo, "height") == "96"
    assert "Started by Ibu Sari in 2016" in html
    assert "2 tonnes of roasted coffee a month" in html
    assert "2016" in html
    for n in range(2):
        photo = tag_with(html, f'src="/media/businesses/{profile.riau.pk}/{n}.jpg')
        assert attribute(photo, "width") == "1600" and attribute(photo, "alt") == f"Roastery {n}"
    assert "Verified by Disperindag" in html
    assert "Mentored by" in html
    assert "Response rate" in html
    # Verified certificates with their dates; expired or unverified ones are not shown.
    certs = html[
        html.index('class="cert-list"') : html.index("</ul>", html.index('class="cert-list"'))
    ]
    assert "Halal" in certs and "issued" in certs and "valid until" in certs
    assert "does not expire" in certs
    # Its listed products.
    assert reverse("marketplace:product", args=["kopi"]) in html
    assert reverse("marketplace:product", args=["keripik"]) in html


def test_the_profile_in_indonesian(client, profile):
    html = supplier_html(client, profile.riau, "id")
    assert "Dimulai oleh Ibu Sari" in html and "2 ton kopi sangrai per bulan" in html


def test_organization_json_ld(client, profile):
    html = supplier_html(client, profile.riau)
    (data,) = ld_blocks(html)
    riau = profile.riau
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Organization"
    assert data["name"] == "Riau Roasters"
    assert data["url"] == f"{SITE_URL}/catalogue/s/{riau.slug}/"
    assert data["logo"] == f"{SITE_URL}/media/{riau.logo.name}"
    assert data["foundingDate"] == "2016"
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Pekanbaru",
        "addressRegion": "Riau",
        "addressCountry": "ID",
    }
    assert data["numberOfEmployees"] == {"@type": "QuantitativeValue", "value": riau.employees}
    assert data["sameAs"] == ["https://riau.example"]
    assert data["image"] == [f"{SITE_URL}/media/businesses/{riau.pk}/{n}.jpg" for n in range(2)]
    kinds = {c["name"] for c in data["hasCredential"]}
    assert len(data["hasCredential"]) == 2 and any("Halal" in k for k in kinds)
    pirt = next(c for c in data["hasCredential"] if "P-IRT" in c["name"])
    assert pirt["expires"] == (timezone.localdate() + timedelta(days=365)).isoformat()


def test_a_supplier_name_cannot_break_out_of_the_json_ld(client, profile):
    evil = 'Kopi </script><script>alert(1)</script> & "Sons"'
    Business.objects.filter(pk=profile.riau.pk).update(name=evil)
    html = supplier_html(client, profile.riau)
    assert "<script>alert(1)" not in html
    (data,) = ld_blocks(html)
    assert data["name"] == evil


def test_a_plain_supplier_has_a_plain_profile(client, shop):
    """No logo, story, capacity or photos: none of their sections, no empty JSON-LD keys."""
    html = supplier_html(client, shop.bandung)
    assert "supplier-logo" not in html and "Our story" not in html
    assert "supplier-photos" not in html and "Production capacity" not in html
    (data,) = ld_blocks(html)
    assert "logo" not in data and "image" not in data and "sameAs" not in data


@pytest.mark.parametrize("role", ["anonymous", "buyer", "owner", "mentor", "staff"])
def test_the_profile_is_public_and_its_queries_do_not_grow(
    cast, role, django_assert_max_num_queries, settings
):
    settings.ANONYMOUS_RESPONSE_CACHE_SECONDS = 0
    business = BusinessFactory(verified_at=timezone.now())
    products = [ListedProductFactory(business=business) for _ in range(3)]
    add_photos(products, 2)
    client = signed_in(cast[role])
    url = reverse("marketplace:supplier", args=[business.slug])
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    more = [ListedProductFactory(business=business) for _ in range(10)]
    add_photos(more, 3)
    BusinessPhoto.objects.bulk_create(
        BusinessPhoto(
            business=business, image=f"businesses/{n}.jpg", width=800, height=600, position=n
        )
        for n in range(5)
    )
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200


def test_the_product_page_queries_do_not_grow_with_photos(
    client, shop, django_assert_max_num_queries, settings
):
    settings.ANONYMOUS_RESPONSE_CACHE_SECONDS = 0
    url = reverse("marketplace:product", args=["kopi"])
    with django_assert_max_num_queries(12):
        client.get(url)
    add_photos([shop.kopi], 5)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_a_hidden_supplier_is_404(client, shop):
    Business.objects.filter(pk=shop.riau.pk).update(is_active=False)
    assert client.get(reverse("marketplace:supplier", args=[shop.riau.slug])).status_code == 404
