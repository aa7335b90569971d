"""What the benchmark found costly on catalogue pages at 100,000 products, kept fixed.

- The total behind "N products" and the page links (``COUNT(*)`` over the catalogue) is
  cached briefly per filter combination (``CachedCountPaginator``), on the page and in
  the API; while it is behind, the last page still lists every product it has.
- The exchange rate is looked up only for a price that needs converting, and then once
  per page instead of once per product card.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test.utils import override_script_prefix
from django.urls import reverse
from django.utils import translation

from marketplace import selectors
from marketplace.models import ExchangeRate
from marketplace.templatetags import marketplace as price_tags
from umkm.models import ProductImage

from ..factories import CertificationFactory, ListedProductFactory, SubCategoryFactory
from ..support.queries import captured_queries

pytestmark = pytest.mark.django_db

CATALOGUE = "/catalogue/"
PRODUCTS_API = "/api/v1/products/"


def _get(client, url, params=None):
    with captured_queries() as queries:
        response = client.get(url, params or {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    # COUNT(*) of the products, or (PostgreSQL) the sum of the maintained aggregate.
    totals = [q["sql"] for q in queries if '"__count"' in q["sql"] or 'AS "total"' in q["sql"]]
    return response, totals


@pytest.fixture
def thirty():
    category = SubCategoryFactory()
    return [ListedProductFactory(category=category) for _ in range(30)], category


def test_the_catalogue_total_is_counted_once_then_cached(client, thirty):
    _products, category = thirty
    first, totals = _get(client, CATALOGUE)
    assert len(totals) == 1
    assert "30 products" in first.content.decode()

    second, totals = _get(client, CATALOGUE)
    assert totals == []
    assert "30 products" in second.content.decode()
    # Another filter combination has its own total.
    _response, totals = _get(client, CATALOGUE, {"category": category.slug})
    assert len(totals) == 1


def test_while_the_total_is_behind_the_last_page_still_shows_every_product(client, thirty):
    _products, category = thirty
    _get(client, CATALOGUE)  # caches 30
    for _ in range(6):
        ListedProductFactory(category=category)
    page_two, _totals = _get(client, CATALOGUE, {"page": 2})
    assert page_two.context["total"] == 30  # the cached total, two minutes at most
    assert len(page_two.context["products"]) == 12  # 36 listed: all of page 2

    cache.clear()  # the total expires
    page_two, totals = _get(client, CATALOGUE, {"page": 2})
    assert len(totals) == 1
    assert page_two.context["total"] == 36


def test_the_api_total_is_cached_and_its_last_page_complete(client, thirty):
    _products, category = thirty
    first, totals = _get(client, PRODUCTS_API)
    assert first.json()["count"] == 30
    assert len(totals) == 1
    for _ in range(6):
        ListedProductFactory(category=category)
    second, totals = _get(client, PRODUCTS_API, {"page": 2})
    assert totals == []
    assert len(second.json()["results"]) == 12


@pytest.fixture
def rate_lookups(monkeypatch):
    calls = []
    real = price_tags.current_rate

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(price_tags, "current_rate", counting)
    return calls


def test_a_page_of_prices_in_both_currencies_needs_no_exchange_rate(client, thirty, rate_lookups):
    ExchangeRate.objects.create(idr_per_usd=Decimal(16000))
    html = client.get(CATALOGUE, {"lang": "en"}).content.decode()
    assert html.count("US$ 2.10 <small>FOB</small>") == 24
    html = client.get(CATALOGUE, {"lang": "id"}).content.decode()
    assert html.count("Rp 25.000") == 24
    assert rate_lookups == []


def test_converted_prices_look_the_exchange_rate_up_once_per_page(client, thirty, rate_lookups):
    products, _category = thirty
    ExchangeRate.objects.create(idr_per_usd=Decimal(16000))
    type(products[0]).objects.update(price_idr=None)  # Indonesian readers need rupiah
    html = client.get(CATALOGUE, {"lang": "id"}).content.decode()
    assert html.count("≈ Rp 33.600") == 24
    assert len(rate_lookups) == 1


# Product cards: links and unit labels without a reverse() or a choices copy per card ---


def test_cards_link_to_each_product_and_name_its_unit(client, thirty):
    products, _category = thirty
    Product = type(products[0])
    Product.objects.filter(pk__in=[p.pk for p in products[::2]]).update(unit=Product.Unit.KG)
    for language in ("en", "id"):
        response = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE=language)
        html = response.content.decode()
        shown = list(response.context["products"])
        assert len(shown) == 24
        with translation.override(language):
            for product in shown:
                assert (
                    html.count(f'href="{reverse("marketplace:product", args=[product.slug])}"') == 1
                )
                assert f"{product.moq} {product.get_unit_display()}" in html


def test_card_links_keep_the_script_prefix(client, thirty):
    with override_script_prefix("/pasar/"):
        response = client.get(CATALOGUE)
    html = response.content.decode()
    for product in response.context["products"]:
        assert f'href="/pasar/catalogue/p/{product.slug}/"' in html


def test_a_unit_that_is_not_a_choice_shows_as_stored():
    with translation.override("en"):
        assert str(price_tags.unit_label("kg")) == "kilogram"
    assert price_tags.unit_label("bale") == "bale"


# The filter sidebar: cached per language, filters and facet counts ---------------------


def _sidebar(response) -> str:
    html = response.content.decode()
    start = html.index('<details class="filters')
    return html[start : html.index("</details>", start)]


def test_the_sidebar_is_cached_and_then_needs_no_category_query(client, settings, thirty):
    settings.ANONYMOUS_RESPONSE_CACHE_SECONDS = 0  # what one render costs
    _products, category = thirty
    first = _sidebar(client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en"))
    assert f'<option value="{category.slug}">' in first
    assert f'<option value="{category.parent.slug}">' in first
    with captured_queries() as queries:
        second = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en")
    assert _sidebar(second) == first
    assert not [q for q in queries if 'FROM "umkm_category"' in q["sql"]]
    assert len(queries) == 2  # the page of products and its images


def test_the_sidebar_shows_new_facet_counts_at_once(client, settings, thirty, monkeypatch):
    settings.ANONYMOUS_RESPONSE_CACHE_SECONDS = 0  # what one render costs
    _products, category = thirty
    assert f"{category.name_en} (30)" in _sidebar(client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en"))
    real = selectors.facet_counts

    def one_more(filters, *, cache_key=""):
        counts = real(filters, cache_key=cache_key)
        return {**counts, "category": {k: n + 1 for k, n in counts["category"].items()}}

    monkeypatch.setattr(selectors, "facet_counts", one_more)
    sidebar = _sidebar(client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en"))
    assert f"{category.name_en} (31)" in sidebar
    assert f"{category.name_en} (30)" not in sidebar


def test_the_sidebar_follows_the_language_and_the_filters(client, thirty):
    _products, category = thirty
    english = _sidebar(client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en"))
    indonesian = _sidebar(client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="id"))
    assert "All categories" in english
    assert "Semua kategori" in indonesian
    selected = f'<option value="{category.slug}" selected>'
    filtered = client.get(CATALOGUE, {"category": category.slug}, HTTP_ACCEPT_LANGUAGE="en")
    assert selected in _sidebar(filtered)
    assert selected not in _sidebar(client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en"))
    searched = client.get(CATALOGUE, {"q": "nanas"}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'name="q" value="nanas"' in _sidebar(searched)


# API list: labels from dicts, the item URL reversed once per response ------------------


@pytest.mark.parametrize("language", ["en", "id"])
def test_api_items_name_units_certificates_and_urls_as_the_models_do(client, thirty, language):
    products, _category = thirty
    Product = type(products[0])
    Product.objects.filter(pk__in=[p.pk for p in products[::2]]).update(unit=Product.Unit.KG)
    for product, kind in zip(products[:2], ["halal", "pirt"], strict=True):
        product.certifications.add(CertificationFactory(business=product.business, kind=kind))
    response = client.get(PRODUCTS_API, {"page_size": 30}, HTTP_ACCEPT_LANGUAGE=language)
    items = {item["slug"]: item for item in response.json()["results"]}
    assert len(items) == 30
    shown_kinds = 0
    with translation.override(language):
        for product in Product.objects.prefetch_related("certifications"):
            item = items[product.slug]
            assert item["unit_display"] == str(product.get_unit_display())
            assert item["url"] == f"http://testserver/catalogue/p/{product.slug}/"
            kinds = {c["kind"]: c["kind_display"] for c in item["certifications"]}
            for certification in product.certifications.all():
                assert kinds[certification.kind] == str(certification.get_kind_display())
                shown_kinds += 1
    assert shown_kinds


def test_the_product_page_names_its_unit_in_every_fact(client):
    product = ListedProductFactory(unit="kg", moq=50, capacity_per_month=900)
    product.price_tiers.create(min_quantity=50, price_usd=Decimal("2.00"))
    html = client.get(
        reverse("marketplace:product", args=[product.slug]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "50 kilogram" in html
    assert "US$ 2.10 / kilogram" in html
    assert "50+ kilogram: US$ 2.00" in html
    assert "900 kilogram" in html


def test_a_card_shows_the_first_photo_or_the_placeholder(client):
    with_photos, without = ListedProductFactory(), ListedProductFactory()
    ProductImage.objects.bulk_create(
        ProductImage(
            product=with_photos,
            image=f"products/{n}.jpg",
            thumb_small=f"products/{n}-400.jpg",
            width=1200,
            height=900,
            position=position,
            alt_text=f"Photo {n}",
        )
        for n, position in ((1, 2), (2, 0))
    )
    html = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'src="/media/products/2-400.jpg" alt="Photo 2"' in html
    assert "products/1-400.jpg" not in html
    assert html.count("img/placeholder") == 1
    assert without.name in html
