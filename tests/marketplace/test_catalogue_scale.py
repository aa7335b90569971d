"""The catalogue at 100,000 and 1,000,000 products (issues 14 and 19) and its search
(issue 15): what a signed-in buyer's pages cost does not grow with the data, deep pages
are read as a deferred join, product cards are rendered once for everyone, totals and
facets come from the maintained aggregate on PostgreSQL, and a misspelt search is
corrected (with "Did you mean …") on SQLite as on PostgreSQL."""

import re
from dataclasses import replace
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core import cache_versions
from marketplace import selectors
from marketplace.models import ShortlistItem
from marketplace.selectors import Filters
from umkm import services
from umkm.models import Business, Certification, ListedProductCount, Product

from ..factories import (
    BusinessFactory,
    BuyerFactory,
    CategoryFactory,
    CertificationFactory,
    ListedProductFactory,
    ProductFactory,
)
from ..support.catalogue import add_photos, counted_from_products

pytestmark = pytest.mark.django_db

CATALOGUE = "/catalogue/"
PRODUCTS_API = "/api/v1/products/"


@pytest.fixture
def shop():
    food = CategoryFactory(slug="food", name_en="Food", name_id="Makanan", is_food=True)
    coffee = CategoryFactory(slug="coffee", name_en="Coffee", name_id="Kopi", parent=food)
    crafts = CategoryFactory(slug="crafts", name_en="Crafts", name_id="Kerajinan")
    rattan = CategoryFactory(slug="rattan", name_en="Rattan", name_id="Rotan", parent=crafts)
    supplier = BusinessFactory(name="Kedai Nusantara", verified_at=timezone.now())
    CertificationFactory(business=supplier, kind=Certification.Kind.HALAL)
    return SimpleNamespace(
        food=food, coffee=coffee, crafts=crafts, rattan=rattan, supplier=supplier
    )


def grow(shop, n: int) -> list[Product]:
    """``n`` more listed products: coffee from the shop's supplier, rattan from others."""
    products = []
    for i in range(n):
        coffee = i % 2 == 0
        products.append(
            ListedProductFactory(
                category=shop.coffee if coffee else shop.rattan,
                business=shop.supplier if coffee else BusinessFactory(),
                name_en="Arabica coffee beans" if coffee else "Woven rattan basket",
                name_id="Biji kopi arabika" if coffee else "Keranjang rotan",
                listed_at=timezone.now() - timedelta(minutes=len(products) + i),
            )
        )
    add_photos(products, 2)
    services.products_refresh_search()
    return products


def queries(client, path, params=None, **headers) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params or {}, **headers)
    assert response.status_code == 200
    return len(captured.captured_queries), response


# What a signed-in buyer's pages cost: constant in the catalogue's size ---------------

SIGNED_IN_PAGES = [
    {},
    {"page": "2"},
    {"q": "coffee"},
    {"q": "cofee"},
    {"category": "food", "certification": "halal"},
    {"q": "rattan", "sort": "newest"},
]
# Warm: the user, unread notifications and which of the page's products the buyer saved
# (the session, and the page's content rendered for buyers, come from the cache).
WARM_CATALOGUE_QUERIES = 3


@pytest.mark.parametrize("params", SIGNED_IN_PAGES, ids=lambda p: "&".join(p) or "plain")
def test_signed_in_catalogue_queries_do_not_grow_with_the_catalogue(
    client, shop, params, django_assert_max_num_queries
):
    client.force_login(BuyerFactory())
    grow(shop, 30)
    cache.clear()
    cold_small, _response = queries(client, CATALOGUE, params)
    warm_small, _response = queries(client, CATALOGUE, params)
    grow(shop, 50)
    cache.clear()
    cold_large, _response = queries(client, CATALOGUE, params)
    warm_large, response = queries(client, CATALOGUE, params)
    assert response.content.decode().count('class="card product-card"') == 24
    assert (cold_small, warm_small) == (cold_large, warm_large)
    with django_assert_max_num_queries(WARM_CATALOGUE_QUERIES):
        client.get(CATALOGUE, params)


def test_api_list_with_a_token_costs_the_same_for_any_catalogue_size(client, shop):
    token = Token.objects.create(user=BuyerFactory())
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    grow(shop, 30)
    queries(client, PRODUCTS_API, **auth)
    small, _response = queries(client, PRODUCTS_API, **auth)
    grow(shop, 50)
    queries(client, PRODUCTS_API, {"page": "2"}, **auth)
    large, response = queries(client, PRODUCTS_API, {"page": "2"}, **auth)
    assert len(response.json()["results"]) == 24
    assert small == large <= 6  # token, rows, photos, price tiers, certificates (+1 spare)


@pytest.mark.parametrize("page", ["product", "supplier"])
def test_product_and_supplier_pages_cost_the_same_for_any_catalogue_size(client, shop, page):
    client.force_login(BuyerFactory())
    first = grow(shop, 10)[0]
    path = (
        f"/catalogue/p/{first.slug}/"
        if page == "product"
        else f"/catalogue/s/{first.business.slug}/"
    )
    queries(client, path)
    small, _response = queries(client, path)
    grow(shop, 40)
    queries(client, path)
    large, _response = queries(client, path)
    assert small == large


# Deep pages: the ids of the page, then its rows ----------------------------------------


def test_a_deep_page_lists_the_same_products_as_slicing_the_whole_list(client, shop):
    products = grow(shop, 60)
    newest_first = sorted(products, key=lambda p: (p.listed_at, p.pk), reverse=True)
    response = client.get(CATALOGUE, {"page": 3, "sort": "newest"})
    assert [p.pk for p in response.context["products"]] == [p.pk for p in newest_first[48:60]]
    with CaptureQueriesContext(connection) as captured:
        client.force_login(BuyerFactory())
        client.get(CATALOGUE, {"page": 2, "sort": "newest"})
    page_queries = [q["sql"] for q in captured.captured_queries if "OFFSET" in q["sql"]]
    # Only the narrow query of ids skips rows; the rows themselves are read by id.
    assert len(page_queries) == 1
    assert page_queries[0].startswith('SELECT "umkm_product"."id" AS "pk" FROM')


def test_a_page_beyond_the_last_shows_the_last_one(client, shop):
    grow(shop, 30)
    response = client.get(CATALOGUE, {"page": 99})
    assert response.context["page_obj"].number == 2
    assert len(response.context["products"]) == 6


# Product cards: rendered once, for everyone, until what they show changes ------------


def test_a_card_is_shared_by_anonymous_and_signed_in_readers_until_the_product_changes(
    client, settings, shop
):
    settings.ANONYMOUS_RESPONSE_CACHE_SECONDS = 0  # the card cache alone
    settings.SHARED_PAGE_CACHE_SECONDS = 0
    product = grow(shop, 1)[0]
    client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en")  # renders the card
    # A change that bypasses the services (no new updated_at) does not show: the buyer
    # gets the card the anonymous visitor's page rendered.
    Product.objects.filter(pk=product.pk).update(name_en="Renamed quietly")
    client.force_login(BuyerFactory())
    html = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h3>Arabica coffee beans</h3>" in html
    assert "<h3>Renamed quietly</h3>" not in html
    # A save (every service saves) moves updated_at: the card is rendered again.
    product.refresh_from_db()
    product.save()
    html = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h3>Renamed quietly</h3>" in html


def test_a_card_follows_its_supplier_and_the_reader_language(client, settings, shop):
    settings.ANONYMOUS_RESPONSE_CACHE_SECONDS = 0
    product = grow(shop, 2)[1]  # a rattan basket of an unverified supplier
    html = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count("badge-verified") == 1
    Business.objects.filter(pk=product.business_id).update(
        verified_at=timezone.now(), name="Anyaman Siak"
    )
    html = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.count("badge-verified") == 2
    assert "Anyaman Siak" in html
    assert "US$ 2.10" in html
    indonesian = client.get(CATALOGUE, HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert "Rp 25.000" in indonesian
    assert "US$" not in indonesian.split('class="product-grid"')[1]


def test_a_buyer_sees_a_heart_on_each_card_pressed_for_the_saved_ones(client, shop):
    products = grow(shop, 30)
    buyer = BuyerFactory()
    newest = max(products, key=lambda p: (p.listed_at, p.pk))
    ShortlistItem.objects.create(buyer=buyer, product=newest)
    client.force_login(buyer)
    html = client.get(CATALOGUE).content.decode()
    html = html.split('class="product-grid"')[1].split("</ul>")[0]
    assert html.count('class="card-save"') == 24
    assert html.count('aria-pressed="true"') == 1
    card = html.split(f'href="/catalogue/p/{newest.slug}/"')[1].split("</li>")[0]
    assert 'aria-pressed="true"' in card and 'value="remove"' in card
    # The button posts to the shortlist and comes back to the same page.
    other = products[0] if products[0] != newest else products[1]
    response = client.post(
        f"/catalogue/p/{other.slug}/save/", {"action": "save", "next": "/catalogue/?page=1"}
    )
    assert response.status_code == 302 and response["Location"] == "/catalogue/?page=1"
    assert ShortlistItem.objects.filter(buyer=buyer).count() == 2


@pytest.mark.parametrize("who", ["anonymous", "owner"])
def test_no_heart_for_anyone_but_buyers(client, shop, who):
    grow(shop, 3)
    if who == "owner":
        client.force_login(shop.supplier.owner)
    html = client.get(CATALOGUE).content.decode()
    assert "card-save" not in html


# Typos and "Did you mean …", on SQLite as on PostgreSQL ------------------------------


def slugs(response) -> set[str]:
    return {p.slug for p in response.context["products"]}


@pytest.fixture
def words(shop):
    coffee = ListedProductFactory(
        slug="arabica-beans",
        category=shop.coffee,
        name_en="Arabica coffee beans",
        name_id="Biji kopi arabika",
        business=shop.supplier,
    )
    basket = ListedProductFactory(
        slug="woven-basket",
        category=shop.rattan,
        name_en="Woven rattan basket",
        name_id="Keranjang anyaman rotan",
    )
    services.products_refresh_search()
    return SimpleNamespace(coffee=coffee, basket=basket)


@pytest.mark.parametrize(
    ("typed", "found", "meant"),
    [
        ("cofee", "arabica-beans", "coffee"),
        ("ratan", "woven-basket", "rattan"),
        ("arabika cofee", "arabica-beans", "arabika coffee"),
    ],
)
def test_a_misspelt_search_finds_the_product_and_offers_the_right_words(
    client, words, typed, found, meant
):
    response = client.get(CATALOGUE, {"q": typed}, HTTP_ACCEPT_LANGUAGE="en")
    assert slugs(response) == {found}
    assert response.context["suggestion"] == meant
    html = response.content.decode()
    assert "Did you mean" in html
    assert f"?q={meant.replace(' ', '+')}" in html


def test_a_search_that_is_found_as_typed_offers_no_correction(client, words):
    response = client.get(CATALOGUE, {"q": "coffee"}, HTTP_ACCEPT_LANGUAGE="en")
    assert slugs(response) == {"arabica-beans"}
    assert response.context["suggestion"] == ""
    assert "Did you mean" not in response.content.decode()


def test_a_word_with_nothing_close_finds_nothing_and_suggests_nothing(client, words):
    response = client.get(CATALOGUE, {"q": "qxzvwj"}, HTTP_ACCEPT_LANGUAGE="en")
    assert slugs(response) == set()
    assert response.context["suggestion"] == ""


def test_a_word_listed_after_the_first_search_is_known_at_once(client, words, shop):
    assert slugs(client.get(CATALOGUE, {"q": "mangostene"}, HTTP_ACCEPT_LANGUAGE="en")) == set()
    product = ListedProductFactory(
        slug="mangosteen-tea", name_en="Mangosteen tea", category=shop.coffee
    )
    services.products_refresh_search(queryset=Product.objects.filter(pk=product.pk))
    cache_versions.bump(cache_versions.CATALOGUE)  # as the listing service does
    response = client.get(CATALOGUE, {"q": "mangostene"}, HTTP_ACCEPT_LANGUAGE="en")
    assert slugs(response) == {"mangosteen-tea"}
    assert response.context["suggestion"] == "mangosteen"


# Filters stay usable with zero results -----------------------------------------------


def test_with_zero_results_every_certification_and_province_is_still_offered(client, words):
    response = client.get(
        CATALOGUE, {"q": "durian", "certification": "halal"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert slugs(response) == set()
    html = response.content.decode()
    sidebar = html.split('name="certification"')[1].split("</select>")[0]
    for kind, _label in Certification.Kind.choices:
        assert f'value="{kind}"' in sidebar
    provinces = html.split('name="province"')[1].split("</select>")[0]
    assert 'value="Riau"' in provinces and 'value="Bali"' in provinces
    assert "(0)" in sidebar


# PostgreSQL: totals and facets from the maintained aggregate -------------------------


FACET_FILTERS = [
    Filters(),
    Filters(category="food"),
    Filters(category="rattan"),
    Filters(certification="halal"),
    Filters(category="food", certification="halal"),
    Filters(province="Riau", verified=True),
    Filters(province="Bali"),
]


def _filters_id(filters) -> str:
    return ",".join(f"{k}={v}" for k, v in filters.__dict__.items() if v and k != "sort")


def _bali(shop) -> None:
    """A second province: two valid Halal certificates (counted once), an expired SVLK,
    three listed coffees and a draft; and a switched-off business's listed coffee."""
    bali = BusinessFactory(province="Bali", city="Denpasar")
    CertificationFactory(business=bali, kind=Certification.Kind.HALAL)
    CertificationFactory(business=bali, kind=Certification.Kind.HALAL)
    CertificationFactory(
        business=bali, kind=Certification.Kind.SVLK, expires_on=timezone.localdate() - timedelta(1)
    )
    ListedProductFactory.create_batch(3, business=bali, category=shop.coffee)
    ProductFactory(business=bali, category=shop.coffee)
    ListedProductFactory(business=BusinessFactory(is_active=False), category=shop.coffee)


@pytest.mark.parametrize("filters", FACET_FILTERS, ids=_filters_id)
def test_facets_counted_over_the_products_agree_with_counting_them_one_by_one(shop, filters):
    grow(shop, 12)
    _bali(shop)
    # A term filter every product meets keeps the aggregate out: one grouped query.
    filters = replace(filters, moq_max=10**6)
    assert not selectors._from_aggregate(filters)
    total, facets = counted_from_products(filters)
    assert selectors._apply(selectors.public_products(), filters).count() == total
    cache.clear()
    assert selectors.facet_counts(filters) == facets


@pytest.mark.parametrize("filters", FACET_FILTERS, ids=_filters_id)
def test_the_aggregate_answers_as_counting_the_products_would_on_postgresql(
    postgres_db, shop, filters
):
    grow(shop, 12)
    _bali(shop)
    assert selectors._from_aggregate(filters)
    total, facets = counted_from_products(filters)
    assert selectors.catalogue_total(filters) == total
    cache.clear()
    assert selectors.facet_counts(filters) == facets  # from the aggregate


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(category="food", certification="halal"),
        Filters(province="Riau", city="Pekanbaru", verified=True),
    ],
    ids=["plain", "category+certification", "place+verified"],
)
def test_totals_and_facets_read_only_the_facet_counts_on_postgresql(postgres_db, shop, filters):
    def captured() -> list[str]:
        with CaptureQueriesContext(connection) as context:
            selectors.catalogue_total(filters)
            selectors.facet_counts(filters)
        return [query["sql"] for query in context.captured_queries]

    grow(shop, 10)
    small = captured()
    grow(shop, 40)
    large = captured()
    # One sum and three grouped queries, whatever the size of the catalogue, over the
    # facet counts (and the categories' slugs) only: no product, listed count, business
    # or certificate is read, neither in the SQL nor in the plans PostgreSQL makes.
    assert len(small) == len(large) == 4
    with connection.cursor() as cursor:
        for sql in large:
            assert "umkm_cataloguefacetcount" in sql
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row for (row,) in cursor.fetchall())
            for table in ("umkm_product", "umkm_listedproductcount", "umkm_business"):
                assert table not in sql and table not in plan
            assert "umkm_certification " not in plan


@pytest.mark.parametrize(
    ("params", "from_aggregate"),
    [({}, True), ({"category": "food", "certification": "halal"}, True), ({"q": "coffee"}, False)],
    ids=["plain", "category+certification", "search"],
)
def test_the_api_list_counts_no_product_on_postgresql(
    postgres_db, client, shop, params, from_aggregate
):
    grow(shop, 30)
    expected = selectors._apply(
        selectors._search(selectors.public_products(), params.get("q", ""))[0],
        Filters(category=params.get("category", ""), certification=params.get("certification", "")),
    ).count()
    token = Token.objects.create(user=BuyerFactory())
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(PRODUCTS_API, params, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["count"] == expected
    # The list's count is a sum over the facet counts, or for a search without filters
    # the number of its candidates (looked up once for the page anyway).
    assert not [q for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    read_aggregate = any("umkm_cataloguefacetcount" in q["sql"] for q in captured.captured_queries)
    assert read_aggregate is from_aggregate


@pytest.mark.parametrize(
    ("params", "total", "counted"),
    [({"q": "coffee"}, 15, False), ({"q": "coffee", "category": "rattan"}, 0, True)],
    ids=["search", "search+category"],
)
def test_a_search_total_is_its_candidates_unless_a_filter_leaves_some_out(
    postgres_db, client, shop, params, total, counted
):
    grow(shop, 30)  # 15 coffee, 15 rattan
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CATALOGUE, params, HTTP_ACCEPT_LANGUAGE="en")
    assert re.search(rf"\b{total} products\b", response.content.decode())
    assert any("COUNT(*)" in q["sql"] for q in captured.captured_queries) is counted


def test_the_aggregate_follows_every_write_on_postgresql(postgres_db, shop):
    def counts():
        return dict(
            ListedProductCount.objects.filter(business=shop.supplier).values_list(
                "category__slug", "n"
            )
        )

    products = ListedProductFactory.create_batch(3, business=shop.supplier, category=shop.coffee)
    assert counts() == {"coffee": 3}
    Product.objects.filter(pk=products[0].pk).update(category=shop.rattan)
    assert counts() == {"coffee": 2, "rattan": 1}
    Product.objects.filter(pk=products[1].pk).update(
        is_listed=False, status=Product.Status.ARCHIVED
    )
    assert counts() == {"coffee": 1, "rattan": 1}
    products[2].delete()
    assert counts() == {"rattan": 1}
    assert services.listed_counts_rebuild() == ListedProductCount.objects.count()
    assert counts() == {"rattan": 1}


def test_a_search_ranks_a_bounded_candidate_set_on_postgresql(postgres_db, shop, monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES", 5)
    grow(shop, 20)
    with CaptureQueriesContext(connection) as captured:
        queryset = selectors.catalogue(Filters(q="coffee"))
    assert queryset.count() == 5
    # The words are looked up once: the hits (the first 5 matches, and one more to know
    # whether there are more).
    assert [
        re.search(r"LIMIT \d+", q["sql"])[0] for q in captured.captured_queries if "@@" in q["sql"]
    ] == ["LIMIT 6"]


@pytest.mark.django_db(transaction=True)  # as on the site: no test transaction around it
def test_a_search_scans_for_its_candidates_from_the_first_page_every_time(
    postgres_db, shop, monkeypatch
):
    """On a large table PostgreSQL starts a sequential scan where another scan of it is
    or stopped (synchronized scans), so "the first N matches" would be other products at
    each lookup. The lookup turns that off for its own statement only (``bench``
    shows the same hits twice at a million products; a test table is too small for
    PostgreSQL to synchronize its scans)."""
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES", 5)
    grow(shop, 20)
    seen = []

    def setting_at_the_lookup(execute, sql, params, many, context):
        if "@@" in sql:
            with connection.cursor() as cursor:
                cursor.execute("SHOW synchronize_seqscans")
                seen.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    with connection.execute_wrapper(setting_at_the_lookup):
        hits = selectors.catalogue(Filters(q="coffee"))
        assert hits.count() == 5
    assert seen == ["off"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronize_seqscans")
        assert cursor.fetchone()[0] == "on"  # the connection is left as it was
    assert not connection.in_atomic_block


@pytest.mark.parametrize(
    ("q", "lookups", "suggested"),
    [("coffee", ["1001"], False), ("cofee", ["1001", "1001"], True)],
    ids=["as-typed", "misspelt"],
)
def test_a_search_page_looks_its_products_up_once_for_its_rows_total_and_facets(
    postgres_db, client, shop, q, lookups, suggested
):
    grow(shop, 20)  # 10 coffee from the shop's Halal supplier, 10 rattan from others
    client.force_login(BuyerFactory())
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(CATALOGUE, {"q": q}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="card product-card"') == 10
    assert re.search(r"\b10 products\b", html)
    assert ("Did you mean" in html) is suggested
    assert response.context["facets"] == {
        "category": {"food": 10, "coffee": 10},
        "province": {shop.supplier.province: 10},
        "certification": {"halal": 10},
    }
    # One full-text lookup in the search rows (a misspelt search: the typed words find
    # nothing, then the corrected ones), which ranks each hit and brings its facet key
    # too; then only the page's rows, by key: no count, no ordering and no facet query
    # of their own.
    sqls = [q["sql"] for q in captured.captured_queries]
    found = [sql for sql in sqls if "@@" in sql]
    assert [re.search(r"LIMIT (\d+)", sql)[1] for sql in found] == lookups
    assert all('"umkm_cataloguesearchrow"' in sql for sql in found)
    products = [sql for sql in sqls if '"umkm_product"' in sql]
    assert len(products) == 1 and "@@" not in products[0]


def test_a_search_page_in_the_order_of_its_hits_is_the_order_the_query_gives(
    postgres_db, client, shop
):
    # Ranks that differ (the word twice), ranks that tie, listing times that tie (then
    # the newer row first) and a listed product without a listing time (first, as
    # PostgreSQL sorts NULL in a descending order).
    now = timezone.now()
    for i in range(30):
        ListedProductFactory(
            category=shop.coffee,
            business=shop.supplier,
            name_en="Coffee, roasted coffee" if i % 3 == 0 else "Arabica coffee beans",
            listed_at=None if i == 7 else now - timedelta(hours=i // 4),
        )
    services.products_refresh_search()
    filters = Filters(q="coffee")
    by_query = list(selectors.catalogue(filters).values_list("pk", flat=True))
    assert selectors.catalogue_page_ids(filters, 0, 100) == by_query
    assert selectors.catalogue_page_ids(filters, 24, 48) == by_query[24:48]
    # Another order, or a filter, is read from the query.
    assert selectors.catalogue_page_ids(Filters(q="coffee", sort="newest"), 0, 24) is None
    assert selectors.catalogue_page_ids(Filters(q="coffee", category="food"), 0, 24) is None
    assert selectors.catalogue_page_ids(Filters(), 0, 24) is None
    client.force_login(BuyerFactory())
    page_two = client.get(CATALOGUE, {"q": "coffee", "page": 2}).context["products"]
    assert [product.pk for product in page_two] == by_query[24:30]
    api = client.get(PRODUCTS_API, {"q": "coffee", "page": 2}).json()
    assert [row["slug"] for row in api["results"]] == [
        Product.objects.get(pk=pk).slug for pk in by_query[24:30]
    ]


def test_a_kept_misspelt_search_whose_words_are_gone_is_searched_again(
    postgres_db, shop, monkeypatch
):
    grow(shop, 4)  # 2 coffee, 2 rattan
    filters = Filters(q="cofee")
    assert selectors.catalogue(filters).count() == 2  # corrected to "coffee", kept
    # The dictionary of catalogue words is emptied while those hits are kept: they
    # are not used with a query that cannot be made; the search is made again, by
    # trigram similarity over the products' text.
    monkeypatch.setattr(selectors, "_corrected_query", lambda q: None)
    found = list(selectors.catalogue(filters))
    assert {product.name_en for product in found} == {"Arabica coffee beans"}
    assert all(product.rank > 0 for product in found)  # ranked, by similarity


@pytest.mark.parametrize(
    ("limit", "said"), [(9, True), (10, False), (11, False)], ids=["more", "exactly", "fewer"]
)
def test_a_search_that_matches_more_than_it_lists_says_so(
    postgres_db, client, shop, monkeypatch, limit, said
):
    monkeypatch.setattr(selectors, "SEARCH_CANDIDATES", limit)
    grow(shop, 20)  # 10 coffee
    english = client.get(CATALOGUE, {"q": "coffee", "lang": "en"}).content.decode()
    assert re.search(rf"\b{min(limit, 10)} products\b", english)
    notice = (
        f"only the first {limit} are shown and counted, and the filters choose among them. "
        "Add a word to find others."
    )
    assert (notice in english) is said
    if said:
        cache.clear()
        indonesian = client.get(CATALOGUE, {"q": "coffee", "lang": "id"}).content.decode()
        assert (
            f"hanya {limit} yang pertama yang ditampilkan dan dihitung, dan filter memilih di "
            "antaranya. Tambahkan kata untuk menemukan yang lain."
        ) in indonesian
        # A filter chooses among those first matches: the page still says so.
        filtered = client.get(
            CATALOGUE, {"q": "coffee", "category": "coffee", "lang": "en"}
        ).content.decode()
        assert notice in filtered


def test_a_search_looks_its_words_up_once_per_request_even_without_a_cache(
    postgres_db, client, shop, settings
):
    grow(shop, 20)  # 10 coffee
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    for _request in range(2):  # the next request looks again: nothing is kept between them
        with CaptureQueriesContext(connection) as captured:
            response = client.get(CATALOGUE, {"q": "coffee"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert re.search(r"\b10 products\b", response.content.decode())
        # Rows, total, page ids, facets, suggestion and notice share one lookup.
        assert len([q for q in captured.captured_queries if "@@" in q["sql"]]) == 1
