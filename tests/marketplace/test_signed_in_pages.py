"""Signed-in people share the rendered catalogue, product and supplier pages (issue 14,
marketplace/caching.py ``render_shared_page``): the page's blocks come from the cache
per kind of reader, language and time zone, and only the personal parts (the CSRF
token, the shortlist state) are filled in per request. Each reader sees exactly what a
fresh render shows, never another person's token or shortlist."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from marketplace.models import ShortlistItem
from umkm import services

from ..factories import BuyerFactory, ListedProductFactory, MentorshipFactory, OwnerFactory
from ..support.catalogue import catalogue_paths
from ..support.queries import captured_queries

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SHARED_KEYS = "shared-page:"
SAVED = ('class="heart" aria-pressed="true"', "data-saved")  # a card's heart, the page's button
NOT_SAVED = ('class="heart" aria-pressed="false"', "data-save>")


def shows(page: str, marks) -> bool:
    return any(mark in page for mark in marks)


@pytest.fixture
def product():
    product = ListedProductFactory(
        name_en="Rattan laundry basket", name_id="Keranjang cucian rotan"
    )
    MentorshipFactory(business=product.business)
    services.products_refresh_search()
    return product


def pages(product) -> list[str]:
    return catalogue_paths(product)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    assert response.status_code == 200
    return TOKEN.sub('name="csrfmiddlewaretoken" value="…"', response.content.decode())


def shared_entries() -> int:
    return len([k for k in cache._cache if SHARED_KEYS in k])  # LocMemCache's keys


@pytest.mark.parametrize("language", ["en", "id"])
@pytest.mark.parametrize("make_user", [BuyerFactory, OwnerFactory], ids=["buyer", "owner"])
def test_a_warm_page_is_the_cold_page(settings, product, language, make_user):
    user = make_user(language=language)
    ShortlistItem.objects.create(buyer=BuyerFactory(), product=product)  # another's heart
    if user.is_buyer:
        ShortlistItem.objects.create(buyer=user, product=product)
    client = signed_in(user)
    settings.SHARED_PAGE_CACHE_SECONDS = 0
    fresh = {path: html(client.get(path)) for path in pages(product)}
    settings.SHARED_PAGE_CACHE_SECONDS = 60
    cold = {path: html(client.get(path)) for path in pages(product)}
    assert shared_entries() == len(pages(product))
    warm = {path: html(client.get(path)) for path in pages(product)}
    assert fresh == cold == warm


def test_two_buyers_never_see_each_others_hearts_or_tokens(product):
    saver, other = BuyerFactory(), BuyerFactory()
    ShortlistItem.objects.create(buyer=saver, product=product)
    product_page = f"/catalogue/p/{product.slug}/"
    for path in ["/catalogue/", product_page]:
        first = signed_in(saver).get(path).content.decode()
        assert shows(first, SAVED), path
        # The other buyer gets the blocks the first one's request rendered.
        client = Client(enforce_csrf_checks=True)
        client.force_login(other)
        page = client.get(path).content.decode()
        assert not shows(page, SAVED), path
        assert shows(page, NOT_SAVED), path
        tokens = set(TOKEN.findall(page))
        assert not tokens & set(TOKEN.findall(first)), path
        # And the token in the page is theirs: their save goes through.
        token = next(iter(tokens))
        response = client.post(
            f"/catalogue/p/{product.slug}/save/", {"csrfmiddlewaretoken": token, "action": "save"}
        )
        assert response.status_code == 302, path
        ShortlistItem.objects.filter(buyer=other).delete()


def test_a_shortlist_change_shows_at_once_on_a_warm_page(product):
    buyer = BuyerFactory()
    client = signed_in(buyer)
    product_page = f"/catalogue/p/{product.slug}/"
    for path in ["/catalogue/", product_page]:
        client.get(path)  # warm
    client.post(f"/catalogue/p/{product.slug}/save/", {"action": "save"})
    for path in ["/catalogue/", product_page]:
        assert shows(client.get(path).content.decode(), SAVED), path
    client.post(f"/catalogue/p/{product.slug}/save/", {"action": "remove"})
    for path in ["/catalogue/", product_page]:
        page = client.get(path).content.decode()
        assert not shows(page, SAVED) and shows(page, NOT_SAVED), path


def test_buyers_and_other_people_each_see_their_own_controls(product):
    """A buyer's page (save button, hearts, "Contact supplier", dashboard link) and an
    owner's (none of them) are kept apart, whichever was rendered first."""
    product_page = f"/catalogue/p/{product.slug}/"
    supplier_page = f"/catalogue/s/{product.business.slug}/"
    owner, buyer = signed_in(OwnerFactory()), signed_in(BuyerFactory())
    for path in ["/catalogue/", product_page, supplier_page]:
        owner.get(path)
    for path in ["/catalogue/", product_page, supplier_page]:
        buyer.get(path)
    assert "data-save" in buyer.get(product_page).content.decode()
    assert "data-contact" in buyer.get(supplier_page).content.decode()
    assert "/catalogue/buyer/" in buyer.get("/catalogue/").content.decode()
    assert 'class="heart"' in buyer.get("/catalogue/").content.decode()
    for path in ["/catalogue/", product_page, supplier_page]:
        page = owner.get(path).content.decode()
        assert "data-save" not in page and "data-contact" not in page, path
        assert 'class="heart"' not in page, path


def test_a_listing_change_shows_at_once_to_signed_in_readers(product):
    client = signed_in(BuyerFactory())
    assert "Rattan laundry basket" in client.get("/catalogue/").content.decode()
    services.product_archive(product=product, actor=product.business.owner)
    assert "Rattan laundry basket" not in client.get("/catalogue/").content.decode()
    assert client.get(f"/catalogue/p/{product.slug}/").status_code == 404


@pytest.mark.parametrize("page", ["catalogue", "product", "supplier"])
@pytest.mark.parametrize("make_user", [BuyerFactory, OwnerFactory], ids=["buyer", "owner"])
def test_a_warm_signed_in_page_costs_at_most_the_user_and_the_shortlist(
    product, page, make_user, django_assert_max_num_queries
):
    path = {
        "catalogue": "/catalogue/",
        "product": f"/catalogue/p/{product.slug}/",
        "supplier": f"/catalogue/s/{product.business.slug}/",
    }[page]
    client = signed_in(make_user())
    client.get(path)
    # The user, and for a buyer which of the page's products they saved (the session,
    # the unread count and the page's blocks come from the cache).
    with django_assert_max_num_queries(2):
        assert client.get(path).status_code == 200


def test_a_session_survives_a_flushed_cache(product):
    """Sessions are read from the cache and kept in the database (cached_db)."""
    client = Client()
    user = BuyerFactory()
    client.force_login(user)
    cache.clear()
    with captured_queries() as queries:
        response = client.get("/catalogue/buyer/")
    assert response.status_code == 200
    assert any("django_session" in q["sql"] for q in queries)
    with captured_queries() as queries:
        assert client.get("/catalogue/buyer/").status_code == 200
    assert not any("django_session" in q["sql"] for q in queries)
