"""The home page: a way in for each audience, featured products, categories with
counts and the programme's live figures, in few cached queries."""

import pytest
from django.utils import timezone

from umkm import services
from umkm.models import Product

from ..factories import BusinessFactory, ListedProductFactory, MentorFactory
from ..support.catalogue import add_photos
from ..support.forms_as_sent import signed_in

pytestmark = pytest.mark.django_db


def home(client, language="en") -> str:
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_a_path_for_each_audience(client, db):
    html = home(client)
    assert 'href="/catalogue/"' in html
    assert 'href="/accounts/signup/?role=owner"' in html
    assert 'href="/accounts/signup/?role=mentor"' in html
    assert 'action="/catalogue/"' in html and 'name="q"' in html


def test_featured_products_have_photos_and_link_to_their_public_page(client, shop):
    html = home(client)
    for slug in ("kopi", "kopi-dumai", "keripik", "kursi"):  # those with photos
        assert f'href="/catalogue/p/{slug}/"' in html
    assert 'href="/catalogue/p/tikar/"' not in html  # no photo: not featured


def test_categories_with_their_counts(client, shop):
    html = home(client)
    section = html[html.index('class="home-categories"') :]
    section = section[: section.index("</ul>")]
    assert 'href="/catalogue/?category=food"' in section
    assert "3 products" in section[section.index("category=food") :]
    assert "2 products" in section[section.index("category=crafts") :]


def test_live_figures(client, shop):
    MentorFactory()
    html = home(client)
    figures = html[html.index('class="home-figures"') :]
    assert ">3</span>" in figures  # suppliers
    assert "2 verified by Disperindag" in figures
    assert ">5</span>" in figures  # listed products


def test_a_new_listing_shows_at_once(client, shop, settings):
    settings.ANONYMOUS_RESPONSE_CACHE_SECONDS = 0
    home(client)
    product = ListedProductFactory(business=BusinessFactory(verified_at=timezone.now()))
    add_photos([product], 1)
    Product.objects.filter(pk=product.pk).update(listed_at=timezone.now())
    services.products_refresh_search()  # any listing change bumps the catalogue version
    from core import cache_versions

    cache_versions.bump(cache_versions.CATALOGUE)
    html = home(client)
    assert f'href="/catalogue/p/{product.slug}/"' in html
    assert ">4</span>" in html[html.index('class="home-figures"') :]  # suppliers


def test_the_home_page_costs_few_queries_and_none_once_cached(
    client, shop, settings, django_assert_max_num_queries, django_assert_num_queries
):
    settings.ANONYMOUS_RESPONSE_CACHE_SECONDS = 0
    with django_assert_max_num_queries(9):  # featured 2, categories 2, figures 4, exchange rate
        home(client)
    more = [ListedProductFactory() for _ in range(12)]
    add_photos(more, 3)
    from core import cache_versions

    cache_versions.bump(cache_versions.CATALOGUE)
    with django_assert_max_num_queries(9):
        home(client)
    with django_assert_max_num_queries(2):  # figures and categories from the cache
        home(client)


@pytest.mark.parametrize("role", ["buyer", "owner", "mentor", "staff"])
def test_signed_in_people_go_to_their_start_page(cast, role):
    response = signed_in(cast[role]).get("/")
    assert response.status_code == 302
    assert response["Location"] == cast[role].landing_url()


def test_in_indonesian(client, shop):
    html = home(client, "id")
    assert '<html lang="id">' in html
